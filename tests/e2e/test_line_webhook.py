"""LINE end to end: a signed webhook with a Thai question, through the real
Rasa server and action server, gets one schema-valid reply call."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.request
import uuid

import pytest
import yaml
from linebot.v3.messaging import ReplyMessageRequest

from app.launcher import Stack
from common.paths import ROOT
from tests.e2e.conftest import LINE_SECRET, LineStandIn, post_json

pytestmark = [pytest.mark.e2e, pytest.mark.model]

REPLY = "/v2/bot/message/reply"


def _webhook(user: str, text: str) -> bytes:
    event = {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user}, "webhookEventId": uuid.uuid4().hex.upper(),
        "deliveryContext": {"isRedelivery": False}, "replyToken": uuid.uuid4().hex,
        "message": {"id": "1", "type": "text", "quoteToken": "q", "text": text},
    }
    return json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()


def _follow(user: str) -> bytes:
    event = {
        "type": "follow", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user}, "webhookEventId": uuid.uuid4().hex.upper(),
        "deliveryContext": {"isRedelivery": False}, "replyToken": uuid.uuid4().hex,
        "follow": {"isUnblocked": False},
    }
    return json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()


def _sign(body: bytes, secret: str = LINE_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_signed_thai_question_gets_one_valid_reply(stack: Stack, line_api: LineStandIn) -> None:
    user = "U" + uuid.uuid4().hex
    body = _webhook(user, "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    url = f"{stack.rasa_url}/webhooks/line/webhook"
    before = len(line_api.bodies(REPLY))
    status, _ = post_json(url, None, {"X-Line-Signature": _sign(body)}, raw=body)
    assert status == 200
    replies = line_api.wait_for(REPLY, before + 1)[before:]
    assert len(replies) == 1
    reply = replies[0]
    ReplyMessageRequest.from_dict(reply)  # the official SDK's schema accepts it
    assert 1 <= len(reply["messages"]) <= 5
    flex = next(m for m in reply["messages"] if m["type"] == "flex")
    assert "หนังสือเดินทาง" in flex["altText"]
    assert "บัตรประจำตัวประชาชนฉบับจริงที่ยังไม่หมดอายุ" in json.dumps(flex["contents"], ensure_ascii=False)


def test_a_new_follower_gets_the_welcome_and_privacy_notice(stack: Stack, line_api: LineStandIn) -> None:
    welcome = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]["utter_greet"][0]["text"]
    body = _follow("U" + uuid.uuid4().hex)
    before = len(line_api.bodies(REPLY))
    status, _ = post_json(f"{stack.rasa_url}/webhooks/line/webhook", None, {"X-Line-Signature": _sign(body)}, raw=body)
    assert status == 200
    [reply] = line_api.wait_for(REPLY, before + 1)[before:]
    ReplyMessageRequest.from_dict(reply)
    assert reply["messages"] == [{"type": "text", "text": welcome}]
    assert "ข้อมูลส่วนบุคคล" in welcome


def test_forged_signature_gets_401_and_nothing_is_processed(stack: Stack, line_api: LineStandIn) -> None:
    user = "U" + uuid.uuid4().hex
    body = _webhook(user, "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    calls_before = len(line_api.calls)
    status, _ = post_json(f"{stack.rasa_url}/webhooks/line/webhook", None,
                          {"X-Line-Signature": _sign(body, "not-the-secret")}, raw=body)
    assert status == 401
    time.sleep(2)
    assert len(line_api.calls) == calls_before
    tracker_url = f"{stack.rasa_url}/conversations/{user}/tracker?token={stack.config.rasa_token}"
    with urllib.request.urlopen(tracker_url, timeout=10) as reply:  # noqa: S310 - loopback
        events = json.loads(reply.read())["events"]
    assert not [e for e in events if e["event"] == "user"]
