"""Two Rasa replicas of the production profile (tests/production/conftest.py).

A conversation that hops between replicas keeps its context, simultaneous
messages of one citizen are serialised by the lock store, and every event
reaches the broker.
"""
from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import aio_pika
import pytest

from common.privacy import pseudonymise
from tests.e2e.conftest import Chat
from tests.production.support import Production

pytestmark = [pytest.mark.services, pytest.mark.e2e, pytest.mark.model]


def test_conversation_keeps_context_across_replicas(production: Production) -> None:
    a, b = production.replicas
    sender = f"citizen-{uuid.uuid4().hex}"
    first = Chat(a, sender).texts("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    assert "หนังสือเดินทาง" in first
    # The follow-up names no service: replica B must know it from the shared tracker.
    second = Chat(b, sender).texts("แล้วค่าธรรมเนียมเท่าไหร่คะ")
    assert "หนังสือเดินทาง" in second and "บาท" in second


def test_simultaneous_messages_are_serialised_by_the_lock_store(production: Production) -> None:
    a, b = production.replicas
    sender = f"citizen-{uuid.uuid4().hex}"
    texts = ["สวัสดีค่ะ", "ขอบคุณค่ะ", "สวัสดีครับ", "ขอบคุณมากครับ"]
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda i: Chat((a, b)[i % 2], sender).send(texts[i]), range(4)))
    assert all(replies), "every message got an answer"
    with urllib.request.urlopen(  # noqa: S310 - loopback
        f"{a.rasa_url}/conversations/{sender}/tracker?token={a.config.rasa_token}", timeout=30
    ) as reply:
        events = json.loads(reply.read())["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users) == sorted(texts)
    # Serialised: every user message is followed by its own bot answer before the next one.
    kinds = [e["event"] for e in events if e["event"] in {"user", "bot"}]
    assert kinds == ["user", "bot"] * 4, kinds


def test_every_event_reaches_the_broker(production: Production) -> None:
    a, _ = production.replicas
    sender = f"citizen-{uuid.uuid4().hex}"
    Chat(a, sender).send("สวัสดีค่ะ")
    # The stream carries the sender's keyed pseudonym, never the sender ID.
    pseudonym = pseudonymise(sender, a.env["PSEUDONYM_KEY"])

    async def consume() -> list[dict]:
        connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1:5672/")
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(production.queue, durable=True)
            received: list[dict] = []
            # Bounded by time, not by count: earlier tests of the package leave
            # thousands of events in the queue before this conversation's.
            deadline = asyncio.get_running_loop().time() + 60
            while asyncio.get_running_loop().time() < deadline:
                message = await queue.get(no_ack=True, fail=False)
                if message is None:
                    if any(e.get("event") == "bot" and e.get("sender_id") == pseudonym
                           for e in received):
                        break
                    await asyncio.sleep(0.1)
                    continue
                received.append(json.loads(message.body))
            return received

    # A thread of its own: the browser tests' Playwright (sync API) may keep an
    # event loop running in this one for the whole session.
    with ThreadPoolExecutor(max_workers=1) as pool:
        received = pool.submit(asyncio.run, consume()).result()
    assert not any(e.get("sender_id") == sender for e in received)
    events = [e for e in received if e.get("sender_id") == pseudonym]
    kinds = [e["event"] for e in events]
    assert "user" in kinds and "bot" in kinds, kinds
    assert next(e for e in events if e["event"] == "user")["text"] == "สวัสดีค่ะ"
