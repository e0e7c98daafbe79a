"""The card contract between the actions and the channels, as data (standard library only).

``card.schema.json`` beside this module is the one definition of the cards the
actions send (``{"card": ...}`` in Rasa's ``custom`` payload) and the LINE and
web renderers draw. Both environments read it from here; the tests of the
producer (tests/actions) and of each renderer validate real cards against it
with ``jsonschema`` (installed in both environments, used by tests only, so
nothing on a turn pays for validation).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

CARD_SCHEMA_PATH = Path(__file__).with_name("card.schema.json")
CARD_TYPES = ("service", "offices")


@lru_cache(maxsize=1)
def card_schema() -> dict[str, Any]:
    """The parsed JSON Schema (draft 2020-12) of one card."""
    schema: dict[str, Any] = json.loads(CARD_SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def cards_in(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cards carried by bot messages (``message["custom"]["card"]``), in order."""
    found = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and "card" in custom:
            found.append(custom["card"])
    return found
