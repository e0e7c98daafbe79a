"""Open-now and weekly hours in Thai, at exact Bangkok moments.

The wording is actions/office_hours.py; the logic under it is app/kb/hours.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import pytest

from actions.office_hours import NO_HOURS_TEXT, format_hours, open_status
from app.kb.hours import BANGKOK, Closure, closures_from_data
from common.paths import ROOT


@dataclass
class Range:
    weekday: int
    opens: time
    closes: time


GOVERNMENT = [
    Range(day, opens, closes)
    for day in range(5)
    for opens, closes in ((time(8, 30), time(12, 0)), (time(13, 0), time(16, 30)))
]
# December 2025: Tue 9, Wed 10 (Constitution Day), Fri 5 (national day).
HOLIDAYS = {date(2025, 12, 5): "วันชาติ และวันพ่อแห่งชาติ", date(2025, 12, 10): "วันรัฐธรรมนูญ"}


def bkk(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 12, day, hour, minute, second, tzinfo=BANGKOK)


def status_at(now: datetime, *, closed_on_public_holidays: bool = True, hours=GOVERNMENT):
    return open_status(hours, closed_on_public_holidays, now, HOLIDAYS)


def test_format_hours_government_week() -> None:
    assert format_hours(GOVERNMENT, True) == "จันทร์–ศุกร์ 08:30–12:00, 13:00–16:30 น. ปิดวันหยุดราชการ"


def test_format_hours_groups_only_consecutive_days_with_the_same_ranges() -> None:
    hours = [
        Range(0, time(8, 30), time(16, 30)),
        Range(1, time(8, 30), time(16, 30)),
        Range(2, time(8, 30), time(16, 30)),
        Range(5, time(8, 30), time(12, 0)),
        # Touching ranges read as one.
        Range(6, time(9, 0), time(10, 0)),
        Range(6, time(10, 0), time(12, 0)),
    ]
    assert format_hours(hours, False) == (
        "จันทร์–พุธ 08:30–16:30 น.; เสาร์ 08:30–12:00 น.; อาทิตย์ 09:00–12:00 น."
    )


def test_format_hours_without_hours() -> None:
    assert format_hours([], True) == NO_HOURS_TEXT


def test_weekday_morning_is_open_until_lunch() -> None:
    status = status_at(bkk(9, 10))
    assert status.is_open is True
    assert status.closes_at == bkk(9, 12)
    assert status.opens_next is None
    assert status.text == "เปิดอยู่ พักเที่ยง 12:00–13:00 น. ปิด 16:30 น."


def test_opens_on_the_minute() -> None:
    assert status_at(bkk(9, 8, 29, 59)).text == "ปิดอยู่ เปิดวันนี้ 08:30 น."
    assert status_at(bkk(9, 8, 30)).is_open is True


def test_lunch_break() -> None:
    status = status_at(bkk(9, 12, 30))
    assert status.is_open is False
    assert status.opens_next == bkk(9, 13)
    assert status.text == "ปิดอยู่ (พักเที่ยง) เปิดอีกครั้ง 13:00 น."


def test_afternoon() -> None:
    status = status_at(bkk(9, 14))
    assert (status.is_open, status.closes_at) == (True, bkk(9, 16, 30))
    assert status.text == "เปิดอยู่ ปิด 16:30 น."


def test_after_close_skips_tomorrows_holiday() -> None:
    status = status_at(bkk(9, 16, 30))
    assert status.is_open is False
    assert status.opens_next == bkk(11, 8, 30)
    assert status.holiday_name is None
    assert status.text == "ปิดแล้ว เปิดวันพฤหัสบดี 08:30 น."


def test_public_holiday() -> None:
    status = status_at(bkk(10, 9))
    assert status.is_open is False
    assert status.holiday_name == "วันรัฐธรรมนูญ"
    assert status.opens_next == bkk(11, 8, 30)
    assert status.text == "ปิดวันนี้ (วันหยุดราชการ: วันรัฐธรรมนูญ) เปิดวันพฤหัสบดี 08:30 น."


def test_office_open_on_public_holidays_ignores_them() -> None:
    status = status_at(bkk(10, 9), closed_on_public_holidays=False)
    assert (status.is_open, status.holiday_name) == (True, None)


def test_weekend_after_a_friday_holiday() -> None:
    saturday = status_at(bkk(6, 9))
    assert saturday.text == "ปิดวันนี้ เปิดวันจันทร์ 08:30 น."
    assert saturday.opens_next == bkk(8, 8, 30)
    # Thursday evening: Friday is a holiday, so the next opening is Monday.
    assert status_at(bkk(4, 17)).text == "ปิดแล้ว เปิดวันจันทร์ 08:30 น."


def test_across_midnight_utc() -> None:
    # 23:59 UTC on Monday is 06:59 on Tuesday in Bangkok.
    early = status_at(datetime(2025, 12, 8, 23, 59, tzinfo=timezone.utc))
    assert early.text == "ปิดอยู่ เปิดวันนี้ 08:30 น."
    assert early.opens_next == bkk(9, 8, 30)
    # 17:30 UTC on Tuesday is already Wednesday, the holiday, in Bangkok.
    night = status_at(datetime(2025, 12, 9, 17, 30, tzinfo=timezone.utc))
    assert night.holiday_name == "วันรัฐธรรมนูญ"
    assert night.text == "ปิดวันนี้ (วันหยุดราชการ: วันรัฐธรรมนูญ) เปิดวันพฤหัสบดี 08:30 น."
    # 09:29 and 09:30 UTC straddle the 16:30 closing in Bangkok.
    assert status_at(datetime(2025, 12, 9, 9, 29, tzinfo=timezone.utc)).is_open is True
    assert status_at(datetime(2025, 12, 9, 9, 30, tzinfo=timezone.utc)).is_open is False


def test_next_opening_a_week_away_names_the_date() -> None:
    mondays_only = [Range(0, time(8, 30), time(12, 0))]
    status = status_at(bkk(8, 13), hours=mondays_only)
    assert status.opens_next == bkk(15, 8, 30)
    assert status.text == "ปิดแล้ว เปิดวันจันทร์ที่ 15 ธันวาคม 08:30 น."


def test_unknown_hours() -> None:
    status = status_at(bkk(9, 10), hours=[])
    assert (status.is_open, status.text) == (None, NO_HOURS_TEXT)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        status_at(datetime(2025, 12, 9, 10, 0))


def test_the_data_layer_leaves_the_wording_to_the_actions() -> None:
    # app/kb/hours.py is logic only: every Thai word about hours is said here, in actions/.
    source = (ROOT / "app" / "kb" / "hours.py").read_text(encoding="utf-8")
    assert [c for c in source if "\u0e00" <= c <= "\u0e7f"] == []


# --- Temporary closures and special hours (Office.closures) -------------------

FLOOD = Closure(date(2025, 12, 8), date(2025, 12, 12), [], "น้ำท่วมอาคาร",
                "district_office:5002")
SATURDAY_SERVICE = Closure(date(2025, 12, 13), date(2025, 12, 13),
                           [(time(9, 0), time(12, 0))], "ออกหน่วยบริการวันเสาร์")


def test_a_temporary_closure_names_its_end_reason_and_the_office_to_go_to() -> None:
    # Monday 8 December 2025, 10:00: an ordinary working hour, but flooded.
    status = open_status(GOVERNMENT, True, bkk(8, 10), HOLIDAYS, [FLOOD], "ที่ว่าการอำเภอสารภี")
    assert status.is_open is False
    assert status.text == ("ปิดทำการชั่วคราวถึงวันที่ 12 ธันวาคม 2568 (น้ำท่วมอาคาร) "
                           "โปรดติดต่อที่ว่าการอำเภอสารภีแทน เปิดวันจันทร์ที่ 15 ธันวาคม 08:30 น.")


def test_special_hours_open_an_office_on_a_saturday() -> None:
    status = open_status(GOVERNMENT, True, bkk(13, 10), HOLIDAYS, [SATURDAY_SERVICE])
    assert status.is_open is True
    assert status.text == ("วันนี้เปิดเวลาพิเศษถึงวันที่ 13 ธันวาคม 2568 (ออกหน่วยบริการวันเสาร์) "
                           "เปิดอยู่ ปิด 12:00 น.")


def test_the_next_opening_skips_a_closure_after_a_holiday() -> None:
    # Friday 5 December (a holiday), evening; the week of 8–12 is flooded.
    status = open_status(GOVERNMENT, True, bkk(5, 18), HOLIDAYS, [FLOOD])
    assert status.opens_next == datetime(2025, 12, 15, 8, 30, tzinfo=BANGKOK)
    assert status.text == ("ปิดวันนี้ (วันหยุดราชการ: วันชาติ และวันพ่อแห่งชาติ) "
                           "เปิดวันจันทร์ที่ 15 ธันวาคม 08:30 น.")


def test_closures_from_data_refuses_reversed_dates_and_ranges() -> None:
    assert closures_from_data([{"starts_on": "2025-12-08", "ends_on": "2025-12-12",
                                "reason": "น้ำท่วมอาคาร", "go_to_office": "district_office:5002"}]
                              ) == [FLOOD]
    with pytest.raises(ValueError):
        closures_from_data([{"starts_on": "2025-12-12", "ends_on": "2025-12-08"}])
    with pytest.raises(ValueError):
        closures_from_data([{"starts_on": "2025-12-12", "ends_on": "2025-12-12",
                             "hours": [["12:00", "09:00"]]}])
