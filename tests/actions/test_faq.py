"""action_answer_faq: the selected FAQ, a province's own answer first, with its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa_sdk.events import SlotSet

from actions.faq import ActionAnswerFaq
from actions.kb import KnowledgeBase
from tests.actions.support import FEEDBACK, load_tracker, sent


async def test_national_answer_with_its_source(kb: KnowledgeBase, dispatcher, domain) -> None:
    events = await ActionAnswerFaq(kb).run(
        dispatcher, load_tracker("faq_complaint_national"), domain
    )

    assert dispatcher.messages == [
        sent(
            "ร้องเรียนได้ที่ศูนย์ดำรงธรรมทุกจังหวัด หรือโทรสายด่วน 1567 ตลอด 24 ชั่วโมงค่ะ\n"
            "ที่มา: สำนักงานปลัดกระทรวงมหาดไทย (ตรวจสอบ 24 พฤศจิกายน 2569)"
        ),
        sent(response=FEEDBACK),
    ]
    assert events == [SlotSet("last_topic", "faq:complaint_channels")]


@pytest.mark.parametrize("scenario", ["faq_complaint_chiang_mai", "faq_complaint_after_district"])
async def test_the_province_talked_about_selects_the_provincial_answer(
    kb: KnowledgeBase, dispatcher, domain, scenario: str
) -> None:
    events = await ActionAnswerFaq(kb).run(dispatcher, load_tracker(scenario), domain)

    assert dispatcher.messages == [
        sent(
            "ชาวเชียงใหม่ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ ศาลากลางจังหวัดเชียงใหม่ "
            "หรือโทร 1567 ค่ะ\n"
            "ที่มา: ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (ตรวจสอบ 23 พฤศจิกายน 2569)"
        ),
        sent(response=FEEDBACK),
    ]
    assert events == [SlotSet("last_topic", "faq:complaint_channels")]
