"""The base of every action that answers from the knowledge base."""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.english import send_english_answer
from actions.kb import KnowledgeBase, process_knowledge_base
from actions.message_text import is_english
from app.errors import BotError
from app.settings import get_settings
from common.privacy import contains_personal_data

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# Its text is a machine-made payload of coordinates, which can look like a phone number.
_NO_PERSONAL_DATA_CHECK = {"share_location"}


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _user_sent_personal_data(tracker: Tracker) -> bool:
    if latest_intent(tracker) in _NO_PERSONAL_DATA_CHECK:
        return False
    return contains_personal_data(tracker.latest_message.get("text") or "")


class KnowledgeAction(Action, abc.ABC):
    """Wraps ``answer`` so that a citizen always gets a polite reply.

    * The answer is drafted on its own dispatcher and only sent when complete,
      so a failure halfway never leaves half an answer in the chat.
    * Any ``BotError`` (knowledge base down or slow, bad configuration) and any
      unexpected bug becomes ``utter_service_unavailable`` (apology + 1111);
      ``run`` never raises.
    * When the citizen typed an ID or phone number, ``utter_personal_data_notice``
      comes first. Replies are built from the knowledge base only: no text the
      citizen typed is ever echoed.

    Dependencies are passed in: ``kb`` is the knowledge base the action and its
    helpers read (helpers take it as a parameter, never from a global), and
    ``clock`` returns the current time (tests pass a fixed one). rasa-sdk
    instantiates actions with no arguments: those use the action server's one
    process-wide adapter and the wall clock in ``settings.timezone``. ``abc``
    keeps rasa-sdk from registering this base class.
    """

    def __init__(self, kb: KnowledgeBase | None = None, *, clock: Clock | None = None) -> None:
        self._kb = kb
        self._clock = clock

    @property
    def kb(self) -> KnowledgeBase:
        # Looked up per call, not kept: the process adapter is created on first use,
        # after rasa-sdk has instantiated every action at registration.
        return self._kb if self._kb is not None else process_knowledge_base()

    def now(self) -> datetime:
        if self._clock is not None:
            return self._clock()
        return datetime.now(ZoneInfo(get_settings().timezone))

    @abc.abstractmethod
    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Send the answer to ``dispatcher`` and return the events."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if _user_sent_personal_data(tracker):
            dispatcher.utter_message(response="utter_personal_data_notice")
        draft = CollectingDispatcher()
        text = tracker.latest_message.get("text") or ""
        try:
            if is_english(text):
                # Issue 12 §7: whatever intent English was read as, a Thai answer to it
                # would be a guess; say that the assistant works in Thai, and where to read.
                await send_english_answer(self.kb, draft, text)
                events: list[EventType] = []
            else:
                events = await self.answer(draft, tracker, domain)
        except BotError as exc:
            logger.warning("%s could not answer: %s", self.name(), exc.code)
            logger.debug("%s failure detail", self.name(), exc_info=True)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        except Exception:  # a bug must still not leave the citizen without a reply
            logger.exception("%s failed unexpectedly", self.name())
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        dispatcher.messages.extend(draft.messages)
        return events
