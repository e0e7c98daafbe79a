"""Opening hours as data: the week's ranges, and where a moment falls in them.

Pure functions, no database and no wording: the caller passes the office's
hours and the public holidays (``repositories.holidays.holidays_between``), and
the actions say it in Thai (actions/office_hours.py). Times are compared in
Asia/Bangkok whatever the server's zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
# How far ahead to look for the next opening: longer than any run of holidays.
LOOKAHEAD_DAYS = 31


class HoursRange(Protocol):
    """One opening range (``OpeningHours`` rows satisfy it)."""

    weekday: int  # 0 = Monday … 6 = Sunday
    opens: time
    closes: time


Ranges = list[tuple[time, time]]
# Where a moment falls: no hours known; open; a public holiday; a temporary
# closure; a day without hours; before the first range; between two ranges;
# after the last one.
StateKind = Literal[
    "unknown", "open", "holiday", "temporarily_closed", "closed_today", "before_opening",
    "on_break", "after_closing",
]


@dataclass(frozen=True)
class Closure:
    """A temporary closure (no ``ranges``) or special hours, for days ``starts_on``–``ends_on``.

    It replaces the office's week, and public holidays, on those days: special
    hours may open an office on a day it is usually closed.
    """

    starts_on: date
    ends_on: date
    ranges: Ranges
    reason: str
    go_to_office: str | None = None

    @classmethod
    def from_data(cls, row: Mapping[str, Any]) -> Closure:
        """One row of ``Office.closures``.

        Raises:
            ValueError: a date or time is missing or malformed, or the dates are reversed.
        """
        starts, ends = date.fromisoformat(row["starts_on"]), date.fromisoformat(row["ends_on"])
        if ends < starts:
            raise ValueError("ends_on is before starts_on")
        ranges = sorted((time.fromisoformat(o), time.fromisoformat(c))
                        for o, c in row.get("hours") or [])
        if any(o >= c for o, c in ranges):
            raise ValueError("a range closes before it opens")
        return cls(starts, ends, ranges, str(row.get("reason") or "").strip(),
                   row.get("go_to_office") or None)


def closures_from_data(rows: Iterable[Mapping[str, Any]] | None) -> list[Closure]:
    """The office's closures; raises ``ValueError`` on a malformed row (validated at publish)."""
    return [Closure.from_data(row) for row in rows or ()]


def closure_on(closures: Sequence[Closure], day: date) -> Closure | None:
    """The closure that covers ``day``; of overlapping ones, the one that started last."""
    covering = [c for c in closures if c.starts_on <= day <= c.ends_on]
    return max(covering, key=lambda c: c.starts_on) if covering else None


@dataclass(frozen=True)
class OpenState:
    """Whether an office is open at a moment, and when that changes.

    Attributes:
        kind: where the moment falls in the office's week (``StateKind``).
        today: the local date of the moment.
        today_ranges: that day's merged ranges (none on a holiday it closes for).
        current: the index in ``today_ranges`` of the range open now (only when open).
        closes_at: when the current range ends (only when open).
        opens_next: the next opening (only when closed and one is found).
        holiday_name: the public holiday that closes the office today.
        break_started: when the break under way began (only on a break).
        closure: the temporary closure or special hours of today, if any.
    """

    kind: StateKind
    today: date
    today_ranges: Ranges
    current: int | None = None
    closes_at: datetime | None = None
    opens_next: datetime | None = None
    holiday_name: str | None = None
    break_started: time | None = None
    closure: Closure | None = None

    @property
    def is_open(self) -> bool | None:
        """None when the office's hours are not known."""
        return None if self.kind == "unknown" else self.kind == "open"


def weekly_ranges(hours: Iterable[HoursRange]) -> dict[int, Ranges]:
    """Sorted ranges per weekday, touching or overlapping ranges merged."""
    days: dict[int, Ranges] = {}
    for h in sorted(hours, key=lambda h: (h.weekday, h.opens)):
        ranges = days.setdefault(h.weekday, [])
        if ranges and h.opens <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], h.closes))
        else:
            ranges.append((h.opens, h.closes))
    return days


def week_groups(hours: Iterable[HoursRange]) -> list[tuple[int, int, Ranges]]:
    """Runs of consecutive weekdays with the same ranges: (first day, last day, ranges)."""
    days = weekly_ranges(hours)
    groups: list[tuple[int, int, Ranges]] = []
    for weekday in range(7):
        ranges = days.get(weekday)
        if not ranges:
            continue
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], weekday, ranges)
        else:
            groups.append((weekday, weekday, ranges))
    return groups


def open_state(
    hours: Iterable[HoursRange],
    closed_on_public_holidays: bool,
    now: datetime,
    holidays: Mapping[date, str],
    *,
    closures: Sequence[Closure] = (),
    tz: tzinfo = BANGKOK,
) -> OpenState:
    """Is the office open at ``now`` (an aware datetime), and when does that change?

    ``holidays`` should cover ``now`` and the weeks after it, so the next
    opening skips them too; ``closures`` replace the week on their days.

    Raises:
        ValueError: ``now`` is naive (its moment would be a guess).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(tz)
    today, clock = local.date(), local.time().replace(tzinfo=None)
    days = weekly_ranges(hours)
    closure = closure_on(closures, today)
    if not days and closure is None:
        return OpenState("unknown", today, [])

    def ranges_on(day: date) -> Ranges:
        special = closure_on(closures, day)
        if special is not None:
            return special.ranges
        if closed_on_public_holidays and day in holidays:
            return []
        return days.get(day.weekday(), [])

    holiday_name = holidays.get(today) if closed_on_public_holidays and closure is None else None
    today_ranges = ranges_on(today)
    for i, (opens, closes) in enumerate(today_ranges):
        if opens <= clock < closes:
            closes_at = datetime.combine(today, closes, tz)
            return OpenState("open", today, today_ranges, current=i, closes_at=closes_at,
                             closure=closure)

    kind: StateKind
    break_started = None
    if closure is not None and not closure.ranges:
        kind = "temporarily_closed"
    elif holiday_name is not None:
        kind = "holiday"
    elif not today_ranges:
        kind = "closed_today"
    elif clock < today_ranges[0][0]:
        kind = "before_opening"
    elif clock >= today_ranges[-1][1]:
        kind = "after_closing"
    else:
        kind = "on_break"
        break_started = max(c for _, c in today_ranges if c <= clock)
    opens_next = _next_opening(today, clock, ranges_on, tz)
    return OpenState(kind, today, today_ranges, opens_next=opens_next,
                     holiday_name=holiday_name, break_started=break_started, closure=closure)


def _next_opening(
    today: date, clock: time, ranges_on: Callable[[date], Ranges], tz: tzinfo
) -> datetime | None:
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        for opens, _ in ranges_on(day):
            if offset > 0 or opens > clock:
                return datetime.combine(day, opens, tz)
    return None


@dataclass(frozen=True)
class DayState:
    """An office's hours on one whole day (a question about a date, not a moment).

    Attributes:
        ranges: the day's merged ranges; empty when it is closed.
        holiday_name: the public holiday that closes it that day.
        closure: the temporary closure or special hours of that day, if any.
        known: False when the office's hours are not known at all.
    """

    ranges: Ranges
    holiday_name: str | None = None
    closure: Closure | None = None
    known: bool = True


def day_state(
    hours: Iterable[HoursRange],
    closed_on_public_holidays: bool,
    day: date,
    holidays: Mapping[date, str],
    *,
    closures: Sequence[Closure] = (),
) -> DayState:
    """The office's hours on ``day``: a closure first, then a public holiday, then its week."""
    days = weekly_ranges(hours)
    closure = closure_on(closures, day)
    if closure is not None:
        return DayState(closure.ranges, closure=closure)
    if not days:
        return DayState([], known=False)
    if closed_on_public_holidays and day in holidays:
        return DayState([], holiday_name=holidays[day])
    return DayState(days.get(day.weekday(), []))
