"""The production profile, for real: two Rasa replicas behind no sticky routing.

Both replicas share the PostgreSQL tracker store and the Redis lock store and
publish every event to RabbitMQ; the knowledge base is on PostgreSQL too. A
conversation that hops between replicas keeps its context, simultaneous
messages of one citizen are serialised by the lock store, and every event
reaches the broker.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import aio_pika
import psycopg
import pytest

from app.launcher import MODEL, Stack, StackConfig
from common.paths import ROOT
from tests.conftest import require_model, require_service
from tests.e2e.conftest import Chat, free_port, seed_kb

pytestmark = [pytest.mark.services, pytest.mark.e2e, pytest.mark.model]

PG = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _create_database(name: str) -> None:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(name: str) -> None:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    require_model(MODEL)
    suffix = secrets.token_hex(4)
    tracker_db, kb_db, queue = f"tracker_{suffix}", f"kb_{suffix}", f"rasa_events_{suffix}"
    _create_database(tracker_db)
    _create_database(kb_db)
    kb_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{kb_db}"
    seed_kb(kb_url)
    action_port = free_port()
    env = {
        "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": "5432", "TRACKER_DB_NAME": tracker_db,
        "TRACKER_DB_USER": "postgres", "TRACKER_DB_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_PASSWORD": "", "REDIS_LOCK_DB": "1",
        "RABBITMQ_HOST": "127.0.0.1", "RABBITMQ_PORT": "5672", "RABBITMQ_USER": "guest",
        "RABBITMQ_PASSWORD": "guest", "RABBITMQ_EVENTS_QUEUE": queue, "APP_ENV": "production",
        "PSEUDONYM_KEY": secrets.token_hex(16),
    }
    logs = ROOT / "test-artifacts" / "production-logs"
    replicas = []
    for index in range(2):
        config = StackConfig(
            rasa_port=free_port(), action_port=action_port, web_port=None,
            endpoints=ROOT / "endpoints.production.yml", kb_database_url=kb_url,
            extra_env=env, log_dir=logs / f"replica-{index}",
        )
        replicas.append(Stack(config))
    try:
        replicas[0].start_actions()  # one action server serves both replicas
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: s.start_rasa(), replicas))
        yield {"replicas": replicas, "queue": queue}
    finally:
        for stack in replicas:
            stack.stop()
        _drop_database(tracker_db)
        _drop_database(kb_db)


def test_conversation_keeps_context_across_replicas(production: dict) -> None:
    a, b = production["replicas"]
    sender = f"citizen-{uuid.uuid4().hex}"
    first = Chat(a, sender).texts("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    assert "หนังสือเดินทาง" in first
    # The follow-up names no service: replica B must know it from the shared tracker.
    second = Chat(b, sender).texts("แล้วค่าธรรมเนียมเท่าไหร่คะ")
    assert "หนังสือเดินทาง" in second and "บาท" in second


def test_simultaneous_messages_are_serialised_by_the_lock_store(production: dict) -> None:
    a, b = production["replicas"]
    sender = f"citizen-{uuid.uuid4().hex}"
    texts = ["สวัสดีค่ะ", "ขอบคุณค่ะ", "สวัสดีครับ", "ขอบคุณมากครับ"]
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda i: Chat((a, b)[i % 2], sender).send(texts[i]), range(4)))
    assert all(replies), "every message got an answer"
    import urllib.request

    with urllib.request.urlopen(  # noqa: S310 - loopback
        f"{a.rasa_url}/conversations/{sender}/tracker?token={a.config.rasa_token}", timeout=30
    ) as reply:
        events = json.loads(reply.read())["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users) == sorted(texts)
    # Serialised: every user message is followed by its own bot answer before the next one.
    kinds = [e["event"] for e in events if e["event"] in {"user", "bot"}]
    assert kinds == ["user", "bot"] * 4, kinds


def test_every_event_reaches_the_broker(production: dict) -> None:
    a, _ = production["replicas"]
    sender = f"citizen-{uuid.uuid4().hex}"
    Chat(a, sender).send("สวัสดีค่ะ")

    async def consume() -> list[dict]:
        connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1:5672/")
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(production["queue"], durable=True)
            received: list[dict] = []
            for _ in range(200):
                message = await queue.get(no_ack=True, fail=False)
                if message is None:
                    if any(e.get("event") == "bot" and e.get("sender_id") == sender for e in received):
                        break
                    await asyncio.sleep(0.1)
                    continue
                received.append(json.loads(message.body))
            return received

    events = [e for e in asyncio.run(consume()) if e.get("sender_id") == sender]
    kinds = [e["event"] for e in events]
    assert "user" in kinds and "bot" in kinds, kinds
    assert next(e for e in events if e["event"] == "user")["text"] == "สวัสดีค่ะ"
