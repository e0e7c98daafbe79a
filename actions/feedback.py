"""The citizen's "was this helpful?" answer, stored under a pseudonym."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import KnowledgeAction

_HELPFUL = {"yes": True, "no": False}
TOPIC_MAX_CHARS = 100  # the width of feedback.topic


# Typed reactions carry no ``helpful`` entity (data/nlu/feedback.yml): read the
# wording. Negative markers are checked first, since "ไม่มีประโยชน์" contains "ประโยชน์".
_NEGATIVE_MARKERS = ("👎", "ไม่", "ผิด", "งง", "มั่ว", "เก่า", "ยาวไป", "แย่")
_POSITIVE_MARKERS = ("👍", "ประโยชน์", "ดี", "ชัดเจน", "ได้คำตอบ", "ช่วยได้", "ห้าดาว", "ละเอียด")


# "ใช่ค่ะ" / "ไม่ค่ะ" right after an answer reply to its "was this helpful?".
_HELPFUL_INTENTS = {"affirm": True, "deny": False}


def helpful_answer(tracker: Tracker) -> bool | None:
    """True/False from the ``helpful`` entity, a yes/no, else the wording; None if unclear."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == "helpful" and entity.get("value") in _HELPFUL:
            return _HELPFUL[entity["value"]]
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent in _HELPFUL_INTENTS:
        return _HELPFUL_INTENTS[intent]
    text = tracker.latest_message.get("text") or ""
    if any(marker in text for marker in _NEGATIVE_MARKERS):
        return False
    if any(marker in text for marker in _POSITIVE_MARKERS):
        return True
    return None


class ActionRecordFeedback(KnowledgeAction):
    """Record helpful yes/no for ``last_topic``; the sender ID only as an HMAC pseudonym."""

    def name(self) -> str:
        return "action_record_feedback"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        helpful = helpful_answer(tracker)
        if helpful is None:
            dispatcher.utter_message(response="utter_ask_feedback")
            return []
        topic = tracker.get_slot("last_topic")
        await self.kb.record_feedback(
            conversation_id=tracker.sender_id,
            helpful=helpful,
            topic=topic[:TOPIC_MAX_CHARS] if isinstance(topic, str) else None,
            channel=tracker.get_latest_input_channel(),
        )
        dispatcher.utter_message(
            response="utter_feedback_positive" if helpful else "utter_feedback_negative"
        )
        return []
