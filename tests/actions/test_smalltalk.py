"""The greeting action: Thai as the domain says, English answered in English."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.kb import KnowledgeBase
from actions.smalltalk import ActionGreet


def greeting(text: str) -> Tracker:
    parse = {"text": text, "intent": {"name": "greet", "confidence": 0.97}, "entities": []}
    return Tracker("greeter", {}, parse, [{"event": "user", "text": text, "parse_data": parse}],
                   False, None, {}, "action_listen")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("สวัสดีค่ะ", ["utter_greet"]),
        ("หวัดดีครับ มีเรื่องจะถาม", ["utter_greet"]),
        # English: the assistant works in Thai, said in English (issue 12 §7).
        ("Hello, can I ask in English?", ["utter_english"]),
        ("hi there", ["utter_english"]),
    ],
)
async def test_a_greeting_is_answered_in_the_language_it_came_in(
    kb: KnowledgeBase, dispatcher: CollectingDispatcher, text: str, said: list[str]
) -> None:
    events = await ActionGreet(kb).run(dispatcher, greeting(text), {})
    assert [m.get("response") or m.get("text") for m in dispatcher.messages] == said
    assert events == []
