"""The greeting, as an action: in English, a greeting is answered in English."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import KnowledgeAction


class ActionGreet(KnowledgeAction):
    """``utter_greet``; ``KnowledgeAction`` answers an English greeting ("Hello, do you
    speak English?") in English instead: the assistant works in Thai (issue 12 §7)."""

    def name(self) -> str:
        return "action_greet"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_greet")
        return []
