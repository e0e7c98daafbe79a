"""Pure builders: Rasa bot messages -> LINE message objects (exact Thai output)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from common.line_messages import (
    MAX_ALT_TEXT_LENGTH,
    build_turn,
    card_message,
    line_length,
    merge_texts,
    shorten_label,
    split_text,
    tel_uri,
    truncate,
)
from tests.fixtures.card_contract import CARD_MESSAGES, card_errors, read_json


def office(n: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": f"district_office:50{n:02d}", "name": f"ที่ว่าการอำเภอทดสอบ {n}",
        "type_label": "ที่ว่าการอำเภอ",
        "distance_km": 1.0 + n, "location_is_approximate": False, "address": None,
        "hours": "จันทร์–ศุกร์ 08:30–16:30 น. ปิดวันหยุดราชการ", "open_now": True,
        "status": "เปิดอยู่ ปิด 16:30 น.", "phone": None,
        "map_url": "https://www.google.com/maps/search/?api=1&query=18.79,98.98",
        "latitude": 18.79, "longitude": 98.98,
    }
    base.update(fields)
    return base


SERVICE_CARD: dict[str, Any] = {
    "type": "service", "code": "id_card_renewal", "name": "บัตรประจำตัวประชาชน",
    "aspect": "documents", "title": "เอกสารที่ต้องใช้",
    "lines": ["บัตรประจำตัวประชาชนใบเดิม", "สูติบัตร (กรณีทำบัตรครั้งแรก)"],
    "fee": "100 บาท", "processing_time": None,
    "source": "ที่มา: กรมการปกครอง (ตรวจสอบ 24 พ.ย. 2569)",
    "source_url": "https://www.bora.dopa.go.th/", "checked_on": "2026-11-24", "hotline": "1548",
}


def test_the_sample_cards_keep_the_contract() -> None:
    offices = [office(1), office(2, open_now=False, location_is_approximate=True),
               office(3, open_now=None, status="ไม่มีข้อมูลเวลาทำการ", map_url=None)]
    assert card_errors(SERVICE_CARD) == []
    assert card_errors({"type": "offices", "title": "สำนักงาน", "offices": offices}) == []


def _real_card(name: str, index: int = 0) -> dict[str, Any]:
    """A card message the real actions sent (kept by tests/actions/test_cards.py)."""
    message: dict[str, Any] = read_json(CARD_MESSAGES / f"{name}.json")[index]
    assert card_errors(message["custom"]["card"]) == []
    return message


def _texts_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" and "text" in node else []
        return own + [t for value in node.values() for t in _texts_in(value)]
    if isinstance(node, list):
        return [t for item in node for t in _texts_in(item)]
    return []


def _actions(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["action"]] if isinstance(node.get("action"), dict) else []
        return own + [a for value in node.values() for a in _actions(value)]
    if isinstance(node, list):
        return [a for item in node for a in _actions(item)]
    return []


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("👍 มีประโยชน์", "👍 มีประโยชน์"),
        ("ต่ออายุบัตรประจำตัวประชาชน (บัตรหมดอายุ)", "ต่ออายุบัตรประจำตัว…"),
        ("จดทะเบียนสมรส (จดทะเบียนนอกสำนักงาน)", "จดทะเบียนสมรส"),
        ("ขอคัดสำเนาทะเบียนบ้านฉบับเจ้าบ้าน", "ขอคัดสำเนาทะเบียน…"),
        ("แจ้งย้ายที่อยู่ ย้ายออก-ย้ายเข้า", "แจ้งย้ายที่อยู่…"),
        ("Renew the identity card at the district office", "Renew the identity…"),
        ("  ทำ   พาสปอร์ต  ", "ทำ พาสปอร์ต"),
    ],
)
def test_labels_are_shortened_at_sensible_places(title: str, label: str) -> None:
    assert shorten_label(title) == label
    assert line_length(label) <= 20


def test_a_cut_never_strands_a_thai_mark_or_leading_vowel() -> None:
    # 19 characters in, the next one is the tone mark of "บ้": cut before "บ".
    assert shorten_label("ขอคัดสำเนาทะเบียนบ้านฉบับเจ้าบ้าน") == "ขอคัดสำเนาทะเบียน…"
    assert truncate("สวัสดีค่ะเเ" + "ก", 11) == "สวัสดีค่ะ…"


def test_emoji_count_as_two_characters() -> None:
    label = shorten_label("👍" * 11)
    assert label == "👍" * 9 + "…"
    assert line_length(label) == 19


def test_long_text_splits_at_paragraphs_within_5000() -> None:
    paragraph = "ก" * 3000
    parts = split_text("\n\n".join([paragraph] * 4))
    assert parts == [paragraph] * 4


def test_text_without_breaks_splits_hard_and_loses_nothing() -> None:
    text = "ข" * 12_001
    parts = split_text(text)
    assert [len(p) for p in parts] == [5000, 5000, 2001]
    assert "".join(parts) == text


@pytest.mark.parametrize(
    ("phone", "uri"),
    [
        ("1548", "tel:1548"),
        ("053 112 345 ต่อ 12", "tel:053112345"),
        ("02-123-4567, 02-123-4568", "tel:021234567"),
        ("+66 53 112 345", "tel:+6653112345"),
        ("ไม่มีข้อมูล", None),
        ("", None),
        (None, None),
    ],
)
def test_tel_uri_dials_the_first_number_only(phone: str | None, uri: str | None) -> None:
    assert tel_uri(phone) == uri


def test_buttons_become_postback_quick_replies_on_the_last_message() -> None:
    [[answer, question]] = build_turn([
        {"text": "ต่อบัตรใช้บัตรเดิมค่ะ"},
        {"text": "คำตอบนี้เป็นประโยชน์ไหมคะ",
         "buttons": [{"title": "👍 มีประโยชน์", "payload": '/feedback{"helpful": "yes"}'},
                     {"title": "👎 ยังไม่ตอบโจทย์", "payload": '/feedback{"helpful": "no"}'}]},
    ])
    assert answer == {"type": "text", "text": "ต่อบัตรใช้บัตรเดิมค่ะ"}
    assert question["quickReply"]["items"] == [
        {"type": "action", "action": {"type": "postback", "label": "👍 มีประโยชน์",
                                      "data": '/feedback{"helpful": "yes"}',
                                      "displayText": "👍 มีประโยชน์"}},
        {"type": "action", "action": {"type": "postback", "label": "👎 ยังไม่ตอบโจทย์",
                                      "data": '/feedback{"helpful": "no"}',
                                      "displayText": "👎 ยังไม่ตอบโจทย์"}},
    ]


def test_long_button_title_keeps_full_display_text() -> None:
    title = "ต่ออายุบัตรประจำตัวประชาชน (บัตรหมดอายุ)"
    [[message]] = build_turn([{"text": "เรื่องไหนคะ",
                               "buttons": [{"title": title, "payload": "/ask_fee"}]}])
    action = message["quickReply"]["items"][0]["action"]
    assert action["label"] == "ต่ออายุบัตรประจำตัว…"
    assert action["displayText"] == title


def test_at_most_13_quick_replies_and_unusable_buttons_dropped() -> None:
    buttons = [{"title": f"บริการ {n}", "payload": f"/ask_fee{{\"service\": \"s{n}\"}}"}
               for n in range(15)]
    buttons += [{"title": "ยาวเกิน", "payload": "/" + "x" * 300}, {"title": "", "payload": "/x"}]
    [[message]] = build_turn([{"text": "เลือกบริการค่ะ", "buttons": buttons[::-1]}])
    labels = [i["action"]["label"] for i in message["quickReply"]["items"]]
    assert labels == [f"บริการ {n}" for n in range(14, 1, -1)]


def test_url_button_becomes_uri_action() -> None:
    [[message]] = build_turn([{"text": "ดูเพิ่มเติมค่ะ", "buttons": [
        {"title": "เว็บไซต์", "url": "https://www.bora.dopa.go.th/", "type": "web_url"},
        {"title": "ลิงก์เสีย", "url": "javascript:alert(1)", "type": "web_url"}]}])
    assert message["quickReply"]["items"] == [{"type": "action", "action": {
        "type": "uri", "label": "เว็บไซต์", "uri": "https://www.bora.dopa.go.th/"}}]


def test_asking_for_location_offers_the_location_button_first() -> None:
    [[message]] = build_turn([{"text": "ต้องการหาสำนักงานในจังหวัดหรืออำเภอไหนคะ",
                               "utter_action": "utter_ask_location"}])
    assert message["quickReply"]["items"] == [
        {"type": "action", "action": {"type": "location", "label": "ส่งตำแหน่งของฉัน"}}]


def test_office_answer_offers_the_location_button_too() -> None:
    [[flex, question]] = build_turn([
        {"text": "สำนักงานใกล้คุณค่ะ",
         "custom": {"card": {"type": "offices", "title": "สำนักงานใกล้คุณ",
                             "offices": [office(1)]}}},
        {"text": "คำตอบนี้เป็นประโยชน์ไหมคะ",
         "buttons": [{"title": "👍 มีประโยชน์", "payload": '/feedback{"helpful": "yes"}'}]},
    ])
    assert "quickReply" not in flex
    items = question["quickReply"]["items"]
    assert [i["action"]["type"] for i in items] == ["location", "postback"]


def test_service_card_becomes_a_bubble_instead_of_the_text() -> None:
    text = "บัตรประจำตัวประชาชน: เอกสารที่ต้องใช้\n1. บัตรประจำตัวประชาชนใบเดิม"
    [[message]] = build_turn([{"text": text, "custom": {"card": SERVICE_CARD}}])
    assert message["type"] == "flex" and message["altText"] == text
    bubble = message["contents"]
    assert _texts_in(bubble["body"]) == [
        "บัตรประจำตัวประชาชน", "เอกสารที่ต้องใช้",
        "• บัตรประจำตัวประชาชนใบเดิม", "• สูติบัตร (กรณีทำบัตรครั้งแรก)",
        "ค่าธรรมเนียม", "100 บาท",
        "ที่มา: กรมการปกครอง (ตรวจสอบ 24 พ.ย. 2569)",
    ]
    assert _actions(bubble["footer"]) == [
        {"type": "uri", "label": "โทร 1548", "uri": "tel:1548"},
        {"type": "uri", "label": "ดูข้อมูลจากหน่วยงาน", "uri": "https://www.bora.dopa.go.th/"},
    ]


def test_real_office_card_on_a_holiday_says_closed_and_when_it_opens() -> None:
    message = _real_card("offices_hours_holiday")
    [[flex, _]] = build_turn([message, {"text": "คำตอบนี้เป็นประโยชน์ไหมคะ"}])
    assert flex["altText"] == message["text"]
    first = flex["contents"]["contents"][0]
    assert _texts_in(first["body"]) == [
        "ที่ว่าการอำเภอเมืองเชียงใหม่", "ที่ว่าการอำเภอ", "ปิดอยู่",
        "ปิดวันนี้ (วันหยุดราชการ: วันหยุดชดเชยวันพ่อแห่งชาติ) เปิดวันอังคาร 08:30 น.",
        "เวลาทำการ", "จันทร์–ศุกร์ 08:30–12:00, 13:00–16:30 น. ปิดวันหยุดราชการ",
    ]
    assert [a["label"] for a in _actions(first["footer"])] == ["แผนที่ (โดยประมาณ)"]


def test_real_office_card_on_a_working_morning_says_open() -> None:
    [[flex]] = build_turn([_real_card("offices_nearest_working_day")])
    first = flex["contents"]["contents"][0]
    assert _texts_in(first["body"])[:6] == [
        "ที่ว่าการอำเภอจอมทอง", "ที่ว่าการอำเภอ", "เปิดอยู่",
        "เปิดอยู่ พักเที่ยง 12:00–13:00 น. ปิด 16:30 น.", "ระยะทาง", "ประมาณ 1.0 กม.",
    ]


def test_service_card_without_hotline_or_url_has_no_footer() -> None:
    card = {**SERVICE_CARD, "hotline": None, "source_url": None, "fee": None, "lines": []}
    bubble = card_message(card, "ข้อความ")["contents"]  # type: ignore[index]
    assert "footer" not in bubble
    assert "ค่าธรรมเนียม" not in _texts_in(bubble)


def test_long_card_lists_first_lines_and_a_count() -> None:
    card = {**SERVICE_CARD, "lines": [f"ขั้นที่ {n}" for n in range(1, 21)]}
    texts = _texts_in(card_message(card, "ข้อความ"))
    assert "• ขั้นที่ 15" in texts and "• ขั้นที่ 16" not in texts
    assert "…และอีก 5 รายการ" in texts


def test_offices_card_is_a_carousel_of_at_most_12() -> None:
    card = {"type": "offices", "title": "สำนักงานใกล้คุณ",
            "offices": [office(n) for n in range(14)]}
    message = card_message(card, "")
    assert message is not None
    assert message["altText"] == "สำนักงานใกล้คุณ 14 แห่ง"
    assert len(message["contents"]["contents"]) == 12


def test_office_bubble_shows_badge_distance_hours_and_buttons() -> None:
    card = {"type": "offices", "title": "สำนักงานใกล้คุณ", "offices": [
        office(1, phone="053 112 345", distance_km=3.214),
        office(2, open_now=False, status="ปิดแล้ว เปิดพรุ่งนี้ 08:30 น.",
               location_is_approximate=True, distance_km=12.0),
        office(3, open_now=None, status="ไม่มีข้อมูลเวลาทำการ", distance_km=None, map_url=None),
    ]}
    message = card_message(card, "ใกล้คุณ")
    assert message is not None
    first, second, third = message["contents"]["contents"]
    assert _texts_in(first["body"]) == [
        "ที่ว่าการอำเภอทดสอบ 1", "ที่ว่าการอำเภอ", "เปิดอยู่", "เปิดอยู่ ปิด 16:30 น.",
        "ระยะทาง", "3.2 กม.", "เวลาทำการ", "จันทร์–ศุกร์ 08:30–16:30 น. ปิดวันหยุดราชการ",
    ]
    assert _actions(first["footer"]) == [
        {"type": "uri", "label": "โทร", "uri": "tel:053112345"},
        {"type": "uri", "label": "แผนที่",
         "uri": "https://www.google.com/maps/search/?api=1&query=18.79,98.98"},
    ]
    assert "ปิดอยู่" in _texts_in(second["body"])
    assert "ประมาณ 12.0 กม." in _texts_in(second["body"])
    # No phone: no call button; an estimated pin says so on the map button.
    assert [a["label"] for a in _actions(second["footer"])] == ["แผนที่ (โดยประมาณ)"]
    assert "footer" not in third
    assert _texts_in(third["body"])[:4] == [
        "ที่ว่าการอำเภอทดสอบ 3", "ที่ว่าการอำเภอ", "ไม่มีข้อมูลเวลาทำการ", "เวลาทำการ"]


@pytest.mark.parametrize(
    "card",
    [
        {"type": "offices", "offices": []},
        {"type": "offices", "offices": [{"name": ""}]},
        {"type": "service", "title": "", "name": None},
        {"type": "service", "title": "ก", "lines": 5},
        {"type": "weather"},
        "not a card",
    ],
    ids=["no-offices", "nameless-office", "untitled", "bad-lines", "unknown-type", "string"],
)
def test_unusable_card_falls_back_to_the_text(card: Any) -> None:
    [[message]] = build_turn([{"text": "คำตอบเต็มค่ะ", "custom": {"card": card}}])
    # (an office answer still offers the location button as a quick reply)
    assert (message["type"], message["text"]) == ("text", "คำตอบเต็มค่ะ")


def test_alt_text_is_cut_to_1500() -> None:
    message = card_message(SERVICE_CARD, "ค" * 2000)
    assert message is not None
    assert line_length(message["altText"]) == MAX_ALT_TEXT_LENGTH
    assert message["altText"].endswith("…")


def test_merging_stops_when_five_remain_and_keeps_non_texts() -> None:
    flex = {"type": "flex", "altText": "ก", "contents": {"type": "bubble"}}
    messages = [{"type": "text", "text": str(n)} for n in range(4)] + [flex] + [
        {"type": "text", "text": "5"}, {"type": "text", "text": "6"}]
    assert merge_texts(messages, 5) == [
        {"type": "text", "text": "0\n\n1\n\n2"}, {"type": "text", "text": "3"}, flex,
        {"type": "text", "text": "5"}, {"type": "text", "text": "6"}]


def test_https_image_is_sent_as_image_others_dropped() -> None:
    [[text, image]] = build_turn([{"text": "แผนผังค่ะ", "image": "https://example.go.th/map.png"},
                                  {"image": "http://example.go.th/insecure.png"}])
    assert image == {"type": "image", "originalContentUrl": "https://example.go.th/map.png",
                     "previewImageUrl": "https://example.go.th/map.png"}
    assert text["text"] == "แผนผังค่ะ"


def test_empty_turn_sends_nothing() -> None:
    assert build_turn([]) == []
    assert build_turn([{"text": "  "}]) == []


def test_builders_are_json_serialisable() -> None:
    batches = build_turn([{"text": "ก", "custom": {"card": SERVICE_CARD}}])
    assert json.loads(json.dumps(batches, ensure_ascii=False)) == batches
