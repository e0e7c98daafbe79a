"""The holiday calendar (data/kb/holidays.yml) covers today and the next 60 days.

The assistant tells a citizen whether an office is open from this calendar, so
a gap means "open" on a day the office is closed. This test uses the real
date in Asia/Bangkok on purpose: it starts failing when the calendar runs
out, which is the signal for officers to add the next year's holidays
(substitution days, lunar holidays, special days) from the cabinet's
announcement.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.kb.seed.sources import read_holidays
from common.paths import KB_DATA

WINDOW_DAYS = 60
BANGKOK = ZoneInfo("Asia/Bangkok")

# วันหยุดราชการประจำปีที่ตรงวันที่เดิมทุกปี (มติคณะรัฐมนตรี): (month, day).
FIXED_HOLIDAYS = {
    (1, 1): "วันขึ้นปีใหม่",
    (4, 6): "วันจักรี",
    (4, 13): "วันสงกรานต์",
    (4, 14): "วันสงกรานต์",
    (4, 15): "วันสงกรานต์",
    (5, 4): "วันฉัตรมงคล",
    (6, 3): "วันเฉลิมพระชนมพรรษาสมเด็จพระราชินี",
    (7, 28): "วันเฉลิมพระชนมพรรษาพระเจ้าอยู่หัว",
    (8, 12): "วันแม่แห่งชาติ",
    (10, 13): "วันนวมินทรมหาราช",
    (10, 23): "วันปิยมหาราช",
    (12, 5): "วันพ่อแห่งชาติ",
    (12, 10): "วันรัฐธรรมนูญ",
    (12, 31): "วันสิ้นปี",
}
# A substitution day is the next working day (มติ ครม. 1 พ.ค. 2544, 3 ก.พ. 2547);
# the cabinet has sometimes moved one a few days later, so allow a short span.
SUBSTITUTION_SPAN = timedelta(days=10)
SUBSTITUTION_WORD = "ชดเชย"


def _today_in_bangkok() -> date:
    return datetime.now(BANGKOK).date()


def coverage_problems(holidays: Mapping[date, str], today: date) -> list[str]:
    """What the calendar lacks for ``today`` .. ``today + WINDOW_DAYS``."""
    end = today + timedelta(days=WINDOW_DAYS)
    problems = []
    if not holidays or max(holidays) < end:
        last = max(holidays) if holidays else None
        problems.append(f"the calendar ends {last}, before {end}: add the next year's holidays")
    # Every fixed-date holiday of every month in the window.
    day = today
    while day <= end:
        name = FIXED_HOLIDAYS.get((day.month, day.day))
        if name is not None and day not in holidays:
            problems.append(f"{day} ({name}) is missing")
        day += timedelta(days=1)
    # A substitution day after every fixed holiday on a weekend whose
    # substitution would fall in the window (so start a week before today).
    day = today - timedelta(days=7)
    while day <= end:
        name = FIXED_HOLIDAYS.get((day.month, day.day))
        if name is not None and day.weekday() >= 5:
            substitutes = [
                d
                for d, n in holidays.items()
                if day < d <= day + SUBSTITUTION_SPAN and SUBSTITUTION_WORD in n
            ]
            if not substitutes and day + timedelta(days=1) <= end:
                problems.append(f"{day} ({name}) falls on a weekend: no substitution day")
        day += timedelta(days=1)
    return problems


@pytest.fixture(scope="module")
def calendar() -> dict[date, str]:
    return {h["date"]: h["name_th"] for h in read_holidays(KB_DATA / "holidays.yml")}


def test_calendar_covers_today_plus_60_days(calendar: dict[date, str]) -> None:
    """Uses the real date: fails when officers must add the next year's holidays."""
    assert coverage_problems(calendar, _today_in_bangkok()) == []


@pytest.mark.parametrize(
    "today",
    [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 365 + 365 - WINDOW_DAYS, 7)],
    ids=str,
)
def test_calendar_covers_every_window_of_both_years(
    calendar: dict[date, str], today: date
) -> None:
    assert coverage_problems(calendar, today) == []


def test_the_substitution_day_for_5_december_2026_is_a_holiday(
    calendar: dict[date, str],
) -> None:
    assert date(2026, 12, 5).weekday() == 5
    assert SUBSTITUTION_WORD in calendar[date(2026, 12, 7)]


def test_every_weekend_holiday_of_both_years_has_its_substitution(
    calendar: dict[date, str],
) -> None:
    # 2569-2570: the fixed holidays on a weekend (5 Dec 2026, 23 Oct and 5 Dec
    # 2027) and the lunar ones announced so far (31 May 2026, 21 Feb and
    # 18 Jul 2027) each have a substitution day on the next working day.
    expected = {
        date(2026, 6, 1),
        date(2026, 12, 7),
        date(2027, 2, 22),
        date(2027, 7, 20),
        date(2027, 10, 25),
        date(2027, 12, 6),
    }
    substitutions = {d for d, name in calendar.items() if SUBSTITUTION_WORD in name}
    assert substitutions == expected
    for day in expected:
        assert day.weekday() < 5, day


def test_the_check_catches_a_missing_substitution_day_and_a_short_calendar() -> None:
    fixed_only = {date(2026, 12, 5): "วันพ่อแห่งชาติ", date(2026, 12, 10): "วันรัฐธรรมนูญ"}
    problems = coverage_problems(fixed_only, date(2026, 12, 7))
    assert any("no substitution day" in p for p in problems)
    assert any("the calendar ends" in p for p in problems)
    assert any("(วันสิ้นปี) is missing" in p for p in problems)
