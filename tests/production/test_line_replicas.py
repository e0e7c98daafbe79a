"""LINE redeliveries on two real Rasa replicas: answered once, also after a restart.

LINE redelivers an event (same ``webhookEventId``) when it did not get our
200. Here the redelivery reaches the other replica, both replicas at once, or
the same replica after its Rasa process was restarted, and the citizen must
get exactly one answer: the replicas share the Redis ledger of answered
events (``LINE_DEDUP_REDIS_URL``, bot/channels/line_dedupe.py).

How a test knows a replica is done with a redelivery without waiting for a
clock: a replica runs one citizen's events strictly in order, so once a later
event of the same citizen is answered by that replica, the redelivery before
it has been dropped or answered.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from app.launcher import Stack
from tests.e2e.conftest import LINE_SECRET, post_json
from tests.production.support import REDIS_DB, Production

pytestmark = [pytest.mark.services, pytest.mark.e2e, pytest.mark.model]

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"
# The key the connector writes: namespace + sha256 of the event ID (no personal data).
KEY_PREFIX = "thaiassistant:line:event:"
DAY = 24 * 3600
CLAIM_SECONDS = 120
WELCOME = (
    "สวัสดีค่ะ ดิฉันเป็นผู้ช่วยตอบคำถามงานบริการประชาชนของหน่วยงานรัฐ ถามได้เลยค่ะ เช่น "
    "ต่อบัตรประชาชนใช้เอกสารอะไร ทำพาสปอร์ตเสียเงินเท่าไหร่ หรือที่ว่าการอำเภอที่ใกล้ที่สุด\n\n"
    "เรื่องข้อมูลส่วนบุคคล: ไม่ต้องส่งเลขบัตรประชาชน เบอร์โทร หรือชื่อ-นามสกุลนะคะ "
    "ระบบเก็บเฉพาะสถิติการใช้งานที่ไม่ระบุตัวตนเพื่อปรับปรุงบริการค่ะ"
)


def _key(event_id: str) -> str:
    return KEY_PREFIX + hashlib.sha256(event_id.encode()).hexdigest()[:32]


@pytest.fixture
def ledger() -> Iterator[redis.Redis]:
    """The Redis the replicas share; this test's event keys are removed afterwards."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    before = set(client.scan_iter(KEY_PREFIX + "*"))
    yield client
    added = set(client.scan_iter(KEY_PREFIX + "*")) - before
    if added:
        client.delete(*added)
    client.close()


def _citizen() -> str:
    return "U" + uuid.uuid4().hex


def _event(user: str, **fields: Any) -> dict[str, Any]:
    base = {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user}, "webhookEventId": uuid.uuid4().hex.upper(),
        "deliveryContext": {"isRedelivery": False}, "replyToken": uuid.uuid4().hex,
    }
    base.update(fields)
    return base


def _follow(user: str) -> dict[str, Any]:
    """A citizen adds the account: the assistant answers with its welcome."""
    return _event(user, type="follow")


def _text(user: str, text: str) -> dict[str, Any]:
    return _event(user, message={"id": "1", "type": "text", "quoteToken": "q", "text": text})


def _redelivered(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "deliveryContext": {"isRedelivery": True}}


def _post(replica: Stack, event: dict[str, Any]) -> None:
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()
    signature = base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest())
    status, answer = post_json(f"{replica.rasa_url}/webhooks/line/webhook", None,
                               {"X-Line-Signature": signature.decode()}, raw=body)
    assert status == 200, answer


def _replies_to(production: Production, event: dict[str, Any]) -> list[dict[str, Any]]:
    return [body for body in production.line_api.bodies(REPLY)
            if body["replyToken"] == event["replyToken"]]


def _wait_for_reply(production: Production, event: dict[str, Any],
                    timeout: float = 60) -> dict[str, Any]:
    stand_in = production.line_api
    with stand_in.arrived:
        stand_in.arrived.wait_for(lambda: _replies_to(production, event), timeout)
    replies = _replies_to(production, event)
    assert replies, "no answer within the timeout: see test-artifacts/production-logs"
    return replies[0]


def _texts(reply: dict[str, Any]) -> list[str]:
    return [message["text"] for message in reply["messages"] if message["type"] == "text"]


def _settle(production: Production, replica: Stack, user: str) -> None:
    """Return once ``replica`` has finished every earlier event of ``user``."""
    later = _text(user, "ขอบคุณค่ะ")
    _post(replica, later)
    _wait_for_reply(production, later)


def _assert_answered_once(production: Production, event: dict[str, Any], user: str) -> None:
    replies = _replies_to(production, event)
    assert len(replies) == 1, f"the event was answered {len(replies)} times"
    assert _texts(replies[0]) == [WELCOME]
    assert [b for b in production.line_api.bodies(PUSH) if b["to"] == user] == []


def test_a_redelivery_to_the_other_replica_is_answered_once(
    production: Production, ledger: redis.Redis
) -> None:
    a, b = production.replicas
    user = _citizen()
    first = _follow(user)
    _post(a, first)
    _wait_for_reply(production, first)

    _post(b, _redelivered(first))
    _settle(production, b, user)
    _assert_answered_once(production, first, user)


def test_one_event_reaching_both_replicas_at_once_is_answered_once(
    production: Production, ledger: redis.Redis
) -> None:
    a, b = production.replicas
    user = _citizen()
    first = _follow(user)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(_post, (a, b), (first, _redelivered(first))))
    for replica in (a, b):
        _settle(production, replica, user)
    _assert_answered_once(production, first, user)


def test_a_redelivery_after_a_restart_is_dropped_and_remembered_for_a_day(
    production: Production, ledger: redis.Redis
) -> None:
    _, b = production.replicas
    user = _citizen()
    first = _follow(user)
    _post(b, first)
    _settle(production, b, user)  # answered, and the answer recorded in Redis
    key = _key(first["webhookEventId"])
    assert ledger.get(key) == b"answered"
    assert CLAIM_SECONDS < ledger.ttl(key) <= DAY  # the expiry is set, a day long

    production.restart(1)  # a new Rasa process: nothing of the event in its memory
    _post(b, _redelivered(first))
    _settle(production, b, user)
    _assert_answered_once(production, first, user)
