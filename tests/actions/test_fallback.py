"""The "did you mean" buttons, and bare answers that continue a pending question."""

from __future__ import annotations

from pathlib import Path

from rasa_sdk.events import SlotSet

from actions.fallback import ActionDefaultAskAffirmation, ActionHandleInform
from actions.kb import KnowledgeBase
from tests.actions.conftest import NOTHING_LISTENS, make_settings
from tests.actions.support import (
    FEEDBACK,
    TUESDAY_MORNING,
    button,
    fixed_clock,
    load_tracker,
    sent,
)

async def test_top_intents_as_buttons_keeping_the_entities(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    tracker = load_tracker("nlu_fallback_passport")
    # The likeliest intent is not a question about a service: the menu.
    ranking = tracker.latest_message["intent_ranking"]
    ranking.insert(1, ranking.pop(4))
    events = await ActionDefaultAskAffirmation(kb).run(dispatcher, tracker, domain)

    assert dispatcher.messages == [
        sent(
            "ขออภัยค่ะ ไม่แน่ใจว่าหมายถึงเรื่องใด ช่วยเลือกจากตัวเลือกด้านล่างได้ไหมคะ",
            buttons=[
                button("หาสำนักงานใกล้คุณ", '/find_office{"service": "passport"}'),
                button("ค่าธรรมเนียม: ทำหนังสือเดินทาง", '/ask_fee{"service": "passport"}'),
                button(
                    "ระยะเวลาดำเนินการ: ทำหนังสือเดินทาง",
                    '/ask_processing_time{"service": "passport"}',
                ),
                button("อย่างอื่น", "/out_of_scope"),
            ],
        )
    ]
    assert events == []


async def test_an_unclear_question_naming_its_service_gets_the_likeliest_answer(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    # "พาสปอร์ตเท่าไรอะ": the fee, then the other aspect the NLU hesitated over.
    action = ActionDefaultAskAffirmation(kb, clock=fixed_clock(TUESDAY_MORNING))
    events = await action.run(dispatcher, load_tracker("nlu_fallback_passport"), domain)

    assert dispatcher.messages[0]["text"].splitlines()[0] == "ค่าธรรมเนียมสำหรับทำหนังสือเดินทางค่ะ"
    assert dispatcher.messages[1:] == [
        sent(
            "หรือต้องการทราบเรื่องอื่นของงานนี้ เลือกได้เลยค่ะ",
            buttons=[button("ระยะเวลาดำเนินการ", '/ask_processing_time{"service": "passport"}')],
        ),
        sent(response=FEEDBACK),
    ]
    assert events == [SlotSet("service", "passport"), SlotSet("last_topic", "service:passport:fee")]


async def test_bare_service_answers_the_pending_aspect(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    action = ActionHandleInform(kb, clock=fixed_clock(TUESDAY_MORNING))
    events = await action.run(dispatcher, load_tracker("inform_service_pending_fee"), domain)

    assert dispatcher.messages[0]["text"].splitlines()[0] == "ค่าธรรมเนียมสำหรับทำหนังสือเดินทางค่ะ"
    assert dispatcher.messages[-1] == sent(response=FEEDBACK)
    assert events == [
        SlotSet("service", "passport"),
        SlotSet("last_topic", "service:passport:fee"),
        SlotSet("pending_aspect", None),
    ]


async def test_bare_service_without_a_question_asks_what_about_it(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await ActionHandleInform(kb).run(
        dispatcher, load_tracker("inform_service_no_pending"), domain
    )

    payload = '{"service": "passport"}'
    assert dispatcher.messages == [
        sent(
            "เรื่องทำหนังสือเดินทางนะคะ ต้องการทราบข้อมูลส่วนไหนคะ",
            buttons=[
                button("เอกสารที่ต้องใช้", f"/ask_documents{payload}"),
                button("ค่าธรรมเนียม", f"/ask_fee{payload}"),
                button("สถานที่ยื่นคำขอ", f"/ask_where_to_apply{payload}"),
                button("ระยะเวลาดำเนินการ", f"/ask_processing_time{payload}"),
                button("ขั้นตอน", f"/ask_steps{payload}"),
                button("ช่องทางออนไลน์", f"/ask_online{payload}"),
            ],
        )
    ]
    assert events == [SlotSet("service", "passport")]


async def test_a_bare_service_after_an_answer_asks_the_same_aspect_of_it(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    # "แล้วถ้าเป็นพาสปอร์ตล่ะ" after the ID card's fees: the passport's fees.
    tracker = load_tracker("inform_service_no_pending")
    tracker.slots["last_topic"] = "service:id_card_renewal:fee"
    action = ActionHandleInform(kb, clock=fixed_clock(TUESDAY_MORNING))
    events = await action.run(dispatcher, tracker, domain)

    assert dispatcher.messages[0]["text"].splitlines()[0] == "ค่าธรรมเนียมสำหรับทำหนังสือเดินทางค่ะ"
    assert events == [SlotSet("service", "passport"), SlotSet("last_topic", "service:passport:fee")]


async def test_bare_place_answers_the_pending_office_hours(
    kb: KnowledgeBase, dispatcher, domain
) -> None:
    action = ActionHandleInform(kb, clock=fixed_clock(TUESDAY_MORNING))
    events = await action.run(dispatcher, load_tracker("inform_place_pending_hours"), domain)

    assert dispatcher.messages[0]["text"].splitlines()[:3] == [
        "เวลาทำการของสำนักงานในอำเภอจอมทอง จังหวัดเชียงใหม่ค่ะ",
        "1. ที่ว่าการอำเภอจอมทอง",
        "   ตอนนี้: เปิดอยู่ พักเที่ยง 12:00–13:00 น. ปิด 16:30 น.",
    ]
    assert events == [
        SlotSet("last_topic", "office_hours:5002"),
        SlotSet("pending_aspect", None),
    ]


async def test_without_the_knowledge_base_the_buttons_are_plainer(dispatcher, domain) -> None:
    kb = KnowledgeBase(make_settings(KB_DATABASE_URL=NOTHING_LISTENS))
    try:
        await ActionDefaultAskAffirmation(kb).run(
            dispatcher, load_tracker("nlu_fallback_passport"), domain
        )
    finally:
        await kb.close()

    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles == ["ค่าธรรมเนียม", "ระยะเวลาดำเนินการ", "หาสำนักงานใกล้คุณ", "อย่างอื่น"]
