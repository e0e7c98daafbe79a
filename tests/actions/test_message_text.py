"""The citizen's own words beyond the intent: the day a ``date`` entity names."""

from __future__ import annotations

from datetime import date

import pytest

from actions.message_text import asked_day

MONDAY = date(2026, 12, 7)


def message(*entities: dict[str, object]) -> dict[str, object]:
    return {"text": "", "entities": list(entities)}


@pytest.mark.parametrize(("value", "day"), [
    ("2027-01-04", date(2027, 1, 4)),
    ("--12-10", date(2026, 12, 10)),   # later this year
    ("--12-07", date(2026, 12, 7)),    # today
    ("--01-02", date(2027, 1, 2)),     # passed: next year's
    ("--02-29", date(2028, 2, 29)),    # the next 29 February there is
])
def test_a_date_value_names_its_day(value: str, day: date) -> None:
    assert asked_day(message({"entity": "date", "value": value}), MONDAY) == day


def test_a_relative_day_is_the_date_resolved_when_it_was_said() -> None:
    tomorrow = {"entity": "date", "value": "today+1", "additional_info": {"date": "2026-12-08"}}
    assert asked_day(message(tomorrow), date(2026, 12, 9)) == date(2026, 12, 8)


@pytest.mark.parametrize("entity", [
    {"entity": "date", "value": "2027-03"},     # a month names no day
    {"entity": "date", "value": "--13-40"},     # malformed
    {"entity": "date", "value": "next-monday"},  # relative without its resolution
    {"entity": "duration", "value": "P2Y"},
])
def test_no_day_without_a_day(entity: dict[str, object]) -> None:
    assert asked_day(message(entity), MONDAY) is None
