"""When unsure: "did you mean" buttons; a bare answer continues the pending question."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import NLU_FALLBACK_INTENT_NAME
from rasa_sdk.types import DomainDict

from actions.base import KnowledgeAction
from actions.faq import RETRIEVAL_INTENT, faq_key
from actions.kb import KnowledgeBase
from actions.message_text import is_follow_up, message_cue
from actions.offices import PENDING_OFFICE_HOURS, find_offices
from actions.places import (
    canonical,
    entity_values,
    latest_entity,
    latest_place,
    message_entities,
)
from actions.services import (
    ASPECT_BY_INTENT,
    ASPECTS,
    FOLLOW_UP_ASPECTS,
    answer_service,
    answered_aspect,
    ask_which_service,
    by_role,
    intent_payload,
    police_report_asked_of,
    services_named,
)
from app.errors import BotError, NotFoundError

# How each intent reads on a "did you mean" button (like Sara's intent_description_mapping).
INTENT_DESCRIPTIONS: dict[str, str] = {
    "greet": "ทักทาย",
    "goodbye": "จบการสนทนา",
    "thank": "ขอบคุณ",
    "affirm": "ใช่",
    "deny": "ไม่ใช่",
    "bot_challenge": "ถามว่ากำลังคุยกับระบบอัตโนมัติหรือไม่",
    "help": "ดูว่าผู้ช่วยช่วยอะไรได้บ้าง",
    "inform": "ระบุงานบริการหรือสถานที่",
    # The service questions read as their aspects do (actions/services.py).
    **{aspect.intent: aspect.button_text for aspect in ASPECTS.values()},
    "find_office": "หาสำนักงานใกล้คุณ",
    "ask_office_hours": "เวลาเปิด-ปิดของสำนักงาน",
    "faq": "คำถามที่พบบ่อย",
}
# Not offered: "อย่างอื่น" stands for out_of_scope, these need data a button lacks,
# and a bare "yes"/"no" button means nothing when the question was not understood.
_NOT_OFFERED = {NLU_FALLBACK_INTENT_NAME, "out_of_scope", "share_location", "feedback",
                "affirm", "deny"}
MAX_CANDIDATES = 3
ASK_AFFIRMATION_TEXT = "ขออภัยค่ะ ไม่แน่ใจว่าหมายถึงเรื่องใด ช่วยเลือกจากตัวเลือกด้านล่างได้ไหมคะ"
SOMETHING_ELSE = {"title": "อย่างอื่น", "payload": "/out_of_scope"}


async def _describe(
    kb: KnowledgeBase, intent: str, tracker: Tracker, entities: dict[str, Any]
) -> str:
    """The intent's description, naming the service or FAQ the message was about."""
    description = INTENT_DESCRIPTIONS[intent]
    if intent in ASPECT_BY_INTENT and "service" in entities:
        return f"{description}: {(await kb.service(entities['service'])).name_th}"
    if intent == RETRIEVAL_INTENT and (key := faq_key(tracker)) is not None:
        return f"{description}: {(await kb.faq(key, entities.get('province'))).title}"
    return description


FEEDBACK = "utter_ask_feedback"
OTHER_ASPECTS_TEXT = "หรือต้องการทราบเรื่องอื่นของงานนี้ เลือกได้เลยค่ะ"


async def _answer_named_service(
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    candidates: list[str],
    service: str,
    now: Any,
    aspect: str,
) -> list[EventType]:
    """A question whose service is known is clear enough: answer ``aspect`` of it.

    The other aspects the NLU hesitated between follow as buttons (before the
    "was this helpful?" prompt), so the citizen is never worse off than with
    the "did you mean" menu.
    """
    aspects = [aspect, *(ASPECT_BY_INTENT[i] for i in candidates
                         if i in ASPECT_BY_INTENT and ASPECT_BY_INTENT[i] != aspect)]
    draft = CollectingDispatcher()
    events = await answer_service(kb, draft, tracker, [service], aspects[0], now)
    messages = draft.messages
    feedback = messages.pop() if messages and messages[-1].get("response") == FEEDBACK else None
    others = [
        {
            "title": ASPECTS[key].button_text,
            "payload": intent_payload(ASPECTS[key].intent, {"service": service}),
        }
        for key in aspects[1:]
    ]
    dispatcher.messages.extend(messages)
    if others:
        dispatcher.utter_message(text=OTHER_ASPECTS_TEXT, buttons=others)
    if feedback is not None:
        dispatcher.messages.append(feedback)
    return events


def _service_and_aspect(
    tracker: Tracker, entities: dict[str, Any], candidates: list[str]
) -> tuple[str | None, str | None]:
    """The service and aspect an unsure message still makes clear, else (None, None).

    The aspect: what the words ask ("ผู้รับต้องอายุเท่าไหร่": who may apply),
    else, for a follow-up naming another service ("แล้วถ้าเป็นพาสปอร์ตล่ะ"),
    the aspect just answered, else the likeliest service intent. Without a
    service named, the one talked about before, but only for a question whose
    words name its aspect ("จ่ายล่วงหน้าได้กี่วัน").
    """
    text = tracker.latest_message.get("text") or ""
    cue = message_cue(tracker.latest_message, how_to_is_steps=True)
    service = entities.get("service")
    if service is None:
        slot_service = canonical("service", tracker.get_slot("service"))
        return (slot_service, cue) if slot_service and cue else (None, None)
    if cue is not None:
        return service, cue
    previous = answered_aspect(tracker)
    if previous is not None and previous != "overview" and is_follow_up(text):
        return service, previous
    if candidates and candidates[0] in ASPECT_BY_INTENT:
        return service, ASPECT_BY_INTENT[candidates[0]]
    return None, None


class ActionDefaultAskAffirmation(KnowledgeAction):
    """Buttons for the two or three likeliest intents, with the message's entities kept.

    When the message names a service and the likeliest intent asks about a
    service, the answer comes straight away instead (the buttons follow it).
    """

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        entities = message_entities(tracker)
        candidates = []
        for ranked in tracker.latest_message.get("intent_ranking") or []:
            intent = ranked.get("name")
            if intent in INTENT_DESCRIPTIONS and intent not in _NOT_OFFERED:
                if intent == "inform" and not entities:
                    continue
                candidates.append(intent)
            if len(candidates) == MAX_CANDIDATES:
                break
        message = tracker.latest_message
        codes = by_role(entity_values(message, "service"), message)
        try:
            # As answers choose: several services, a longer name than the NLU saw,
            # or a name it missed ("แล้วถ้าบัตรแค่หมดอายุ เสียเงินไหม"), which beats
            # the service talked about before.
            codes = await services_named(self.kb, message, misspelt=False)
        except BotError:  # a refinement only: the menu still helps without it
            pass
        if codes:
            entities = {**entities, "service": codes[0]}
        service, aspect = _service_and_aspect(tracker, entities, candidates)
        if (asked_of := police_report_asked_of(codes, tracker)) is not None:
            service, aspect = asked_of[0], "documents"
        if service is not None and aspect is not None:
            try:
                return await _answer_named_service(
                    self.kb, dispatcher, tracker, candidates, service, self.now(), aspect
                )
            except BotError:  # no answer to give: the menu still helps
                pass
        if not candidates:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        titles = [INTENT_DESCRIPTIONS[intent] for intent in candidates]
        try:
            titles = [await _describe(self.kb, intent, tracker, entities) for intent in candidates]
        except BotError:  # plainer buttons beat none, and one failed lookup is enough
            pass
        buttons = [
            {"title": title, "payload": intent_payload(intent, entities)}
            for intent, title in zip(candidates, titles, strict=True)
        ]
        dispatcher.utter_message(text=ASK_AFFIRMATION_TEXT, buttons=[*buttons, SOMETHING_ELSE])
        return []


async def _ask_what_about(
    kb: KnowledgeBase, dispatcher: CollectingDispatcher, service_code: str
) -> list[EventType]:
    try:
        service = await kb.service(service_code)
    except NotFoundError:
        return await ask_which_service(kb, dispatcher, "overview")
    buttons = [
        {
            "title": ASPECTS[key].title,
            "payload": intent_payload(ASPECTS[key].intent, {"service": service.code}),
        }
        for key in FOLLOW_UP_ASPECTS
    ]
    text = f"เรื่อง{service.name_th}นะคะ ต้องการทราบข้อมูลส่วนไหนคะ"
    dispatcher.utter_message(text=text, buttons=buttons)
    return [SlotSet("service", service.code)]


class ActionHandleInform(KnowledgeAction):
    """A bare answer ("พาสปอร์ต", "เชียงใหม่") continues the question that was pending."""

    def name(self) -> str:
        return "action_handle_inform"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        pending = tracker.get_slot("pending_aspect")
        service = latest_entity(tracker, "service")
        place_given = any(
            latest_entity(tracker, e) is not None
            for e in ("latitude", "district", "province", "office_type")
        )
        if service is not None:
            # "ต้องไปแจ้งความก่อนไหม" read as naming the police report: the lost
            # document's own record says whether a report is needed.
            if (asked_of := police_report_asked_of([service], tracker)) is not None:
                return await answer_service(
                    self.kb, dispatcher, tracker, asked_of, "documents", self.now()
                )
            if pending in ASPECTS:
                return await answer_service(
                    self.kb, dispatcher, tracker, [service], pending, self.now()
                )
            # "แล้วถ้าเป็นพาสปอร์ตล่ะ" right after an answer: the same aspect, of this service.
            previous = answered_aspect(tracker)
            if previous is not None and previous != "overview":
                return await answer_service(
                    self.kb, dispatcher, tracker, [service], previous, self.now()
                )
            return await _ask_what_about(self.kb, dispatcher, service)
        if place_given:
            slot_service = canonical("service", tracker.get_slot("service"))
            if pending == "where_to_apply" and slot_service and latest_place(tracker):
                return await answer_service(
                    self.kb, dispatcher, tracker, [slot_service], pending, self.now()
                )
            hours_first = pending == PENDING_OFFICE_HOURS
            return await find_offices(
                self.kb, dispatcher, tracker, self.now(), hours_first=hours_first
            )
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []
