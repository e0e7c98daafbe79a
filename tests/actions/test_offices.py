"""action_find_office: nearest offices, offices in an area, open or closed in Bangkok time."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.kb import KnowledgeBase
from actions.offices import ActionFindOffice
from app.kb.db import Database
from app.kb.models import Office
from tests.actions.conftest import sqlite_url
from tests.actions.support import (
    BANGKOK,
    FEEDBACK,
    TUESDAY_MORNING,
    fixed_clock,
    load_tracker,
    sent,
)

GOVERNMENT_HOURS = "จันทร์–ศุกร์ 08:30–12:00, 13:00–16:30 น. ปิดวันหยุดราชการ"
OPEN_MORNING = "เปิดอยู่ พักเที่ยง 12:00–13:00 น. ปิด 16:30 น."
APPROXIMATE_NOTE = (
    "* ตำแหน่งโดยประมาณ: เป็นจุดกึ่งกลางของอำเภอ/เขต ไม่ใช่ที่ตั้งจริงของสำนักงาน ระยะทางจึงเป็นค่าประมาณค่ะ"
)
CHIANG_MAI_MAP = "https://www.google.com/maps/search/?api=1&query=18.7885,98.9942"
CHOM_THONG_MAP = "https://www.google.com/maps/search/?api=1&query=18.3657,98.6427"
DOI_LO_MAP = "https://www.google.com/maps/search/?api=1&query=18.5333,98.7758"
MAE_WANG_MAP = "https://www.google.com/maps/search/?api=1&query=18.628,98.7598"


def entry(code: str, name: str, type_label: str, lat: float, lon: float, **changes: Any) -> dict:
    office = {
        "code": code,
        "name": name,
        "type_label": type_label,
        "distance_km": None,
        "location_is_approximate": True,
        "address": None,
        "hours": GOVERNMENT_HOURS,
        "open_now": True,
        "status": OPEN_MORNING,
        "phone": None,
        "map_url": f"https://www.google.com/maps/search/?api=1&query={lat},{lon}",
        "latitude": lat,
        "longitude": lon,
    }
    return {**office, **changes}


async def run(
    kb: KnowledgeBase,
    scenario: str,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    now: datetime = TUESDAY_MORNING,
) -> list:
    return await ActionFindOffice(kb, clock=fixed_clock(now)).run(
        dispatcher, load_tracker(scenario), domain
    )


async def test_nearest_offices_from_a_shared_location(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await run(kb, "share_location_chom_thong", dispatcher, domain)

    text = "\n".join(
        [
            "สำนักงานใกล้ตำแหน่งของคุณค่ะ",
            "1. ที่ว่าการอำเภอจอมทอง",
            "   ห่างประมาณ 990 เมตร",
            f"   เวลาทำการ: {GOVERNMENT_HOURS}",
            f"   ตอนนี้: {OPEN_MORNING}",
            f"   แผนที่ (ตำแหน่งโดยประมาณ*): {CHOM_THONG_MAP}",
            "2. ที่ว่าการอำเภอดอยหล่อ",
            "   ห่างประมาณ 22.4 กม.",
            f"   เวลาทำการ: {GOVERNMENT_HOURS}",
            f"   ตอนนี้: {OPEN_MORNING}",
            f"   แผนที่ (ตำแหน่งโดยประมาณ*): {DOI_LO_MAP}",
            "3. ที่ว่าการอำเภอแม่วาง",
            "   ห่างประมาณ 30.8 กม.",
            f"   เวลาทำการ: {GOVERNMENT_HOURS}",
            f"   ตอนนี้: {OPEN_MORNING}",
            f"   แผนที่ (ตำแหน่งโดยประมาณ*): {MAE_WANG_MAP}",
            APPROXIMATE_NOTE,
        ]
    )
    card = {
        "type": "offices",
        "title": "สำนักงานใกล้ตำแหน่งของคุณ",
        "offices": [
            entry(
                "district_office:5002",
                "ที่ว่าการอำเภอจอมทอง",
                "ที่ว่าการอำเภอ",
                18.3657,
                98.6427,
                distance_km=0.99,
            ),
            entry(
                "district_office:5024",
                "ที่ว่าการอำเภอดอยหล่อ",
                "ที่ว่าการอำเภอ",
                18.5333,
                98.7758,
                distance_km=22.38,
            ),
            entry(
                "district_office:5022",
                "ที่ว่าการอำเภอแม่วาง",
                "ที่ว่าการอำเภอ",
                18.628,
                98.7598,
                distance_km=30.81,
            ),
        ],
    }
    assert dispatcher.messages == [sent(text, card=card), sent(response=FEEDBACK)]
    assert events == [SlotSet("last_topic", "office:nearby")]


async def test_offices_in_a_bangkok_district_filtered_by_type(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await run(kb, "find_office_phra_nakhon", dispatcher, domain)

    office = entry(
        "bangkok_district_office:1001", "สำนักงานเขตพระนคร", "สำนักงานเขต", 13.7564, 100.4993
    )
    assert dispatcher.messages[0]["custom"] == {
        "card": {"type": "offices", "title": "สำนักงานเขตในเขตพระนคร", "offices": [office]}
    }
    assert dispatcher.messages[0]["text"].splitlines()[:2] == [
        "สำนักงานเขตในเขตพระนครค่ะ",
        "1. สำนักงานเขตพระนคร",
    ]
    assert events == [SlotSet("last_topic", "office:1001")]


async def test_offices_in_a_province_provincial_hall_only(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    await run(kb, "find_office_provincial_hall_chiang_mai", dispatcher, domain)

    card = dispatcher.messages[0]["custom"]["card"]
    assert card["title"] == "ศาลากลางจังหวัดในจังหวัดเชียงใหม่"
    assert [o["code"] for o in card["offices"]] == ["provincial_hall:50"]


@pytest.mark.parametrize(
    ("moment", "open_now", "status"),
    [
        (TUESDAY_MORNING, True, OPEN_MORNING),
        (
            datetime(2026, 11, 24, 12, 15, tzinfo=BANGKOK),
            False,
            "ปิดอยู่ (พักเที่ยง) เปิดอีกครั้ง 13:00 น.",
        ),
        (
            datetime(2026, 11, 24, 17, 0, tzinfo=BANGKOK),
            False,
            "ปิดแล้ว เปิดวันพุธ 08:30 น.",
        ),
        (
            datetime(2026, 11, 28, 10, 0, tzinfo=BANGKOK),  # Saturday
            False,
            "ปิดวันนี้ เปิดวันจันทร์ 08:30 น.",
        ),
        (
            datetime(2026, 12, 7, 10, 0, tzinfo=BANGKOK),  # Monday, a public holiday
            False,
            "ปิดวันนี้ (วันหยุดราชการ: วันหยุดชดเชยวันพ่อแห่งชาติ) เปิดวันอังคาร 08:30 น.",
        ),
        (
            # 10:00 on a Wednesday in Bangkok, given in UTC: Bangkok time decides.
            datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc),
            True,
            OPEN_MORNING,
        ),
    ],
)
async def test_office_hours_open_or_closed_at_bangkok_times(
    kb: KnowledgeBase, dispatcher, domain, moment: datetime, open_now: bool, status: str
) -> None:
    events = await run(kb, "ask_office_hours_chiang_mai", dispatcher, domain, now=moment)

    answer = dispatcher.messages[0]
    assert answer["text"].splitlines()[:4] == [
        "เวลาทำการของสำนักงานในอำเภอเมืองเชียงใหม่ค่ะ",
        "1. ที่ว่าการอำเภอเมืองเชียงใหม่",
        f"   ตอนนี้: {status}",
        f"   เวลาทำการ: {GOVERNMENT_HOURS}",
    ]
    first = answer["custom"]["card"]["offices"][0]
    assert (first["open_now"], first["status"]) == (open_now, status)
    assert events == [SlotSet("last_topic", "office_hours:5001")]


async def test_hours_without_a_place_get_the_usual_hours_first_and_remember_the_question(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    # Issue 12 §1: the general answer (the type's standard hours, its hotline), then the offer.
    events = await run(kb, "ask_office_hours_no_place", dispatcher, domain)

    assert dispatcher.messages == [
        sent(
            "ที่ว่าการอำเภอ: เวลาทำการโดยทั่วไปค่ะ\n"
            f"• {GOVERNMENT_HOURS}\n"
            "• สายด่วน 1548\n"
            "ที่มา: กรมการปกครอง (ตรวจสอบ 24 พฤศจิกายน 2569)"
        ),
        sent(response="utter_offer_office_lookup"),
    ]
    assert events == [SlotSet("pending_aspect", "office_hours")]


async def test_the_most_recent_place_wins_over_an_older_one(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    await run(kb, "ask_office_hours_after_location", dispatcher, domain)

    card = dispatcher.messages[0]["custom"]["card"]
    assert card["title"] == "เวลาทำการของสำนักงานใกล้ตำแหน่งของคุณ"
    assert card["offices"][0]["code"] == "bangkok_district_office:1001"


async def test_an_office_with_a_known_location_shows_phone_and_address(
    kb_path: Path, kb: KnowledgeBase, dispatcher, domain
) -> None:
    # An officer's edit, as the console would save it (test values, not real ones).
    db = Database(sqlite_url(kb_path))
    async with db.session() as session:
        office = await session.scalar(
            select(Office).where(Office.code == "bangkok_district_office:1001")
        )
        assert office is not None
        office.address = "ที่อยู่ทดสอบ เขตพระนคร กรุงเทพมหานคร"
        office.phone = "02 000 0000"
        office.latitude, office.longitude = 13.7531, 100.5016
        office.location_is_approximate = False
    await db.dispose()

    await run(kb, "find_office_phra_nakhon", dispatcher, domain)

    assert dispatcher.messages[0]["text"] == "\n".join(
        [
            "สำนักงานเขตในเขตพระนครค่ะ",
            "1. สำนักงานเขตพระนคร",
            f"   เวลาทำการ: {GOVERNMENT_HOURS}",
            f"   ตอนนี้: {OPEN_MORNING}",
            "   ที่อยู่: ที่อยู่ทดสอบ เขตพระนคร กรุงเทพมหานคร",
            "   โทร 02 000 0000",
            "   แผนที่: https://www.google.com/maps/search/?api=1&query=13.7531,100.5016",
        ]
    )


async def test_an_office_type_asked_earlier_does_not_filter_a_new_place(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    await run(kb, "share_location_after_office_type", dispatcher, domain)

    card = dispatcher.messages[0]["custom"]["card"]
    # The Bangkok type asked before would have listed khet offices 600 km away.
    assert [o["code"] for o in card["offices"]] == [
        "district_office:5002",
        "district_office:5024",
        "district_office:5022",
    ]
