"""What the conversation says about place, service and office type.

Entities arrive as canonical values (service code, 2-digit province code,
4-digit district code, office type key, float coordinates). Anything else is
ignored, so a value the citizen typed can never reach a reply or a payload.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

_CODE = re.compile(r"[a-z][a-z0-9_]{0,99}")
_PATTERNS = {
    "service": _CODE,
    "office_type": _CODE,
    "province": re.compile(r"\d{2}"),
    "district": re.compile(r"\d{4}"),
    "vehicle_class": _CODE,
    "licence_type": _CODE,
}
COORDINATES = ("latitude", "longitude")
PLACE_ENTITIES = ("latitude", "longitude", "district", "province")
_RANGES = {"latitude": 90.0, "longitude": 180.0}


def canonical(entity: str, value: Any) -> Any | None:
    """``value`` if it is a well-formed canonical value of ``entity``, else None."""
    if entity in _RANGES:
        if isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if -_RANGES[entity] <= number <= _RANGES[entity] else None
    pattern = _PATTERNS.get(entity)
    if pattern is None or not isinstance(value, str) or not pattern.fullmatch(value):
        return None
    return value


def entity_values(message: dict[str, Any], entity: str) -> list[Any]:
    """Canonical values of ``entity`` in one parsed message, in order, without repeats."""
    values: list[Any] = []
    for item in message.get("entities") or []:
        if item.get("entity") != entity:
            continue
        value = canonical(entity, item.get("value"))
        if value is not None and value not in values:
            values.append(value)
    return values


def latest_entity(tracker: Tracker, entity: str) -> Any | None:
    values = entity_values(tracker.latest_message, entity)
    return values[0] if values else None


def message_entities(tracker: Tracker) -> dict[str, Any]:
    """Canonical entities of the latest message, one value each (for button payloads)."""
    found: dict[str, Any] = {}
    for entity in (*_PATTERNS, *COORDINATES):
        value = latest_entity(tracker, entity)
        if value is not None:
            found[entity] = value
    if not all(c in found for c in COORDINATES):
        for coordinate in COORDINATES:
            found.pop(coordinate, None)
    return found


@dataclass(frozen=True)
class Place:
    """Where the citizen is or asks about: a point, a district or a province."""

    kind: str  # "point" | "district" | "province"
    code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


def _place_in(values: dict[str, Any]) -> Place | None:
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if latitude is not None and longitude is not None:
        return Place("point", latitude=latitude, longitude=longitude)
    if values.get("district") is not None:
        return Place("district", code=values["district"])
    if values.get("province") is not None:
        return Place("province", code=values["province"])
    return None


def _user_messages(tracker: Tracker) -> Iterator[dict[str, Any]]:
    yield tracker.latest_message
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if not seen_latest:  # the latest user event is tracker.latest_message
            seen_latest = True
            continue
        yield event.get("parse_data") or {}


def latest_place(tracker: Tracker) -> Place | None:
    """The most recently mentioned place: newest message first, then the slots.

    A point (shared location), a district and a province in the same message
    rank in that order, the most precise first.
    """
    for message in _user_messages(tracker):
        found = {
            entity: values[0]
            for entity in PLACE_ENTITIES
            if (values := entity_values(message, entity))
        }
        place = _place_in(found)
        if place is not None:
            return place
    slots = {entity: canonical(entity, tracker.get_slot(entity)) for entity in PLACE_ENTITIES}
    return _place_in(slots)
