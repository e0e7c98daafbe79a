"""Thai wording shared by the actions: dates, money, distances, place names."""

from __future__ import annotations

from datetime import date

from app.kb.models import District, Province

MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
# Thai official dates count years in the Buddhist Era.
_BUDDHIST_ERA_OFFSET = 543


def thai_date(day: date) -> str:
    """``date(2026, 11, 24)`` → ``"24 พฤศจิกายน 2569"``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year + _BUDDHIST_ERA_OFFSET}"


def number(amount: float) -> str:
    """Thousands separators; decimals only when there are satang."""
    if float(amount).is_integer():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def distance(km: float) -> str:
    """Metres below one kilometre, else kilometres with one decimal."""
    if km < 1:
        return f"{max(round(km * 1000, -1), 10):.0f} เมตร"
    return f"{km:.1f} กม."


def district_label(district: District) -> str:
    """``เขตพระนคร`` in Bangkok, ``อำเภอเมืองเชียงใหม่`` elsewhere (the data has no prefix)."""
    return f"{'เขต' if district.is_bangkok_khet else 'อำเภอ'}{district.name_th}"


def province_label(province: Province) -> str:
    """``จังหวัดเชียงใหม่``; Bangkok is not a จังหวัด."""
    return province.name_th if province.is_bangkok else f"จังหวัด{province.name_th}"


def source_line(agency: str, checked_on: date | None) -> str:
    """``ที่มา: กรมการปกครอง (ตรวจสอบ 24 พฤศจิกายน 2569)``: ends every factual answer."""
    if checked_on is None:
        return f"ที่มา: {agency}"
    return f"ที่มา: {agency} (ตรวจสอบ {thai_date(checked_on)})"
