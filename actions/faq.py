"""Answers to frequently asked questions, with a province's own answer where it has one."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import KnowledgeAction
from actions.kb import KnowledgeBase
from actions.message_text import asks_contact, message_cue, normalised
from actions.offices import send_general_answer
from actions.places import Place, entity_values, latest_entity, latest_place
from actions.services import (
    SURE_ASPECT_CONFIDENCE,
    answer_service,
    answered_service,
    intent_confidence,
)
from actions.thai import source_line
from app.errors import NotFoundError

RETRIEVAL_INTENT = "faq"
_KEY_PREFIX = f"{RETRIEVAL_INTENT}/"


def _faq_key(message: dict[str, Any]) -> str | None:
    selected = (message.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    key = (selected.get("response") or {}).get("intent_response_key") or ""
    return key.removeprefix(_KEY_PREFIX) or None


def province_of(place: Place | None) -> str | None:
    """The province of a named place (a district code starts with its province's)."""
    if place is None or place.code is None:
        return None
    return place.code[:2]


def faq_key(tracker: Tracker) -> str | None:
    """The FAQ the response selector picked for the latest message.

    A "did you mean" button sends the bare payload ``/faq``, which carries no
    selection: then the selection made for the message before it counts.
    """
    key = _faq_key(tracker.latest_message)
    if key is not None:
        return key
    users = [e.get("parse_data") or {} for e in tracker.events if e.get("event") == "user"]
    return _faq_key(users[-2]) if len(users) >= 2 else None


async def quotes_its_hotline(kb: KnowledgeBase, code: str, text: str) -> bool:
    """Whether ``text`` holds the hotline number of service ``code`` (Thai digits too)."""
    try:
        hotline = (await kb.service(code)).effective_hotline
    except NotFoundError:
        return False
    return bool(hotline) and re.search(rf"(?<!\d){re.escape(hotline)}(?!\d)",
                                       normalised(text)) is not None


class ActionAnswerFaq(KnowledgeAction):
    """The answer to the selected FAQ (province override first), its source, then feedback."""

    def name(self) -> str:
        return "action_answer_faq"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        office_type = latest_entity(tracker, "office_type")
        text = tracker.latest_message.get("text") or ""
        if office_type and asks_contact(text) and latest_place(tracker) is None:
            # "สำนักงานเขตมีเบอร์กลางไหม": the type's national hotline, not an FAQ about it.
            if await send_general_answer(self.kb, dispatcher, office_type):
                return [SlotSet("last_topic", f"office:{office_type}")]
        named = entity_values(tracker.latest_message, "service")
        if named and await quotes_its_hotline(self.kb, named[0], text):
            # "โทร ๑๕๖๗ ได้ตลอดไหม เป็นเบอร์ของที่ไหน": whose number it is, not
            # an FAQ about calling (the emergency numbers).
            return await answer_service(self.kb, dispatcher, tracker, [named[0]], "overview",
                                        self.now())
        service = named[0] if named else answered_service(tracker)
        cue = message_cue(tracker.latest_message)
        if service and cue and intent_confidence(tracker) < SURE_ASPECT_CONFIDENCE:
            # Unsure, about a service named now or before, with words that ask
            # one of its aspects ("วันโอนต้องถือเอกสารอะไรไป", "แจ้งย้ายออก ต้องให้
            # เจ้าบ้านไปด้วยไหม"): the service answers, not an FAQ on a word of it.
            return await answer_service(self.kb, dispatcher, tracker, [service], cue, self.now())
        key = faq_key(tracker)
        if key is None:
            dispatcher.utter_message(response="utter_default")
            return []
        try:
            faq = await self.kb.faq(key, province_of(latest_place(tracker)))
        except NotFoundError:
            dispatcher.utter_message(response="utter_default")
            return []
        lines = [faq.answer.strip()]
        if faq.source_agency:
            lines.append(source_line(faq.source_agency, faq.checked_on))
        dispatcher.utter_message(text="\n".join(lines))
        dispatcher.utter_message(response="utter_ask_feedback")
        events: list[EventType] = [SlotSet("last_topic", f"faq:{key}")]
        return events
