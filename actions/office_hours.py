"""Opening hours in Thai: the week on one line, and "open now?" as a sentence.

The facts come from ``app.kb.hours`` (pure data and logic); the wording is
the offices domain's, so it lives here with the actions that send it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from actions.thai import MONTHS, thai_date
from app.kb.hours import (
    BANGKOK,
    Closure,
    DayState,
    HoursRange,
    OpenState,
    open_state,
    week_groups,
)

WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
NO_HOURS_TEXT = "ไม่มีข้อมูลเวลาทำการ"
CLOSED_ON_HOLIDAYS_TEXT = "ปิดวันหยุดราชการ"
# A break that starts in this window is the lunch break (พักเที่ยง).
_LUNCH_STARTS = (time(11, 0), time(14, 0))
_CLOSED_STATES = {
    "closed_today": "ปิดวันนี้",
    "before_opening": "ปิดอยู่",
    "after_closing": "ปิดแล้ว",
}


@dataclass(frozen=True)
class OfficeStatus:
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


def _hm(t: time) -> str:
    return t.strftime("%H:%M")


def _break_name(starts: time) -> str:
    return "พักเที่ยง" if _LUNCH_STARTS[0] <= starts < _LUNCH_STARTS[1] else "พัก"


def _day_phrase(day: date, today: date) -> str:
    """'วันพฤหัสบดี', with the date when a bare weekday could mean two days."""
    phrase = f"วัน{WEEKDAYS[day.weekday()]}"
    if (day - today).days >= 7:
        phrase += f"ที่ {day.day} {MONTHS[day.month - 1]}"
    return phrase


def _thai_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year + 543}"


def closure_text(closure: Closure, go_to_name: str | None) -> str:
    """Why the office's hours differ today, and where to go instead."""
    if closure.ranges:
        text = f"วันนี้เปิดเวลาพิเศษถึงวันที่ {_thai_date(closure.ends_on)}"
    else:
        text = f"ปิดทำการชั่วคราวถึงวันที่ {_thai_date(closure.ends_on)}"
    if closure.reason:
        text += f" ({closure.reason})"
    if go_to_name:
        text += f" โปรดติดต่อ{go_to_name}แทน"
    return text


def status_text(state: OpenState, go_to_name: str | None = None) -> str:
    """The state as one Thai sentence: what now, and when that changes.

    ``go_to_name`` names the office a temporary closure sends citizens to.
    """
    if state.kind == "unknown":
        return NO_HOURS_TEXT
    if state.closure is None:
        return _status_text(state)
    # Today's closure or special hours first: it is what the citizen must know.
    return f"{closure_text(state.closure, go_to_name)} {_status_text(state)}"


def _status_text(state: OpenState) -> str:
    ranges = state.today_ranges
    if state.kind == "open":
        assert state.current is not None
        pause = ""
        if state.current + 1 < len(ranges):
            closes, back = ranges[state.current][1], ranges[state.current + 1][0]
            pause = f"{_break_name(closes)} {_hm(closes)}–{_hm(back)} น. "
        return f"เปิดอยู่ {pause}ปิด {_hm(ranges[-1][1])} น."
    if state.kind == "temporarily_closed":
        now = ""
    elif state.kind == "holiday":
        now = f"ปิดวันนี้ (วันหยุดราชการ: {state.holiday_name})"
    elif state.kind == "on_break":
        assert state.break_started is not None
        now = f"ปิดอยู่ ({_break_name(state.break_started)})"
    else:
        now = _CLOSED_STATES[state.kind]
    opens = state.opens_next
    if opens is None:
        when = "ยังไม่มีข้อมูลวันเปิดทำการถัดไป"
    elif opens.date() == state.today:
        again = "อีกครั้ง" if state.kind == "on_break" else "วันนี้"
        when = f"เปิด{again} {_hm(opens.time())} น."
    else:
        when = f"เปิด{_day_phrase(opens.date(), state.today)} {_hm(opens.time())} น."
    return f"{now} {when}".strip()


def open_status(
    hours: Iterable[HoursRange],
    closed_on_public_holidays: bool,
    now: datetime,
    holidays: Mapping[date, str],
    closures: Sequence[Closure] = (),
    go_to_name: str | None = None,
) -> OfficeStatus:
    """Is the office open at ``now`` (aware; compared in Bangkok), said in Thai.

    Raises:
        ValueError: ``now`` is naive.
    """
    state = open_state(hours, closed_on_public_holidays, now, holidays, closures=closures,
                       tz=BANGKOK)
    return OfficeStatus(state.is_open, state.closes_at, state.opens_next, state.holiday_name,
                        status_text(state, go_to_name))


def format_hours(hours: Iterable[HoursRange], closed_on_public_holidays: bool) -> str:
    """The week in one line: "จันทร์–ศุกร์ 08:30–12:00, 13:00–16:30 น. ปิดวันหยุดราชการ"."""
    groups = week_groups(hours)
    if not groups:
        return NO_HOURS_TEXT
    parts = []
    for first, last, ranges in groups:
        names = WEEKDAYS[first] if first == last else f"{WEEKDAYS[first]}–{WEEKDAYS[last]}"
        times = ", ".join(f"{_hm(o)}–{_hm(c)}" for o, c in ranges)
        parts.append(f"{names} {times} น.")
    text = "; ".join(parts)
    if closed_on_public_holidays:
        text += f" {CLOSED_ON_HOLIDAYS_TEXT}"
    return text


def day_phrase(day: date) -> str:
    """``วันพฤหัสบดีที่ 10 ธันวาคม 2569``: a date the citizen asked about, in full."""
    return f"วัน{WEEKDAYS[day.weekday()]}ที่ {thai_date(day)}"


def day_status_text(state: DayState) -> str:
    """Open or closed on a whole day, and why: "ปิด (วันหยุดราชการ: วันรัฐธรรมนูญ)"."""
    if not state.known:
        return NO_HOURS_TEXT
    times = ", ".join(f"{_hm(o)}–{_hm(c)}" for o, c in state.ranges)
    reason = f" ({state.closure.reason})" if state.closure and state.closure.reason else ""
    if state.closure is not None:
        return f"เปิดเวลาพิเศษ {times} น.{reason}" if state.ranges else f"ปิดทำการชั่วคราว{reason}"
    if state.holiday_name:
        return f"ปิด (วันหยุดราชการ: {state.holiday_name})"
    return f"เปิด {times} น." if state.ranges else "ปิด (ไม่ใช่วันทำการ)"
