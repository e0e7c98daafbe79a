"""LINE messages for the contract's cards, kept as golden files for the SDK check.

The official ``line-bot-sdk`` lives in the app environment, which must not
import this renderer. So this test renders every turn below (the real actions'
card messages from tests/fixtures/cards/, and synthetic edge cases) and keeps
the LINE messages in tests/fixtures/line/<turn>.json; the app-side
tests/channels_schema/test_line_schema.py validates exactly those files.
Every card rendered here keeps the contract (common/card.schema.json) first.
"""
from __future__ import annotations

from typing import Any

import pytest

from common.line_messages import build_turn, media_not_supported_turn
from tests.fixtures.card_contract import (
    CARD_MESSAGES, LINE_MESSAGES, assert_valid_cards, check_golden, golden_names, read_json,
)

FEEDBACK = {
    "text": "คำตอบนี้เป็นประโยชน์ไหมคะ",
    "buttons": [{"title": "👍 มีประโยชน์", "payload": '/feedback{"helpful": "yes"}'},
                {"title": "👎 ยังไม่ตอบโจทย์", "payload": '/feedback{"helpful": "no"}'}],
    "utter_action": "utter_ask_feedback",
}
SERVICE_CARD: dict[str, Any] = {
    "type": "service", "code": "id_card_renewal", "name": "บัตรประจำตัวประชาชน",
    "aspect": "documents", "title": "เอกสารที่ต้องใช้",
    "lines": ["บัตรประจำตัวประชาชนใบเดิม", "สูติบัตร (กรณีทำบัตรครั้งแรก)"],
    "fee": "100 บาท (กรณีบัตรหาย)", "processing_time": "ภายในวันเดียว",
    "source": "ที่มา: กรมการปกครอง (ตรวจสอบ 24 พฤศจิกายน 2569)",
    "source_url": "https://www.bora.dopa.go.th/", "checked_on": "2026-11-24", "hotline": "1548",
}
STATUSES = [(True, "เปิดอยู่ ปิด 16:30 น."), (False, "ปิดแล้ว เปิดวันพุธ 08:30 น."),
            (None, "ไม่มีข้อมูลเวลาทำการ")]


def office(n: int, **fields: Any) -> dict[str, Any]:
    open_now, status = STATUSES[n % 3]
    base: dict[str, Any] = {
        "code": f"district_office:10{n:02d}",
        "name": f"สำนักงานเขตทดสอบที่มีชื่อยาวมากเป็นพิเศษ {n}",
        "type_label": "สำนักงานเขต", "distance_km": 0.5 * n, "location_is_approximate": n % 2 == 0,
        "address": "ถนนทดสอบ แขวงทดสอบ เขตทดสอบ กรุงเทพมหานคร 10200",
        "hours": "จันทร์–ศุกร์ 08:30–16:30 น. ปิดวันหยุดราชการ",
        "open_now": open_now, "status": status,
        "phone": "02 123 4567" if n % 2 else None,
        "map_url": f"https://www.google.com/maps/search/?api=1&query=13.7{n},100.5{n}",
        "latitude": 13.7, "longitude": 100.5,
    }
    base.update(fields)
    return base


OFFICES_CARD = {"type": "offices", "title": "สำนักงานใกล้คุณ",
                "offices": [office(n) for n in range(15)]}

# Edge cases the real actions rarely make: limits, sizes, many buttons, long text.
SYNTHETIC_TURNS: dict[str, list[dict[str, Any]]] = {
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


def real_turns() -> dict[str, list[dict[str, Any]]]:
    """The real actions' card messages (tests/actions/test_cards.py), each answer then feedback."""
    return {f"real-{name}": [*read_json(CARD_MESSAGES / f"{name}.json"), FEEDBACK]
            for name in golden_names(CARD_MESSAGES)}


TURNS = {**SYNTHETIC_TURNS, **real_turns()}


def test_real_card_messages_are_there() -> None:
    # An empty folder would make the real turns vanish and this file pass vacuously.
    assert {"real-service_documents", "real-offices_hours_holiday",
            "real-offices_nearest_working_day"} <= set(TURNS)


@pytest.mark.parametrize("name", TURNS)
def test_every_card_rendered_keeps_the_contract(name: str) -> None:
    assert_valid_cards(TURNS[name])


@pytest.mark.parametrize("name", TURNS)
def test_line_messages_match_the_golden_file(name: str) -> None:
    check_golden(LINE_MESSAGES / f"{name}.json", build_turn(TURNS[name]))


def test_media_not_supported_matches_the_golden_file() -> None:
    check_golden(LINE_MESSAGES / "media-not-supported.json", media_not_supported_turn())


def test_the_golden_folder_holds_exactly_these_turns() -> None:
    assert golden_names(LINE_MESSAGES) == sorted([*TURNS, "media-not-supported"])
