"""The trained model tags and normalises every quantity type (model tier).

Sentences written for this test only: in neither data/nlu nor the test files.
"""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.nlu.thai_quantities import thai_today
from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"

CASES = [
    ("ตาอายุแปดสิบเจ็ดค่ะ ได้เบี้ยเท่าไร", "age", "แปดสิบเจ็ด", 87),
    ("ลูกสาว ๑๓ ขวบ ทำบัตรได้ไหมครับ", "age", "๑๓ ขวบ", 13),
    ("บัตรหมดอายุไปแล้ว ๔ เดือน ต้องเสียค่าปรับไหม", "duration", "๔ เดือน", "P4M"),
    ("ใบขับขี่ห้าปีต่อที่ไหนได้บ้าง", "duration", "ห้าปี", "P5Y"),
    ("ใบขับขี่ฉันหมด 14 ก.พ. 2570 ต่อตอนนี้เลยได้ไหม", "date", "14 ก.พ. 2570", "2027-02-14"),
    ("นัดไว้ 09/03/70 ค่ะ", "date", "09/03/70", "2027-03-09"),
    ("ค่าปรับ ๒๐๐ บาทจริงป่ะ", "amount", "๒๐๐ บาท", 200),
    ("ภาษีรถปีนี้ 1,650 บาท แพงไปไหม", "amount", "1,650 บาท", 1650),
    ("ต่อใบขับขี่จักรยานยนต์ที่ขนส่งได้ไหม", "vehicle_class", "จักรยานยนต์", "private_motorcycle"),
    ("ใบขับขี่รถยนต์สาธารณะต่อได้กี่ปี", "vehicle_class", "รถยนต์สาธารณะ", "public_car"),
    ("ถือใบขับขี่ชั่วคราวอยู่ค่ะ จะเปลี่ยนเป็นห้าปี", "licence_type", "ชั่วคราว", "temporary"),
]


async def _parse_all(texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [await agent.parse_message(text) for text in texts]


RELATIVE = "มะรืนนี้ที่ดินเปิดปกติใช่ไหม"


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict[str, Any]]:
    require_model(MODEL)
    texts = [text for text, *_ in CASES] + [RELATIVE]
    return dict(zip(texts, asyncio.run(_parse_all(texts))))


@pytest.mark.model
@pytest.mark.parametrize(("text", "entity", "span", "value"), CASES)
def test_model_extracts_and_normalises_each_quantity_type(
    parsed: dict[str, dict[str, Any]], text: str, entity: str, span: str, value: Any
) -> None:
    found = [(text[e["start"]:e["end"]], e["value"])
             for e in parsed[text]["entities"] if e["entity"] == entity]
    assert (span, value) in found


@pytest.mark.model
def test_model_resolves_a_relative_date_for_today(parsed: dict[str, dict[str, Any]]) -> None:
    (date,) = [e for e in parsed[RELATIVE]["entities"] if e["entity"] == "date"]
    assert date["value"] == "today+2"
    # The parse may straddle midnight.
    assert date["additional_info"]["date"] in {
        (thai_today() + timedelta(days=days)).isoformat() for days in (1, 2)
    }
