"""Issue 12 answers on the real knowledge base (data/kb, data/geo), seeded once.

The facts asserted are the ones the data files record, in the exact Thai the
citizen reads: the benefit band for an age, the national hours and hotline of
a type of office, the districts that share a name, and the English reply.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionDefaultAskAffirmation
from actions.faq import ActionAnswerFaq
from actions.kb import KnowledgeBase
from actions.message_text import asks_how_much_to_pay, asks_obligation
from actions.offices import ActionFindOffice
from actions.services import ActionAnswerService
from app.kb.db import Database
from app.kb.seed import run_seed
from common.paths import ROOT
from tests.actions.conftest import make_settings, sqlite_url
from tests.actions.support import TUESDAY_MORNING, fixed_clock


@pytest.fixture(scope="module")
def real_kb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real-kb") / "kb.sqlite3"

    async def seed() -> None:
        db = Database(sqlite_url(path))
        try:
            await run_seed(db, ROOT / "data" / "kb", ROOT / "data" / "geo")
        finally:
            await db.dispose()

    asyncio.run(seed())
    return path


@pytest.fixture
async def real_kb(real_kb_path: Path) -> AsyncIterator[KnowledgeBase]:
    adapter = KnowledgeBase(make_settings(KB_DATABASE_URL=sqlite_url(real_kb_path)))
    yield adapter
    await adapter.close()


def tracker(
    text: str,
    intent: str,
    entities: dict[str, str] | None = None,
    *,
    slots: dict[str, Any] | None = None,
    before: list[dict[str, Any]] | None = None,
) -> Tracker:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
    }
    events = [
        {"event": "user", "text": t, "parse_data": p} for t, p in (before or [])
    ] + [{"event": "user", "text": text, "parse_data": parse}]
    return Tracker.from_dict({
        "sender_id": "real-kb",
        "slots": {"pending_aspect": None, "service": None, "office_type": None, **(slots or {})},
        "latest_message": parse,
        "events": events,
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    })


async def run(action: Any, kb: KnowledgeBase, state: Tracker) -> tuple[list[str], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await action(kb, clock=fixed_clock(TUESDAY_MORNING)).run(dispatcher, state, {})
    said = [
        "\n".join([m.get("text") or m.get("response") or "", *(b["title"] for b in m["buttons"])])
        for m in dispatcher.messages
    ]
    return said, events


# Benefit amounts (issue 12 §2) --------------------------------------------------

async def test_an_age_gets_its_band_first_then_every_band_and_the_law(real_kb) -> None:
    said, events = await run(
        ActionAnswerService, real_kb,
        tracker("แม่อายุ 82 ได้เบี้ยผู้สูงอายุเดือนละกี่บาทคะ", "ask_fee",
                {"service": "elderly_allowance"}),
    )
    lines = said[0].split("\n")
    assert lines[:6] == [
        "จำนวนเงินที่ได้รับสำหรับลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุค่ะ",
        "• อายุ 82 ปี ได้ 800 บาทต่อเดือน",
        "• อายุ 60–69 ปี: 600 บาทต่อเดือน",
        "• อายุ 70–79 ปี: 700 บาทต่อเดือน",
        "• อายุ 80–89 ปี: 800 บาทต่อเดือน",
        "• อายุ 90 ปีขึ้นไป: 1,000 บาทต่อเดือน",
    ]
    assert lines[6].startswith("• ตามพระราชบัญญัติผู้สูงอายุ พ.ศ. 2546")
    assert SlotSet("last_topic", "service:elderly_allowance:amount") in events


@pytest.mark.parametrize(("text", "band"), [
    ("พ่ออายุ ๖๕ ได้เบี้ยเท่าไหร่", "• อายุ 65 ปี ได้ 600 บาทต่อเดือน"),
    ("ยายครบ 90 แล้วได้เงินเท่าไร", "• อายุ 90 ปี ได้ 1,000 บาทต่อเดือน"),
    ("ลุงอายุ 55 ได้เบี้ยเดือนละกี่บาท", "• อายุ 55 ปี ยังไม่อยู่ในเกณฑ์ที่ได้รับ อัตราที่กำหนดมีดังนี้"),
])
async def test_the_age_is_read_from_thai_or_arabic_digits(real_kb, text, band) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb, tracker(text, "ask_amount", {"service": "elderly_allowance"})
    )
    assert said[0].split("\n")[1] == band


async def test_an_age_entity_wins_over_the_text(real_kb) -> None:
    state = tracker("แม่อายุแปดสิบสองได้เท่าไหร่", "ask_amount",
                    {"service": "elderly_allowance", "age": "82"})
    said, _ = await run(ActionAnswerService, real_kb, state)
    assert said[0].split("\n")[1] == "• อายุ 82 ปี ได้ 800 บาทต่อเดือน"


async def test_a_follow_up_on_the_amount_keeps_the_service(real_kb) -> None:
    state = tracker("แล้วได้เดือนละเท่าไหร่", "ask_fee", slots={"service": "disability_allowance"})
    said, _ = await run(ActionAnswerService, real_kb, state)
    assert said[0].split("\n")[:3] == [
        "จำนวนเงินที่ได้รับสำหรับลงทะเบียนรับเบี้ยความพิการค่ะ",
        "• อายุ 18 ปีขึ้นไป (ผู้ที่มีบัตรสวัสดิการแห่งรัฐได้เพิ่มอีก 200 บาทต่อเดือนผ่านบัตรสวัสดิการแห่งรัฐ): 800 บาทต่อเดือน",
        "• อายุต่ำกว่า 18 ปี: 1,000 บาทต่อเดือน",
    ]


async def test_the_welfare_card_amount_says_when_it_was_announced_and_who_knows(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("บัตรคนจนได้เงินเดือนละกี่บาท", "ask_amount", {"service": "state_welfare_card"}),
    )
    assert said[0].split("\n")[1] == (
        "• วงเงินซื้อสินค้าอุปโภคบริโภคที่จำเป็นผ่านบัตร ตามอัตราที่รัฐบาลแถลงผลการประชุมคณะรัฐมนตรีวันที่ 30 ก.ย. 2568 "
        "(วงเงินอาจเปลี่ยนตามมติคณะรัฐมนตรีแต่ละรอบ ตรวจสอบวงเงินปัจจุบันได้ที่ กระทรวงการคลัง โทร 1111)"
        ": 300 บาทต่อคนต่อเดือน"
    )


async def test_a_fee_question_about_an_allowance_is_still_its_fee(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("ลงทะเบียนเบี้ยผู้สูงอายุเสียค่าธรรมเนียมเท่าไหร่", "ask_fee",
                {"service": "elderly_allowance"}),
    )
    assert said[0].split("\n")[:2] == [
        "ค่าธรรมเนียมสำหรับลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุค่ะ", "• ไม่เสียค่าธรรมเนียม: ฟรี"
    ]


async def test_how_much_of_a_service_that_pays_nothing_is_its_fee(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb, tracker("ได้เท่าไหร่", "ask_amount", {"service": "passport"})
    )
    assert said[0].split("\n")[0] == "ค่าธรรมเนียมสำหรับทำหนังสือเดินทาง (พาสปอร์ต) บุคคลทั่วไปค่ะ"


# General answer first (issue 12 §1) ----------------------------------------------

async def test_office_hours_without_a_place_get_the_national_answer_then_an_offer(real_kb) -> None:
    said, events = await run(
        ActionFindOffice, real_kb,
        tracker("อำเภอเปิดกี่โมงคะ", "ask_office_hours", {"office_type": "district_office"}),
    )
    assert said == [
        "ที่ว่าการอำเภอ: เวลาทำการโดยทั่วไปค่ะ\n"
        "• เปิดวันจันทร์–ศุกร์ 08.30–16.30 น. ตามเวลาราชการ ปิดวันหยุดราชการ "
        "บางแห่งเปิดบริการบางงานในวันเสาร์หรือนอกเวลาตามที่ประกาศเอง กรุณาตรวจสอบกับอำเภอก่อนไป\n"
        "• สายด่วน 1548\n"
        "ที่มา: กรมการปกครอง กระทรวงมหาดไทย (ตรวจสอบ 24 พฤศจิกายน 2569)",
        "utter_offer_office_lookup",
    ]
    assert events == [SlotSet("pending_aspect", "office_hours")]


async def test_the_damrongdhama_number_is_the_national_hotline(real_kb) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("ศูนย์ดำรงธรรมเบอร์อะไร", "find_office", {"office_type": "damrongdhama_center"}),
    )
    assert said[0].split("\n")[:2] == [
        "ศูนย์ดำรงธรรม: เวลาทำการโดยทั่วไปค่ะ",
        "• เปิดวันจันทร์–ศุกร์ 08.30–16.30 น. ตามเวลาราชการ ร้องเรียนทางโทรศัพท์ได้ที่สายด่วน 1567",
    ]


async def test_a_type_without_office_records_gets_no_lookup_offer(real_kb) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("ขนส่งเปิดกี่โมง", "ask_office_hours", {"office_type": "land_transport_office"}),
    )
    assert len(said) == 1 and "โทร 1584" in said[0]


# Shared district names (issue 12 §4) ---------------------------------------------

CHALOEM = [
    "อำเภอเฉลิมพระเกียรติ จังหวัดสระบุรี",
    "อำเภอเฉลิมพระเกียรติ จังหวัดนครราชสีมา",
    "อำเภอเฉลิมพระเกียรติ จังหวัดบุรีรัมย์",
    "อำเภอเฉลิมพระเกียรติ จังหวัดน่าน",
    "อำเภอเฉลิมพระเกียรติ จังหวัดนครศรีธรรมราช",
]


async def test_a_shared_name_offers_one_button_per_district(real_kb) -> None:
    dispatcher = CollectingDispatcher()
    state = tracker("ที่ว่าการอำเภอเฉลิมพระเกียรติอยู่ไหนคะ", "find_office",
                    {"office_type": "district_office"})
    events = await ActionFindOffice(real_kb, clock=fixed_clock(TUESDAY_MORNING)).run(
        dispatcher, state, {}
    )
    [message] = dispatcher.messages
    assert message["text"] == "ชื่อเฉลิมพระเกียรติมีในหลายจังหวัดค่ะ หมายถึงที่ไหนคะ เลือกได้เลยค่ะ"
    assert [b["title"] for b in message["buttons"]] == CHALOEM
    assert json.loads(message["buttons"][3]["payload"].removeprefix("/find_office")) == {
        "office_type": "district_office", "district": "5515"
    }
    assert events == [SlotSet("pending_aspect", "office")]


async def test_a_province_named_before_settles_a_shared_name(real_kb) -> None:
    earlier = ("อยู่บุรีรัมย์ค่ะ", {"intent": {"name": "inform"},
                                    "entities": [{"entity": "province", "value": "31"}]})
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("อำเภอเฉลิมพระเกียรติเปิดกี่โมง", "ask_office_hours",
                {"office_type": "district_office"}, before=[earlier]),
    )
    assert said[0].startswith("เวลาทำการของที่ว่าการอำเภอในอำเภอเฉลิมพระเกียรติ จังหวัดบุรีรัมย์ค่ะ\n")


async def test_a_shared_location_settles_a_shared_name_by_distance(real_kb) -> None:
    earlier = ("/share_location", {"intent": {"name": "share_location"}, "entities": [
        {"entity": "latitude", "value": 8.1786}, {"entity": "longitude", "value": 100.0484}]})
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("อำเภอเฉลิมพระเกียรติเปิดวันเสาร์ไหม", "ask_office_hours", before=[earlier]),
    )
    assert "จังหวัดนครศรีธรรมราช" in said[0].split("\n")[0]


@pytest.mark.parametrize(("text", "office_type", "heading"), [
    ("อำเภอจอมทองเปิดกี่โมงคะ", "district_office", "อำเภอจอมทอง จังหวัดเชียงใหม่"),
    ("สำนักงานเขตจอมทองเปิดกี่โมง", "bangkok_district_office", "เขตจอมทอง กรุงเทพมหานคร"),
])
async def test_amphoe_or_khet_before_the_name_settles_it(real_kb, text, office_type, heading) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb, tracker(text, "ask_office_hours", {"office_type": office_type})
    )
    assert said[0].split("\n")[0].endswith(f"ใน{heading}ค่ะ")


async def test_where_to_apply_with_a_shared_name_offers_the_districts(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("จอมทองไปต่อบัตรประชาชนที่ไหน", "ask_where_to_apply", {"service": "id_card_renewal"}),
    )
    assert said[1] == (
        "ชื่อจอมทองมีในหลายจังหวัดค่ะ หมายถึงที่ไหนคะ เลือกได้เลยค่ะ\n"
        "เขตจอมทอง กรุงเทพมหานคร\nอำเภอจอมทอง จังหวัดเชียงใหม่"
    )


# English (issue 12 §7) ------------------------------------------------------------

async def test_english_is_answered_in_english_with_the_agency_website(real_kb) -> None:
    said, events = await run(
        ActionDefaultAskAffirmation, real_kb,
        tracker("How much does a new passport cost?", "nlu_fallback"),
    )
    assert said == [
        "utter_english",
        "Passport (ordinary): handled by the Department of Consular Affairs, Ministry of Foreign"
        " Affairs.\n• Website of the Department of Consular Affairs, Ministry of Foreign Affairs:"
        " https://www.consular.mfa.go.th/",
    ]
    assert events == []


async def test_english_about_district_offices_gives_their_usual_hours(real_kb) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("What time does the district office open?", "ask_office_hours"),
    )
    assert said[1] == (
        "District Office (Amphoe): usually Monday–Friday 08:30–16:30, closed on public holidays.\n"
        "Bangkok District Office (Khet): usually Monday–Friday 08:30–16:30, closed on public holidays."
    )


async def test_asking_for_a_number_about_a_service_names_its_hotline(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("ร้องเรียนศูนย์ดำรงธรรมโทรเบอร์ไหน", "ask_service",
                {"service": "damrongdhama_complaint"}),
    )
    assert "• สอบถามได้ที่ ศูนย์ดำรงธรรม กระทรวงมหาดไทย โทร 1567" in said[0].split("\n")


async def test_a_service_name_the_nlu_missed_is_found_in_the_text(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb, tracker("ยายอายุ 75 ปี ได้เงินผู้สูงอายุเดือนละเท่าไร", "ask_amount")
    )
    assert said[0].split("\n")[1] == "• อายุ 75 ปี ได้ 700 บาทต่อเดือน"


async def test_a_name_that_starts_a_longer_name_is_not_trusted(real_kb) -> None:
    # "บัตรประชาชน" alone starts several services' names: ask, never the renewal's "ฟรี".
    said, _ = await run(
        ActionAnswerService, real_kb, tracker("บัตรประชาชนทำใหม่กี่บาท", "ask_fee")
    )
    assert said[0].startswith("utter_ask_service")


async def test_the_longer_name_misspelt_is_the_one_meant(real_kb) -> None:
    # "บัตรประชาชนหาบ": the lost card (one character off "บัตรประชาชนหาย"), not the renewal.
    said, _ = await run(
        ActionAnswerService, real_kb, tracker("บัตรประชาชนหาบ ทำใหม่กี่บาท", "ask_fee")
    )
    assert said[0].split("\n")[1] == "• บัตรหายหรือถูกทำลาย: 100 บาท"


async def test_a_province_in_the_same_message_settles_a_shared_name(real_kb) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("อยู่จังหวัดน่านค่ะ ที่เฉลิมพระเกียรติของน่าน", "inform", {"province": "55"}),
    )
    assert said[0].split("\n")[:2] == [
        "สำนักงานในอำเภอเฉลิมพระเกียรติ จังหวัดน่านค่ะ", "1. ที่ว่าการอำเภอเฉลิมพระเกียรติ"
    ]


# A date asked about (issue 12 §6: the date entity) ------------------------------------

async def test_a_holiday_asked_about_closes_the_type_that_day(real_kb) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("วันที่ 10 ธันวาคม อำเภอเปิดทำการไหมคะ", "ask_office_hours",
                {"office_type": "district_office", "date": "--12-10"}),
    )
    assert said[0].split("\n")[0] == (
        "ที่ว่าการอำเภอ วันพฤหัสบดีที่ 10 ธันวาคม 2569: ปิด (วันหยุดราชการ: วันรัฐธรรมนูญ)ค่ะ"
    )


async def test_a_working_day_asked_about_gives_that_days_hours(real_kb) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("9 ธ.ค. สำนักงานเขตเปิดไหม", "ask_office_hours",
                {"office_type": "bangkok_district_office", "date": "2026-12-09"}),
    )
    assert said[0].split("\n")[0] == (
        "สำนักงานเขต วันพุธที่ 9 ธันวาคม 2569: เปิด 08:30–16:30 น.ค่ะ"
    )


async def test_a_date_asked_about_an_area_is_said_for_each_office(real_kb) -> None:
    said, _ = await run(
        ActionFindOffice, real_kb,
        tracker("31 ธันวาคม อำเภอเมืองเชียงใหม่เปิดไหม", "ask_office_hours",
                {"office_type": "district_office", "district": "5001", "date": "--12-31"}),
    )
    assert said[0].split("\n")[1:3] == [
        "1. ที่ว่าการอำเภอเมืองเชียงใหม่",
        "   วันพฤหัสบดีที่ 31 ธันวาคม 2569: ปิด (วันหยุดราชการ: วันสิ้นปี)",
    ]


# Quantities the citizen mentions (issue 12 §6: vehicle class, licence type, duration) --

async def test_a_motorcycle_gets_the_motorcycle_fee_and_the_application_fee(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("ใบขับขี่มอไซค์จะหมดอายุ ต่อกี่ตังค์", "ask_fee",
                {"service": "driving_licence_renewal", "vehicle_class": "private_motorcycle"}),
    )
    assert said[0].split("\n")[:3] == [
        "ค่าธรรมเนียมสำหรับต่ออายุใบอนุญาตขับรถ (ชั่วคราวเป็น 5 ปี หรือ 5 ปีเป็น 5 ปี)ค่ะ",
        "• ใบอนุญาตขับรถจักรยานยนต์ส่วนบุคคล 5 ปี (ไม่รวมค่าคำขอ): 250 บาท",
        "• ค่าคำขอ: 5 บาท",
    ]


async def test_the_vehicle_said_earlier_chooses_the_fee_of_a_follow_up(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("แล้วค่าธรรมเนียมล่ะ", "ask_fee",
                slots={"service": "driving_licence_new", "vehicle_class": "private_car"}),
    )
    assert said[0].split("\n")[1:3] == [
        "• ใบอนุญาตขับรถยนต์ส่วนบุคคลชั่วคราว (อายุ 2 ปี): 200 บาท",
        "• ค่าคำขอ: 5 บาท",
    ]


async def test_a_vehicle_no_fee_names_keeps_every_fee(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("ใบขับขี่รถสามล้อค่าธรรมเนียมเท่าไหร่", "ask_fee",
                {"service": "driving_licence_new", "vehicle_class": "public_tricycle"}),
    )
    assert len(said[0].split("\n")) == 5  # heading, three fees, source


@pytest.mark.parametrize(("text", "heading"), [
    ("ทำใบขับขี่ชั่วคราวใช้อะไรบ้าง", "เอกสารที่ต้องใช้สำหรับทำใบอนุญาตขับรถใหม่ (ใบขับขี่ชั่วคราว 2 ปี)ค่ะ"),
    ("ใบขับขี่ชั่วคราวหมดอายุ ต่อใช้อะไรบ้าง",
     "เอกสารที่ต้องใช้สำหรับต่ออายุใบอนุญาตขับรถ (ชั่วคราวเป็น 5 ปี หรือ 5 ปีเป็น 5 ปี)ค่ะ"),
])
async def test_a_temporary_licence_is_the_new_one_unless_renewed(real_kb, text, heading) -> None:
    state = tracker(text, "ask_documents",
                    {"service": "driving_licence_renewal", "licence_type": "temporary"})
    said, _ = await run(ActionAnswerService, real_kb, state)
    assert said[0].split("\n")[0] == heading


async def test_a_licence_lapsed_for_a_while_gets_the_rules_for_lapses(real_kb) -> None:
    said, events = await run(
        ActionAnswerService, real_kb,
        tracker("ใบขับขี่หมดอายุมา 2 ปี ต้องทำอย่างไร", "ask_service",
                {"service": "driving_licence_renewal", "duration": "P2Y"}),
    )
    lines = said[0].split("\n")
    assert lines[0] == "กำหนดเวลาสำหรับต่ออายุใบอนุญาตขับรถ (ชั่วคราวเป็น 5 ปี หรือ 5 ปีเป็น 5 ปี)ค่ะ"
    assert "เกิน 1 ปีแต่ไม่เกิน 3 ปี ต้องสอบข้อเขียนใหม่" in lines[1]
    assert SlotSet("last_topic", "service:driving_licence_renewal:deadline") in events


# An unsure NLU: the words or the conversation still say what is asked ------------------

async def test_an_unsure_follow_up_naming_another_service_asks_the_same_aspect(real_kb) -> None:
    said, _ = await run(
        ActionDefaultAskAffirmation, real_kb,
        tracker("แล้วถ้าบัตรหายล่ะ", "nlu_fallback", {"service": "id_card_lost"},
                slots={"service": "id_card_first", "last_topic": "service:id_card_first:fee"}),
    )
    assert said[0].split("\n")[:2] == [
        "ค่าธรรมเนียมสำหรับทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหายหรือถูกทำลายค่ะ",
        "• บัตรหายหรือถูกทำลาย: 100 บาท",
    ]


@pytest.mark.parametrize(("text", "slots", "heading"), [
    ("จ่ายล่วงหน้าได้กี่วัน", {"service": "vehicle_tax_renewal"},
     "กำหนดเวลาสำหรับต่อภาษีรถประจำปีค่ะ"),
    ("อายุเท่าไหร่ถึงสอบได้", {"service": "driving_licence_new"},
     "คุณสมบัติผู้ยื่นคำขอสำหรับทำใบอนุญาตขับรถใหม่ (ใบขับขี่ชั่วคราว 2 ปี)ค่ะ"),
    ("วันโอนต้องถือเอกสารอะไรไปสำนักงานบ้าง", {"service": "land_title_transfer"},
     "เอกสารที่ต้องใช้สำหรับจดทะเบียนโอนที่ดิน (ขาย ให้ โอนมรดก)ค่ะ"),
])
async def test_an_unsure_question_whose_words_name_the_aspect_keeps_the_service(
    real_kb, text, slots, heading
) -> None:
    said, _ = await run(ActionDefaultAskAffirmation, real_kb, tracker(text, "nlu_fallback", slots=slots))
    assert said[0].split("\n")[0] == heading


async def test_an_unsure_question_naming_a_service_the_nlu_missed_is_about_that_service(
    real_kb,
) -> None:
    said, _ = await run(
        ActionDefaultAskAffirmation, real_kb,
        tracker("แล้วถ้าบัตรแค่หมดอายุ เสียเงินไหม", "nlu_fallback",
                slots={"service": "id_card_lost", "last_topic": "service:id_card_lost:documents"}),
    )
    assert said[0].split("\n")[0] == (
        "ค่าธรรมเนียมสำหรับทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหมดอายุ (ต่ออายุบัตร)ค่ะ")


async def test_an_unsure_how_to_question_gets_the_steps(real_kb) -> None:
    said, _ = await run(
        ActionDefaultAskAffirmation, real_kb,
        tracker("แล้วไปถึงแล้วต้องทำอะไรบ้าง เรียงให้หน่อย", "nlu_fallback",
                slots={"service": "house_move_in"}),
    )
    assert said[0].split("\n")[0] == "ขั้นตอนสำหรับแจ้งย้ายเข้า (ทะเบียนบ้าน)ค่ะ"


async def test_an_unsure_question_without_a_service_or_cue_gets_the_menu(real_kb) -> None:
    said, _ = await run(
        ActionDefaultAskAffirmation, real_kb,
        tracker("แบบนี้ทำไงดี", "nlu_fallback", slots={"service": "passport"}),
    )
    assert said == ["utter_ask_rephrase"]


async def test_a_licence_about_to_expire_is_renewed_whatever_the_tag(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("ใบขับขี่มอไซค์จะหมดอายุ ต่อกี่ตังค์", "ask_fee",
                {"service": "driving_licence_new", "vehicle_class": "private_motorcycle"}),
    )
    assert said[0].split("\n")[1] == "• ใบอนุญาตขับรถจักรยานยนต์ส่วนบุคคล 5 ปี (ไม่รวมค่าคำขอ): 250 บาท"


async def test_asking_a_type_of_offices_number_gets_its_hotline_not_an_faq(real_kb) -> None:
    said, events = await run(
        ActionAnswerFaq, real_kb,
        tracker("สำนักงานเขตมีเบอร์กลางไหมคะ", "faq", {"office_type": "bangkok_district_office"}),
    )
    assert said[0].split("\n")[0] == "สำนักงานเขต: เวลาทำการโดยทั่วไปค่ะ"
    assert said[0].split("\n")[1].endswith("กรุณาตรวจสอบกับสำนักงานเขตหรือโทร 1555")
    assert events == [SlotSet("last_topic", "office:bangkok_district_office")]


@pytest.mark.parametrize(("text", "heading"), [
    ("แจ้งเกิกลูกต้องใช้อะไรบ้างคะ", "เอกสารที่ต้องใช้สำหรับแจ้งเกิด (ขอสูติบัตร)ค่ะ"),
    ("จดทะเบียนหยาต้องมีพยานไหม", "เอกสารที่ต้องใช้สำหรับจดทะเบียนหย่า (หย่าโดยความยินยอม)ค่ะ"),
    ("บัตรประชาชนหาบ ทำใหม่ใช้อะไร",
     "เอกสารที่ต้องใช้สำหรับทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหายหรือถูกทำลายค่ะ"),
])
async def test_a_name_misspelt_by_one_character_is_found(real_kb, text, heading) -> None:
    said, _ = await run(ActionAnswerService, real_kb, tracker(text, "ask_documents"))
    assert said[0].split("\n")[0] == heading


async def test_a_short_word_one_character_off_a_name_is_not_a_service(real_kb) -> None:
    said, _ = await run(ActionAnswerService, real_kb, tracker("แจ้งเกือบลืม", "ask_documents"))
    assert said[0].split("\n")[0] == "utter_ask_service"


async def test_tell_me_about_gives_way_to_what_the_words_ask(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("ลูกจะทำบัตรประชาชนครั้งแรก ต้องอายุกี่ขวบคะ", "ask_service", {"service": "id_card_first"}),
    )
    assert said[0].split("\n")[0] == "คุณสมบัติผู้ยื่นคำขอสำหรับทำบัตรประจำตัวประชาชนครั้งแรกค่ะ"


async def test_a_follow_up_about_another_service_keeps_the_aspect_just_answered(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("แล้วแจ้งตายล่ะคะ", "ask_service", {"service": "death_registration"},
                slots={"last_topic": "service:birth_registration:deadline"}),
    )
    assert said[0].split("\n")[0] == "กำหนดเวลาสำหรับแจ้งตาย (ขอมรณบัตร)ค่ะ"


async def test_in_a_conversation_about_a_service_a_near_miss_is_a_word(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("ต้องแจ้งภายในกี่วัน", "ask_deadline", slots={"service": "house_move_in"}),
    )
    assert said[0].split("\n")[0] == "กำหนดเวลาสำหรับแจ้งย้ายเข้า (ทะเบียนบ้าน)ค่ะ"


# Which service a message means (actions/services.py, actions/service_names.py) -----------

def spanned(text: str, intent: str, names: dict[str, str], *,
            slots: dict[str, Any] | None = None) -> Tracker:
    """A parse whose service entities carry their spans, as the gazetteer tags them."""
    state = tracker(text, intent, slots=slots)
    state.latest_message["entities"] = [
        {"entity": "service", "value": code, "start": text.index(name),
         "end": text.index(name) + len(name)}
        for name, code in names.items()
    ]
    return state


async def test_a_name_split_by_other_words_is_still_found(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        tracker("สูติบัตรของลูกชายหาย ต้องไปขอที่ไหน", "ask_where_to_apply"),
    )
    assert said[0].split("\n")[0] == (
        "สถานที่ยื่นคำขอสำหรับขอคัดและรับรองสำเนาเอกสารทะเบียนราษฎร"
        " (เช่น สำเนาทะเบียนบ้าน ทะเบียนประวัติ)ค่ะ"
    )


async def test_a_longer_name_in_the_text_beats_the_shorter_one_tagged(real_kb) -> None:
    # "ขอมรณบัตร" alone is the death registration; "ขอมรณบัตร ... ใหม่" a copy of it.
    text = "ขอมรณบัตรของแม่ใหม่อีกใบ ใช้อะไรบ้าง"
    said, events = await run(
        ActionAnswerService, real_kb,
        spanned(text, "ask_documents", {"ขอมรณบัตร": "death_registration"}),
    )
    assert said[0].split("\n")[0].startswith("เอกสารที่ต้องใช้สำหรับขอคัดและรับรองสำเนา")
    assert said[1].split("\n")[1] == "แจ้งตาย (ขอมรณบัตร)"  # the other one, offered
    assert SlotSet("service", "civil_registration_certified_copy") in events


async def test_what_the_citizen_already_has_is_the_background(real_kb) -> None:
    text = "มีบัตรคนพิการอยู่แล้ว ขอเบี้ยคนพิการด้วยได้ไหม"
    said, _ = await run(
        ActionAnswerService, real_kb,
        spanned(text, "ask_eligibility",
                {"บัตรคนพิการ": "disability_card", "เบี้ยคนพิการ": "disability_allowance"}),
    )
    assert said[0].split("\n")[0] == "คุณสมบัติผู้ยื่นคำขอสำหรับลงทะเบียนรับเบี้ยความพิการค่ะ"


async def test_the_reason_names_the_case_asked_about(real_kb) -> None:
    text = "จะทำบัตรประชาชนใหม่ กรณีบัตรหาย ค่าทำเท่าไหร่"
    said, _ = await run(
        ActionAnswerService, real_kb,
        spanned(text, "ask_fee", {"บัตรประชาชน": "id_card_renewal", "บัตรหาย": "id_card_lost"}),
    )
    assert said[0].split("\n")[1] == "• บัตรหายหรือถูกทำลาย: 100 บาท"


async def test_do_i_need_a_police_report_is_asked_of_the_lost_document(real_kb) -> None:
    text = "ต้องมีใบแจ้งความไปด้วยหรือเปล่าคะ"
    said, events = await run(
        ActionAnswerService, real_kb,
        # Rasa has put the report, the message's entity, in the slot already.
        spanned(text, "ask_service", {"ใบแจ้งความ": "police_report_lost_documents"},
                slots={"service": "police_report_lost_documents",
                       "last_topic": "service:id_card_lost:fee"}),
    )
    lines = said[0].split("\n")
    assert lines[0] == ("เอกสารที่ต้องใช้สำหรับทำบัตรประจำตัวประชาชนใหม่"
                        " กรณีบัตรหายหรือถูกทำลายค่ะ")
    assert "• ไม่ต้องใช้ใบแจ้งความ แจ้งบัตรหายต่อเจ้าหน้าที่ที่สำนักทะเบียนได้เลย" in lines
    assert SlotSet("service", "id_card_lost") in events


async def test_a_police_report_question_of_its_own_is_about_the_report(real_kb) -> None:
    text = "แจ้งความเอกสารหายต้องใช้อะไรบ้าง"
    said, _ = await run(
        ActionAnswerService, real_kb,
        spanned(text, "ask_documents", {"แจ้งความเอกสารหาย": "police_report_lost_documents"}),
    )
    assert said[0].split("\n")[0] == "เอกสารที่ต้องใช้สำหรับแจ้งความเอกสารหาย (ลงบันทึกประจำวัน)ค่ะ"


@pytest.mark.parametrize(
    ("text", "slots", "heading"),
    [
        # An age of 60 or more: the elderly allowance, with the band for the age.
        ("ยายอายุ 66 ได้เบี้ยเดือนละกี่บาท", {},
         "จำนวนเงินที่ได้รับสำหรับลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุค่ะ"),
        # After the disability card: the allowance its record speaks of.
        ("ได้บัตรมาแล้ว ขอเบี้ยต่อได้เลยไหม", {"service": "disability_card"},
         "จำนวนเงินที่ได้รับสำหรับลงทะเบียนรับเบี้ยความพิการค่ะ"),
        # Nothing says which: ask.
        ("เบี้ยได้เดือนละกี่บาท", {}, "utter_ask_service"),
    ],
)
async def test_a_bare_allowance_word(real_kb, text: str, slots: dict[str, Any],
                                     heading: str) -> None:
    said, _ = await run(ActionAnswerService, real_kb, tracker(text, "ask_amount", slots=slots))
    assert said[0].split("\n")[0] == heading


# An unsure classifier gives way to the words (actions/services.py, asked_aspect) -----------

def unsure(text: str, intent: str, confidence: float, **slots: Any) -> Tracker:
    state = tracker(text, intent, slots=slots)
    state.latest_message["intent"]["confidence"] = confidence
    return state


@pytest.mark.parametrize(
    ("confidence", "heading"),
    [
        (0.6, "เอกสารที่ต้องใช้สำหรับทำหนังสือเดินทาง (พาสปอร์ต) บุคคลทั่วไปค่ะ"),
        # Sure of itself, the classifier is trusted.
        (0.95, "กำหนดเวลาสำหรับทำหนังสือเดินทาง (พาสปอร์ต) บุคคลทั่วไปค่ะ"),
    ],
)
async def test_words_naming_another_aspect_decide_when_the_intent_is_unsure(
    real_kb, confidence: float, heading: str
) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        unsure("ของลูกต้องเตรียมอะไรไปเพิ่มบ้าง", "ask_deadline", confidence, service="passport"),
    )
    assert said[0].split("\n")[0] == heading


async def test_how_long_one_has_is_the_deadline(real_kb) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        unsure("ลูกเกิดเมื่อวานซืน มีเวลากี่วันคะ", "ask_processing_time", 0.6,
               service="birth_registration"),
    )
    assert said[0].split("\n")[0] == "กำหนดเวลาสำหรับแจ้งเกิด (ขอสูติบัตร)ค่ะ"


@pytest.mark.parametrize(("intent", "confidence"), [("ask_fee", 0.6), ("ask_fee", 0.95), ("ask_amount", 0.9)])
async def test_when_to_pay_is_the_deadline_not_the_fee(real_kb, intent: str, confidence: float) -> None:
    said, _ = await run(
        ActionAnswerService, real_kb,
        unsure("ค่าต่อทะเบียนรถต้องจ่ายเมื่อไหร่ครับ", intent, confidence, service="vehicle_tax_renewal"),
    )
    assert said[0].split("\n")[0] == "กำหนดเวลาสำหรับต่อภาษีรถประจำปีค่ะ"


async def test_an_unsure_faq_in_a_service_conversation_is_the_service_aspect(real_kb) -> None:
    said, _ = await run(
        ActionAnswerFaq, real_kb,
        unsure("ไปสำนักงานต้องเอาเอกสารอะไรติดไปบ้าง", "faq", 0.45,
               service="land_title_transfer", last_topic="service:land_title_transfer:fee"),
    )
    assert said[0].split("\n")[0] == "เอกสารที่ต้องใช้สำหรับจดทะเบียนโอนที่ดิน (ขาย ให้ โอนมรดก)ค่ะ"


async def test_an_unsure_faq_naming_a_service_and_an_aspect_is_the_service_aspect(real_kb) -> None:
    state = tracker("แจ้งย้ายออก ต้องให้เจ้าบ้านไปด้วยไหมคะ", "faq", {"service": "house_move_out"})
    state.latest_message["intent"]["confidence"] = 0.55
    said, _ = await run(ActionAnswerFaq, real_kb, state)
    assert said[0].split("\n")[0] == "คุณสมบัติผู้ยื่นคำขอสำหรับแจ้งย้ายออก (ทะเบียนบ้าน)ค่ะ"


async def test_a_question_quoting_a_services_hotline_in_thai_digits_names_the_service(
    real_kb,
) -> None:
    said, _ = await run(
        ActionAnswerFaq, real_kb,
        tracker("โทร ๑๕๖๗ ได้ตลอดไหมคะ เป็นเบอร์ของที่ไหน", "faq",
                {"service": "damrongdhama_complaint"}),
    )
    assert said[0].split("\n")[0] == "ข้อมูลโดยสรุปสำหรับร้องเรียนร้องทุกข์ผ่านศูนย์ดำรงธรรมค่ะ"
    assert "1567" in said[0]


@pytest.mark.parametrize(("text", "intent", "service", "heading"), [
    # "Must I register?" is who must, though "ออนไลน์" names another aspect.
    ("ขายของออนไลน์ต้องจดทะเบียนพาณิชย์ไหมคะ", "ask_online", "commercial_registration",
     "คุณสมบัติผู้ยื่นคำขอสำหรับจดทะเบียนพาณิชย์ (บุคคลธรรมดา / ร้านค้า)ค่ะ"),
    # "แจ้งความ" inside the service's name is no cue for documents.
    ("ใบแจ้งความเอกสารหาย ให้คนอื่นไปแจ้งแทนได้ไหม", "ask_documents",
     "police_report_lost_documents",
     "คุณสมบัติผู้ยื่นคำขอสำหรับแจ้งความเอกสารหาย (ลงบันทึกประจำวัน)ค่ะ"),
])
async def test_an_unsure_yes_no_question_about_who_may_apply_gets_who_may(
    real_kb, text: str, intent: str, service: str, heading: str
) -> None:
    name = {"commercial_registration": "จดทะเบียนพาณิชย์",
            "police_report_lost_documents": "ใบแจ้งความเอกสารหาย"}[service]
    state = tracker(text, intent)
    state.latest_message["intent"]["confidence"] = 0.55
    start = text.index(name)
    state.latest_message["entities"] = [{"entity": "service", "value": service,
                                         "start": start, "end": start + len(name)}]
    said, _ = await run(ActionAnswerService, real_kb, state)
    assert said[0].split("\n")[0] == heading


def test_must_i_and_how_much_to_pay_keep_apart_from_fees_fines_and_reports() -> None:
    assert asks_obligation("ย้ายบ้านแล้วต้องเปลี่ยนบัตรประชาชนไหมคะ")
    assert asks_obligation("ต้องจดทะเบียนพาณิชย์ไหม")
    assert not asks_obligation("ทำบัตรต้องเสียเงินไหม")
    assert not asks_obligation("ต้องทำเอกสารอะไรไหม")
    assert not asks_obligation("บัตรหายต้องไปแจ้งความไหม")
    assert asks_how_much_to_pay("ต้องเสียภาษีธุรกิจเฉพาะเท่าไหร่")
    assert not asks_how_much_to_pay("ขาดไป 2 เดือน เสียเงินเพิ่มเท่าไหร่")
    assert not asks_how_much_to_pay("แจ้งช้าเสียค่าปรับกี่บาท")


async def test_how_much_to_pay_after_a_condition_is_the_fee(real_kb) -> None:
    state = tracker("ขายบ้านที่ซื้อมายังไม่ถึง 5 ปี ต้องเสียภาษีธุรกิจเฉพาะเท่าไหร่",
                    "ask_eligibility", {"service": "land_title_transfer", "duration": "P5Y"})
    said, _ = await run(ActionAnswerService, real_kb, state)
    lines = said[0].split("\n")
    assert lines[0] == "ค่าธรรมเนียมสำหรับจดทะเบียนโอนที่ดิน (ขาย ให้ โอนมรดก)ค่ะ"
    assert any(line.startswith("• ภาษีธุรกิจเฉพาะ") and "3.3" in line for line in lines)


async def test_paying_extra_after_a_lapse_is_the_penalty(real_kb) -> None:
    state = tracker("ภาษีรถค้างมา 3 เดือนแล้ว ขาดไป ต้องจ่ายเพิ่มไหม", "ask_fee",
                    {"service": "vehicle_tax_renewal", "duration": "P3M"})
    said, _ = await run(ActionAnswerService, real_kb, state)
    assert said[0].split("\n")[0] == "กำหนดเวลาสำหรับต่อภาษีรถประจำปีค่ะ"
