"""Opening hours in Thai: "open now?" and a one-line weekly summary.

Pure functions, no database: the caller passes the office's hours and the
public holidays (``repositories.holidays.holidays_between``). Times are
compared in Asia/Bangkok whatever the server's zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
WEEKDAYS_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
NO_HOURS_TEXT = "ไม่มีข้อมูลเวลาทำการ"
# How far ahead to look for the next opening: longer than any run of holidays.
LOOKAHEAD_DAYS = 31
# A break that starts in this window is the lunch break (พักเที่ยง).
_LUNCH_STARTS = (time(11, 0), time(14, 0))


class HoursRange(Protocol):
    """One opening range (``OpeningHours`` rows satisfy it)."""

    weekday: int  # 0 = Monday … 6 = Sunday
    opens: time
    closes: time


Ranges = list[tuple[time, time]]


@dataclass(frozen=True)
class OpenStatus:
    """Whether an office is open at a moment, and a Thai sentence saying so.

    Attributes:
        is_open: None when the office's hours are not known.
        closes_at: when the current opening range ends (only when open).
        opens_next: the next opening (only when closed and one is found).
        holiday_name: the public holiday that closes the office today.
        text: e.g. "เปิดอยู่ ปิด 16:30 น.".
    """

    is_open: bool | None
    closes_at: datetime | None
    opens_next: datetime | None
    holiday_name: str | None
    text: str


def _by_weekday(hours: Iterable[HoursRange]) -> dict[int, Ranges]:
    """Sorted ranges per weekday, touching or overlapping ranges merged."""
    days: dict[int, Ranges] = {}
    for h in sorted(hours, key=lambda h: (h.weekday, h.opens)):
        ranges = days.setdefault(h.weekday, [])
        if ranges and h.opens <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], h.closes))
        else:
            ranges.append((h.opens, h.closes))
    return days


def _hm(t: time) -> str:
    return t.strftime("%H:%M")


def _break_name(starts: time) -> str:
    return "พักเที่ยง" if _LUNCH_STARTS[0] <= starts < _LUNCH_STARTS[1] else "พัก"


def _day_phrase(day: date, today: date) -> str:
    """'วันพฤหัสบดี', with the date when a bare weekday could mean two days."""
    phrase = f"วัน{WEEKDAYS_TH[day.weekday()]}"
    if (day - today).days >= 7:
        phrase += f"ที่ {day.day} {MONTHS_TH[day.month - 1]}"
    return phrase


def open_status(
    hours: Iterable[HoursRange],
    closed_on_public_holidays: bool,
    now: datetime,
    holidays: Mapping[date, str],
    *,
    tz: tzinfo = BANGKOK,
) -> OpenStatus:
    """Is the office open at ``now`` (an aware datetime), and when does that change?

    ``holidays`` should cover ``now`` and the weeks after it, so the next
    opening skips them too.

    Raises:
        ValueError: ``now`` is naive (its moment would be a guess).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    days = _by_weekday(hours)
    if not days:
        return OpenStatus(None, None, None, None, NO_HOURS_TEXT)
    local = now.astimezone(tz)
    today, clock = local.date(), local.time().replace(tzinfo=None)

    def ranges_on(day: date) -> Ranges:
        if closed_on_public_holidays and day in holidays:
            return []
        return days.get(day.weekday(), [])

    holiday_name = holidays.get(today) if closed_on_public_holidays else None
    today_ranges = ranges_on(today)
    for i, (opens, closes) in enumerate(today_ranges):
        if opens <= clock < closes:
            closes_at = datetime.combine(today, closes, tz)
            pause = ""
            if i + 1 < len(today_ranges):
                back = today_ranges[i + 1][0]
                pause = f"{_break_name(closes)} {_hm(closes)}–{_hm(back)} น. "
            text = f"เปิดอยู่ {pause}ปิด {_hm(today_ranges[-1][1])} น."
            return OpenStatus(True, closes_at, None, None, text)

    opens_next = _next_opening(today, clock, ranges_on, tz)
    if holiday_name is not None:
        state = f"ปิดวันนี้ (วันหยุดราชการ: {holiday_name})"
    elif not today_ranges:
        state = "ปิดวันนี้"
    elif clock < today_ranges[0][0]:
        state = "ปิดอยู่"
    elif clock >= today_ranges[-1][1]:
        state = "ปิดแล้ว"
    else:
        break_start = max(c for _, c in today_ranges if c <= clock)
        state = f"ปิดอยู่ ({_break_name(break_start)})"
    if opens_next is None:
        when = "ยังไม่มีข้อมูลวันเปิดทำการถัดไป"
    elif opens_next.date() == today:
        again = "อีกครั้ง" if clock >= today_ranges[0][0] else "วันนี้"
        when = f"เปิด{again} {_hm(opens_next.time())} น."
    else:
        when = f"เปิด{_day_phrase(opens_next.date(), today)} {_hm(opens_next.time())} น."
    return OpenStatus(False, None, opens_next, holiday_name, f"{state} {when}")


def _next_opening(
    today: date, clock: time, ranges_on: Callable[[date], Ranges], tz: tzinfo
) -> datetime | None:
    for offset in range(LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        for opens, _ in ranges_on(day):
            if offset > 0 or opens > clock:
                return datetime.combine(day, opens, tz)
    return None


def format_hours(hours: Iterable[HoursRange], closed_on_public_holidays: bool) -> str:
    """The week in one line: "จันทร์–ศุกร์ 08:30–12:00, 13:00–16:30 น. ปิดวันหยุดราชการ"."""
    days = _by_weekday(hours)
    if not days:
        return NO_HOURS_TEXT
    groups: list[tuple[int, int, Ranges]] = []  # first day, last day, ranges
    for weekday in range(7):
        ranges = days.get(weekday)
        if not ranges:
            continue
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], weekday, ranges)
        else:
            groups.append((weekday, weekday, ranges))
    parts = []
    for first, last, ranges in groups:
        names = WEEKDAYS_TH[first] if first == last else f"{WEEKDAYS_TH[first]}–{WEEKDAYS_TH[last]}"
        times = ", ".join(f"{_hm(o)}–{_hm(c)}" for o, c in ranges)
        parts.append(f"{names} {times} น.")
    text = "; ".join(parts)
    if closed_on_public_holidays:
        text += " ปิดวันหยุดราชการ"
    return text
