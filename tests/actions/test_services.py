"""action_answer_service on the seeded test knowledge base (tests/fixtures/kb)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.kb import KnowledgeBase
from app.kb.db import Database
from app.kb.models import ContentKind
from app.kb.repositories import editing
from app.kb.repositories.editing import Editor
from actions.services import ActionAnswerService
from tests.actions.support import (
    FEEDBACK,
    TUESDAY_MORNING,
    button,
    fixed_clock,
    load_tracker,
    sent,
)

ID_CARD = "ต่ออายุบัตรประจำตัวประชาชน"
ID_CARD_SOURCE = "ที่มา: กรมการปกครอง กระทรวงมหาดไทย (ตรวจสอบ 24 พฤศจิกายน 2569)"
ID_CARD_FEE = "ฟรี (บัตรหมดอายุ); 100 บาท (บัตรหายหรือถูกทำลาย)"
PASSPORT_SOURCE = "ที่มา: กรมการกงสุล กระทรวงการต่างประเทศ (ตรวจสอบ 20 พฤศจิกายน 2569)"
PASSPORT_FEE_TEXT = (
    "ค่าธรรมเนียมสำหรับทำหนังสือเดินทางค่ะ\n"
    "• อายุ 5 ปี: 1,000 บาท\n"
    "• อายุ 10 ปี: 1,500 บาท\n" + PASSPORT_SOURCE
)


def id_card(aspect: str, title: str, lines: list[str]) -> dict[str, Any]:
    return {
        "type": "service",
        "code": "id_card_renewal",
        "name": ID_CARD,
        "aspect": aspect,
        "title": title,
        "lines": lines,
        "fee": ID_CARD_FEE,
        "processing_time": "ได้รับบัตรภายในวันที่ยื่นคำขอ",
        "source": ID_CARD_SOURCE,
        "source_url": None,
        "checked_on": "2026-11-24",
        "hotline": "1548",
    }


def passport_fee() -> dict[str, Any]:
    return {
        "type": "service",
        "code": "passport",
        "name": "ทำหนังสือเดินทาง",
        "aspect": "fee",
        "title": "ค่าธรรมเนียม",
        "lines": ["อายุ 5 ปี: 1,000 บาท", "อายุ 10 ปี: 1,500 บาท"],
        "fee": "1,000 บาท (อายุ 5 ปี); 1,500 บาท (อายุ 10 ปี)",
        "processing_time": None,
        "source": PASSPORT_SOURCE,
        "source_url": None,
        "checked_on": "2026-11-20",
        "hotline": "02 572 8442",
    }


async def run(
    kb: KnowledgeBase, scenario: str, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> list:
    action = ActionAnswerService(kb, clock=fixed_clock(TUESDAY_MORNING))
    return await action.run(dispatcher, load_tracker(scenario), domain)


async def test_documents_for_a_named_service(kb: KnowledgeBase, dispatcher, domain) -> None:
    events = await run(kb, "ask_documents_id_card", dispatcher, domain)

    lines = ["บัตรประจำตัวประชาชนใบเดิม"]
    assert dispatcher.messages == [
        sent(
            f"เอกสารที่ต้องใช้สำหรับ{ID_CARD}ค่ะ\n• บัตรประจำตัวประชาชนใบเดิม\n{ID_CARD_SOURCE}",
            card=id_card("documents", "เอกสารที่ต้องใช้", lines),
        ),
        sent(response=FEEDBACK),
    ]
    assert events == [
        SlotSet("service", "id_card_renewal"),
        SlotSet("last_topic", "service:id_card_renewal:documents"),
    ]


async def test_fees_with_their_conditions_and_free_for_zero(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await run(kb, "ask_fee_id_card", dispatcher, domain)

    lines = ["บัตรหมดอายุ: ฟรี", "บัตรหายหรือถูกทำลาย: 100 บาท"]
    assert dispatcher.messages == [
        sent(
            f"ค่าธรรมเนียมสำหรับ{ID_CARD}ค่ะ\n• บัตรหมดอายุ: ฟรี\n"
            f"• บัตรหายหรือถูกทำลาย: 100 บาท\n{ID_CARD_SOURCE}",
            card=id_card("fee", "ค่าธรรมเนียม", lines),
        ),
        sent(response=FEEDBACK),
    ]
    assert events == [
        SlotSet("service", "id_card_renewal"),
        SlotSet("last_topic", "service:id_card_renewal:fee"),
    ]


async def test_follow_up_question_uses_the_service_slot(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await run(kb, "ask_fee_follow_up", dispatcher, domain)

    assert dispatcher.messages == [
        sent(PASSPORT_FEE_TEXT, card=passport_fee()),
        sent(response=FEEDBACK),
    ]
    assert events == [
        SlotSet("service", "passport"),
        SlotSet("last_topic", "service:passport:fee"),
    ]


async def test_unknown_service_asks_back_and_keeps_the_aspect(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    # Popular services first (here id_card_renewal, id_card_lost), then the rest by
    # category, five at most: passport (travel_transport) comes sixth and is left out.
    events = await run(kb, "ask_fee_no_service", dispatcher, domain)

    assert dispatcher.messages == [
        sent(
            response="utter_ask_service",
            buttons=[
                button(ID_CARD, '/inform{"service": "id_card_renewal"}'),
                button(
                    "ทำบัตรประจำตัวประชาชนใหม่ กรณีบัตรหาย", '/inform{"service": "id_card_lost"}'
                ),
                button("ขอคัดสำเนาทะเบียนบ้าน", '/inform{"service": "house_registration_copy"}'),
                button("ร้องเรียนร้องทุกข์", '/inform{"service": "complaint"}'),
                button("ลงบัญชีทหารกองเกิน", '/inform{"service": "military_registration"}'),
            ],
        )
    ]
    assert events == [SlotSet("pending_aspect", "fee")]


async def test_unknown_fee_amount_points_to_the_agency_hotline(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    await run(kb, "ask_fee_unknown_amount", dispatcher, domain)

    unknown = "ไม่มีข้อมูลค่าธรรมเนียมที่ยืนยันได้ กรุณาสอบถาม กรมการปกครอง โทร 1548"
    answer = dispatcher.messages[0]
    assert answer["text"] == (f"ค่าธรรมเนียมสำหรับขอคัดสำเนาทะเบียนบ้านค่ะ\n• {unknown}\n{ID_CARD_SOURCE}")
    card = answer["custom"]["card"]
    assert (card["lines"], card["fee"], card["hotline"]) == ([unknown], "ไม่มีข้อมูลที่ยืนยันได้", "1548")


async def test_two_services_answers_the_first_and_offers_the_other(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await run(kb, "ask_fee_two_services", dispatcher, domain)

    assert dispatcher.messages == [
        sent(PASSPORT_FEE_TEXT, card=passport_fee()),
        sent(
            "ยังมีเรื่องที่ถามมาด้วย เลือกเพื่อดูคำตอบได้เลยค่ะ",
            buttons=[button(ID_CARD, '/ask_fee{"service": "id_card_renewal"}')],
        ),
        sent(response=FEEDBACK),
    ]
    assert events == [
        SlotSet("service", "passport"),
        SlotSet("last_topic", "service:passport:fee"),
    ]


async def test_overview_gives_documents_fee_and_where(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    await run(kb, "ask_service_id_card", dispatcher, domain)

    assert dispatcher.messages[0]["text"] == (
        f"ข้อมูลโดยสรุปสำหรับ{ID_CARD}ค่ะ\n"
        "• เอกสารที่ต้องใช้: บัตรประจำตัวประชาชนใบเดิม\n"
        f"• ค่าธรรมเนียม: {ID_CARD_FEE}\n"
        "• สถานที่ยื่นคำขอ: ที่ว่าการอำเภอ, สำนักงานเขต\n"
        f"{ID_CARD_SOURCE}"
    )


async def test_where_to_apply_names_office_types_and_the_office_in_the_district(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await run(kb, "ask_where_id_card_chiang_mai", dispatcher, domain)

    where, offices, feedback = dispatcher.messages
    assert where["text"] == (
        f"สถานที่ยื่นคำขอสำหรับ{ID_CARD}ค่ะ\n"
        "• ยื่นได้ที่ ที่ว่าการอำเภอ, สำนักงานเขต\n"
        "• ยื่นได้ที่สำนักทะเบียนแห่งใดก็ได้ทั่วประเทศ\n"
        f"{ID_CARD_SOURCE}"
    )
    assert offices["text"] == (
        "สำนักงานที่ยื่นได้ในอำเภอเมืองเชียงใหม่ค่ะ\n"
        "1. ที่ว่าการอำเภอเมืองเชียงใหม่\n"
        "   เวลาทำการ: จันทร์–ศุกร์ 08:30–12:00, 13:00–16:30 น. ปิดวันหยุดราชการ\n"
        "   ตอนนี้: เปิดอยู่ พักเที่ยง 12:00–13:00 น. ปิด 16:30 น.\n"
        "   แผนที่ (ตำแหน่งโดยประมาณ*): "
        "https://www.google.com/maps/search/?api=1&query=18.7885,98.9942\n"
        "* ตำแหน่งโดยประมาณ: เป็นจุดกึ่งกลางของอำเภอ/เขต ไม่ใช่ที่ตั้งจริงของสำนักงาน "
        "ระยะทางจึงเป็นค่าประมาณค่ะ"
    )
    assert [o["code"] for o in offices["custom"]["card"]["offices"]] == ["district_office:5001"]
    assert feedback == sent(response=FEEDBACK)
    assert events == [
        SlotSet("service", "id_card_renewal"),
        SlotSet("last_topic", "service:id_card_renewal:where_to_apply"),
    ]


async def test_where_to_apply_without_listed_offices_gives_the_agency_hotline(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    await run(kb, "ask_where_passport", dispatcher, domain)

    assert dispatcher.messages[0]["text"] == (
        "สถานที่ยื่นคำขอสำหรับทำหนังสือเดินทางค่ะ\n"
        "• ยื่นได้ที่ สำนักงานหนังสือเดินทาง\n"
        "• สอบถามที่ตั้งสำนักงานได้ที่ กรมการกงสุล โทร 02 572 8442\n"
        f"{PASSPORT_SOURCE}"
    )
    assert dispatcher.messages[1:] == [sent(response=FEEDBACK)]


# A province's note on a service (written by its officers in the console).
CHIANG_MAI_NOTE = "วันเสาร์เปิดรับคำขอที่ศูนย์บริการในห้างสรรพสินค้า"


async def publish_note(kb_path: Path, service_code: str, province_code: str, note: str) -> None:
    db = Database(f"sqlite+aiosqlite:///{kb_path}")
    editor = Editor("cm.officer", province_code)
    try:
        async with db.session() as session:
            draft = await editing.create_draft(
                session, ContentKind.SERVICE_NOTE,
                {"service_code": service_code, "province_code": province_code, "note": note},
                editor,
            )
            await editing.publish(session, draft.id, editor, "หมายเหตุของจังหวัด")
    finally:
        await db.dispose()


def with_slot(scenario: str, **slots: Any) -> Any:
    tracker = load_tracker(scenario)
    tracker.slots.update(slots)
    return tracker


async def test_the_provinces_note_follows_the_answer_when_the_province_is_known(
    kb: KnowledgeBase, kb_path: Path, dispatcher, domain
) -> None:
    await publish_note(kb_path, "id_card_renewal", "50", CHIANG_MAI_NOTE)
    action = ActionAnswerService(kb, clock=fixed_clock(TUESDAY_MORNING))

    await action.run(dispatcher, with_slot("ask_documents_id_card", province="50"), domain)

    note = f"หมายเหตุจังหวัดเชียงใหม่: {CHIANG_MAI_NOTE}"
    assert dispatcher.messages[0] == sent(
        f"เอกสารที่ต้องใช้สำหรับ{ID_CARD}ค่ะ\n• บัตรประจำตัวประชาชนใบเดิม\n"
        f"{note}\n{ID_CARD_SOURCE}",
        card=id_card("documents", "เอกสารที่ต้องใช้", ["บัตรประจำตัวประชาชนใบเดิม", note]),
    )


async def test_a_district_named_in_the_question_gives_its_provinces_note(
    kb: KnowledgeBase, kb_path: Path, dispatcher, domain
) -> None:
    await publish_note(kb_path, "id_card_renewal", "50", CHIANG_MAI_NOTE)

    await run(kb, "ask_where_id_card_chiang_mai", dispatcher, domain)

    assert dispatcher.messages[0]["text"] == (
        f"สถานที่ยื่นคำขอสำหรับ{ID_CARD}ค่ะ\n"
        "• ยื่นได้ที่ ที่ว่าการอำเภอ, สำนักงานเขต\n"
        "• ยื่นได้ที่สำนักทะเบียนแห่งใดก็ได้ทั่วประเทศ\n"
        f"หมายเหตุจังหวัดเชียงใหม่: {CHIANG_MAI_NOTE}\n"
        f"{ID_CARD_SOURCE}"
    )


async def test_bangkok_is_not_called_a_province_and_other_provinces_get_no_note(
    kb: KnowledgeBase, kb_path: Path, domain
) -> None:
    await publish_note(kb_path, "id_card_renewal", "10", "สำนักงานเขตเปิดวันเสาร์บางแห่ง")
    action = ActionAnswerService(kb, clock=fixed_clock(TUESDAY_MORNING))
    texts = {}
    for province in ("10", "50", None):
        dispatcher = CollectingDispatcher()
        await action.run(dispatcher, with_slot("ask_documents_id_card", province=province), domain)
        texts[province] = dispatcher.messages[0]["text"]

    assert texts["10"] == (
        f"เอกสารที่ต้องใช้สำหรับ{ID_CARD}ค่ะ\n• บัตรประจำตัวประชาชนใบเดิม\n"
        f"หมายเหตุกรุงเทพมหานคร: สำนักงานเขตเปิดวันเสาร์บางแห่ง\n{ID_CARD_SOURCE}"
    )
    no_note = f"เอกสารที่ต้องใช้สำหรับ{ID_CARD}ค่ะ\n• บัตรประจำตัวประชาชนใบเดิม\n{ID_CARD_SOURCE}"
    assert texts["50"] == no_note
    assert texts[None] == no_note
