"""Everyday and old names of services, as citizens type them, reach the right service.

Citizens rarely use a service's official name: บัตรประชารัฐ and บัตรลุงตู่ for
the state welfare card, เบี้ยคนชรา for the elderly allowance, ป้ายวงกลม for the
vehicle tax. The names live in the knowledge base as aliases
(data/kb/services/*.yml); this checks that the trained model finds them inside
whole sentences, so a name that tokenises badly or clashes with another
service fails here.
"""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"

SENTENCES = {
    "บัตรประชารัฐลงทะเบียนยังไงคะ": "state_welfare_card",
    "บัตรลุงตู่รอบใหม่เปิดเมื่อไหร่": "state_welfare_card",
    "ลงทะเบียนคนจนต้องใช้อะไรบ้าง": "state_welfare_card",
    "แม่อายุ82 ได้เบี้ยคนชราเดือนละเท่าไหร่": "elderly_allowance",
    "เงินผู้เฒ่าต้องใช้เอกสารอะไร": "elderly_allowance",
    "เบี้ยคนแก่สมัครที่ไหน": "elderly_allowance",
    "ลูกพิการ อยากขอเงินพิการต้องไปที่ไหน": "disability_allowance",
    "สมุดคนพิการหมดอายุต้องทำไง": "disability_card",
    "ต่อป้ายวงกลมที่ไหนได้บ้าง": "vehicle_tax_renewal",
    "ขอใบมรณะที่ไหนคะ": "death_registration",
    "ขอใบเกิดลูกใช้อะไรบ้าง": "birth_registration",
    "จดพาณิชย์ค่าธรรมเนียมกี่บาท": "commercial_registration",
    "จดสมรสต้องเอาพยานไปกี่คน": "marriage_registration",
    "ย้ายสำมะโนครัวออกต้องให้เจ้าบ้านไปด้วยไหม": "house_move_out",
    "ทะเบียนบ้านเล่มน้ำเงินหายทำไงดี": "house_registration_book_replacement",
    "ใบแจ้งความของหายขอที่โรงพักไหนก็ได้ไหม": "police_report_lost_documents",
}


async def _parse(texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [await agent.parse_message(text) for text in texts]


@pytest.fixture(scope="module")
def services_found() -> dict[str, list[str]]:
    require_model(MODEL)
    texts = list(SENTENCES)
    parsed = asyncio.run(_parse(texts))
    return {text: [e["value"] for e in result["entities"] if e["entity"] == "service"]
            for text, result in zip(texts, parsed)}


@pytest.mark.model
@pytest.mark.parametrize("text", SENTENCES)
def test_colloquial_name_is_its_service(services_found: dict[str, list[str]], text: str) -> None:
    assert services_found[text] == [SENTENCES[text]]
