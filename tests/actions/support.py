"""Helpers of the action tests: scenario trackers, fixed clocks, expected messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker

FIXTURES = Path(__file__).parent / "fixtures"
BANGKOK = ZoneInfo("Asia/Bangkok")
PSEUDONYM_KEY = "test-pseudonym-key"
# A Tuesday, 10:00 in Bangkok: offices are open.
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=BANGKOK)
FEEDBACK = "utter_ask_feedback"


def load_tracker(name: str) -> Tracker:
    """The tracker of one scenario, ``fixtures/<name>.json``."""
    state = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return Tracker.from_dict(state)


def fixed_clock(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def sent(
    text: str | None = None,
    *,
    response: str | None = None,
    buttons: list[dict[str, str]] | None = None,
    card: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Exactly the message ``CollectingDispatcher`` records for one utterance."""
    return {
        "text": text,
        "buttons": buttons or [],
        "elements": [],
        "custom": {"card": card} if card is not None else {},
        "template": response,
        "response": response,
        "image": None,
        "attachment": None,
    }


def button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "payload": payload}
