"""Every message the LINE connector can send validates against LINE's own models.

Runs in the modern environment, where the official ``line-bot-sdk`` v3 lives.
The SDK checks types, required fields, enums, 5 messages per call and 13 quick
replies; the walk below adds the limits it leaves out (labels, lengths,
bubble counts and sizes, URI schemes). Each message must also survive a round
trip through the SDK unchanged, so a misspelt or unknown field fails too.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from linebot.v3.messaging import (
    FlexMessage,
    Message,
    PushMessageRequest,
    QuickReply,
    ReplyMessageRequest,
    TextMessage,
)

from bot.channels.line_messages import build_turn, line_length, media_not_supported_turn

FEEDBACK = {
    "text": "คำตอบนี้เป็นประโยชน์ไหมคะ",
    "buttons": [{"title": "👍 มีประโยชน์", "payload": '/feedback{"helpful": "yes"}'},
                {"title": "👎 ยังไม่ตอบโจทย์", "payload": '/feedback{"helpful": "no"}'}],
    "utter_action": "utter_ask_feedback",
}
SERVICE_CARD: dict[str, Any] = {
    "type": "service", "code": "id_card_renew", "name": "บัตรประจำตัวประชาชน",
    "aspect": "documents", "title": "เอกสารที่ต้องใช้",
    "lines": ["บัตรประจำตัวประชาชนใบเดิม", "สูติบัตร (กรณีทำบัตรครั้งแรก)"],
    "fee": "100 บาท (กรณีบัตรหาย)", "processing_time": "ภายในวันเดียว",
    "source": "ที่มา: กรมการปกครอง (ตรวจสอบ 24 พ.ย. 2569)",
    "source_url": "https://www.bora.dopa.go.th/", "checked_on": "2026-11-24", "hotline": "1548",
}


def office(n: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": f"o{n}", "name": f"สำนักงานเขตทดสอบที่มีชื่อยาวมากเป็นพิเศษ {n}",
        "type_label": "สำนักงานเขต", "distance_km": 0.5 * n, "location_is_approximate": n % 2 == 0,
        "address": "ถนนทดสอบ แขวงทดสอบ เขตทดสอบ กรุงเทพมหานคร 10200",
        "hours": "จันทร์–ศุกร์ 08:30–16:30 ปิดวันหยุดราชการ",
        "open_now": [True, False, None][n % 3],
        "status": "เปิดอยู่ ปิด 16:30 น." if n % 3 == 0 else "",
        "phone": "02 123 4567" if n % 2 else None,
        "map_url": f"https://www.google.com/maps/search/?api=1&query=13.7{n},100.5{n}",
        "latitude": 13.7, "longitude": 100.5,
    }
    base.update(fields)
    return base


OFFICES_CARD = {"type": "offices", "title": "สำนักงานใกล้คุณ",
                "offices": [office(n) for n in range(15)]}

TURNS: dict[str, list[dict[str, Any]]] = {
    "plain-text": [{"text": "สวัสดีค่ะ"}],
    "feedback-buttons": [{"text": "ต่อบัตรใช้บัตรเดิมค่ะ"}, FEEDBACK],
    "ask-location": [{"text": "ต้องการหาสำนักงานในจังหวัดหรืออำเภอไหนคะ",
                      "utter_action": "utter_ask_location"}],
    "service-card": [{"text": "บัตรประจำตัวประชาชน: เอกสารที่ต้องใช้ ...",
                      "custom": {"card": SERVICE_CARD}}, FEEDBACK],
    "service-card-bare": [{"text": "ก", "custom": {"card": {
        **SERVICE_CARD, "fee": None, "processing_time": None, "source_url": None,
        "hotline": None, "lines": []}}}],
    "service-card-long": [{"text": "ข" * 3000, "custom": {"card": {
        **SERVICE_CARD, "lines": ["ขั้นตอนที่ยาวมาก " * 40] * 30}}}],
    "offices-card": [{"text": "สำนักงานใกล้คุณค่ะ", "custom": {"card": OFFICES_CARD}}, FEEDBACK],
    "huge-offices-card": [{"text": "ค", "custom": {"card": {
        "type": "offices", "title": "สำนักงาน",
        "offices": [office(n, name="ชื่อ " * 80, type_label="ประเภท " * 30, hours="เปิด " * 100,
                           address="ที่อยู่ " * 60, status="สถานะ " * 40, open_now=True)
                    for n in range(15)]}}}],
    "many-buttons": [{"text": "เลือกบริการค่ะ", "buttons": [
        {"title": f"บริการที่มีชื่อยาวมากจริง ๆ ลำดับ {n}",
         "payload": f"/ask_fee{{\"service\": \"s{n}\"}}"}
        for n in range(20)]}],
    "very-long-text": [{"text": "ง" * 12_000}],
    "many-messages": [{"text": "จ" * 3000} for _ in range(9)] + [FEEDBACK],
    "cards-and-texts": [{"text": f"{n}", "custom": {"card": SERVICE_CARD}} for n in range(6)]
                       + [{"text": "ฉ" * 4000}, {"text": "ช" * 4000}, FEEDBACK],
    "url-and-image": [{"text": "ดูเพิ่มเติม", "image": "https://example.go.th/map.png",
                       "buttons": [{"title": "เว็บไซต์กรมการปกครอง",
                                    "url": "https://www.dopa.go.th/", "type": "web_url"}]}],
}


def all_batches() -> list[tuple[str, list[dict[str, Any]]]]:
    found = [("media-not-supported", batch) for batch in media_not_supported_turn()]
    for name, turn in TURNS.items():
        found += [(f"{name}[{i}]", batch) for i, batch in enumerate(build_turn(turn))]
    return found


BATCHES = all_batches()


def _walk(node: Any, path: str = "") -> list[tuple[str, Any]]:
    found = [(path, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _walk(value, f"{path}[{index}]")
    return found


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


@pytest.mark.parametrize(("name", "batch"), BATCHES, ids=[name for name, _ in BATCHES])
def test_batch_is_a_valid_reply_and_push_request(name: str, batch: list[dict[str, Any]]) -> None:
    reply = ReplyMessageRequest.from_dict({"replyToken": "token", "messages": batch})
    push = PushMessageRequest.from_dict({"to": "U" + "0" * 32, "messages": batch})
    assert len(reply.messages) == len(push.messages) == len(batch)
    assert 1 <= len(batch) <= 5


@pytest.mark.parametrize(("name", "batch"), BATCHES, ids=[name for name, _ in BATCHES])
def test_every_message_round_trips_through_the_sdk_unchanged(
    name: str, batch: list[dict[str, Any]]
) -> None:
    for message in batch:
        model = Message.from_dict(message)
        assert model.to_dict() == message
        if message["type"] == "flex":
            assert isinstance(model, FlexMessage)
        if message["type"] == "text":
            assert isinstance(model, TextMessage)
        if "quickReply" in message:
            QuickReply.from_dict(message["quickReply"])


@pytest.mark.parametrize(("name", "batch"), BATCHES, ids=[name for name, _ in BATCHES])
def test_limits_the_sdk_does_not_check(name: str, batch: list[dict[str, Any]]) -> None:
    for index, message in enumerate(batch):
        if message["type"] == "text":
            assert 1 <= line_length(message["text"]) <= 5000
        if message["type"] == "flex":
            assert 1 <= line_length(message["altText"]) <= 1500
            contents = message["contents"]
            if contents["type"] == "carousel":
                assert 1 <= len(contents["contents"]) <= 12
                assert _json_bytes(contents) <= 50_000
                bubbles = contents["contents"]
            else:
                bubbles = [contents]
            assert all(_json_bytes(bubble) <= 30_000 for bubble in bubbles)
        if "quickReply" in message:
            assert index == len(batch) - 1, "quick replies show only on the last message"
            assert 1 <= len(message["quickReply"]["items"]) <= 13
        for path, node in _walk(message):
            if not isinstance(node, dict):
                continue
            if "label" in node:
                assert 1 <= line_length(node["label"]) <= 20, path
            if node.get("type") == "postback":
                assert 1 <= line_length(node["data"]) <= 300, path
                assert 1 <= line_length(node["displayText"]) <= 300, path
            if node.get("type") == "uri":
                _assert_valid_uri(node["uri"], path)
            if node.get("type") == "text" and path != "":
                assert node["text"].strip(), f"empty Flex text at {path}"
            if node.get("type") == "image":
                for key in ("originalContentUrl", "previewImageUrl"):
                    assert urlsplit(node[key]).scheme == "https", path


def _assert_valid_uri(uri: str, path: str) -> None:
    assert line_length(uri) <= 1000, path
    parts = urlsplit(uri)
    if parts.scheme == "tel":
        assert re.fullmatch(r"\+?\d{3,15}", parts.path), path
    else:
        assert parts.scheme in {"http", "https"} and parts.netloc, path


def _types(turn: str) -> list[str]:
    return [m["type"] for name, batch in BATCHES if name.startswith(turn + "[") for m in batch]


def test_cards_render_as_flex_instead_of_text() -> None:
    assert _types("service-card") == ["flex", "text"]
    assert _types("service-card-long") == ["flex"]
    assert _types("offices-card") == ["flex", "text"]
    assert _types("huge-offices-card") == ["flex"]


def test_oversized_carousel_keeps_the_nearest_offices_that_fit() -> None:
    [[message]] = build_turn(TURNS["huge-offices-card"])
    bubbles = message["contents"]["contents"]
    assert 1 <= len(bubbles) < 12
    assert _json_bytes(message["contents"]) <= 50_000
    assert bubbles[0]["body"]["contents"][0]["text"].startswith("ชื่อ ชื่อ")


def test_sdk_rejects_what_the_checks_rely_on() -> None:
    """The SDK really enforces the limits counted on above."""
    text = {"type": "text", "text": "ก"}
    with pytest.raises(ValueError):
        ReplyMessageRequest.from_dict({"replyToken": "t", "messages": [text] * 6})
    items = [{"type": "action", "action": {"type": "location", "label": "ก"}}] * 14
    with pytest.raises(ValueError):
        QuickReply.from_dict({"items": items})
    unknown = {"type": "text", "text": "ก", "quickreply": {"items": []}}
    assert Message.from_dict(unknown).to_dict() != unknown
