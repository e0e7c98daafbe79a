"""Ages, durations, dates, amounts, vehicle classes and licence types in Thai text.

Standard library only: rules over the normalised text (``bot.nlu.normalizer``:
Thai digits to ASCII, lower case, zero-width characters removed), mapped back
to raw offsets. No gazetteer can list these, and DIET does not learn entities
here (config.yml: ``entity_recognition: false``, which keeps its fast path), so
rules find them and normalise them to the values actions use:

=============  ===============================  ==========================================
entity         examples                         value
=============  ===============================  ==========================================
age            อายุ 82, แม่ 82 ปี, 7 ขวบ,          int years: 82
               อายุแปดสิบสอง
duration       10 ปี, 2 สัปดาห์, 15 วันทำการ,      ISO 8601 duration: "P10Y", "P2W", "P15D",
               3 ชม.                            "PT3H"
date           7 ธ.ค. 2569, 7/12/69,            ISO date "2026-12-07"; no year: "--12-07";
               5 ธันวา, พรุ่งนี้, จันทร์หน้า          month: "2027-03" or "--03"; relative:
                                                "today", "today+1", "today-1",
                                                "this-monday", "next-monday"
amount         500 บาท, ๑,๐๐๐ บาท, ฿200,          int baht (float when it has satang): 500
               5 พันบาท, ห้าร้อยบาท
vehicle_class  รถยนต์ส่วนบุคคล, มอไซค์,            private_car, private_motorcycle,
               รถจักรยานยนต์สาธารณะ, รถสามล้อ       public_car, public_motorcycle,
                                                private_tricycle, public_tricycle
licence_type   ใบขับขี่ชั่วคราว, ตลอดชีพ, สากล      temporary, lifetime, international
=============  ===============================  ==========================================

Spans cover the quantity as typed: the number with its unit ("82 ปี", "500 บาท"),
never the cue word before it (อายุ). A relative date carries, besides its
relative value, the date it means today in Thailand (``resolve_date``), so an
action need not resolve it; the relative value stays, for a conversation that
lasts past midnight.

Decisions:
- "N ปี" is an age when a person is its subject (แม่ 82 ปี, ผมอายุ 15 ปี) or
  it follows อายุ; it is a validity, a duration, when a document owns the อายุ
  (พาสปอร์ตอายุ 10 ปี, ต่ออายุ 5 ปี, หมดอายุ 2 ปีแล้ว). ขวบ is always an age.
- Two-digit years are Buddhist-era (69 is 2569, i.e. 2026), as Thai forms write
  them; four-digit years from 2400 are Buddhist-era, others Christian-era.
  Numeric dates are day/month/year.
- A bare weekday ("เปิดวันเสาร์ไหม") asks about every Saturday, not a date: only
  นี้/หน้า make it one.
- No amount without a currency word: "เดือนละ 600" could be anything. Digits
  glued to other digits, dashes or slashes are never read (phone, ID and
  account numbers, which the redaction replaces anyway, stay untouched; the
  redaction's <placeholders> hold no digits).
- Number words (แปดสิบสอง, ห้าร้อย) count only next to a unit or after อายุ:
  สอง in "สองคน" or ห้า in "ห้าง" is no quantity.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from bot.nlu.normalizer import NormalizedText, Normalizer

AGE = "age"
DURATION = "duration"
DATE = "date"
AMOUNT = "amount"
VEHICLE_CLASS = "vehicle_class"
LICENCE_TYPE = "licence_type"
ENTITY_TYPES: tuple[str, ...] = (AGE, DURATION, DATE, AMOUNT, VEHICLE_CLASS, LICENCE_TYPE)

# Thailand keeps UTC+7 all year.
THAI_TIME = timezone(timedelta(hours=7))
MAX_AGE = 130

# --- numbers -------------------------------------------------------------------

_DIGIT_WORDS = {
    "หนึ่ง": 1, "นึง": 1, "เอ็ด": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4, "ห้า": 5,
    "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "ศูนย์": 0,
}
_MULTIPLIERS = {"สิบ": 10, "ร้อย": 100, "พัน": 1_000, "หมื่น": 10_000, "แสน": 100_000, "ล้าน": 1_000_000}
_WORD_ALTERNATION = "|".join(
    sorted((*_DIGIT_WORDS, *_MULTIPLIERS), key=len, reverse=True)
)
_WORD_PIECE = re.compile(_WORD_ALTERNATION)
THAI_NUMBER_WORDS = f"(?:{_WORD_ALTERNATION})+"
# Not inside a longer number, a phone/ID number (dashes), a date (slashes) or a
# Latin word; 1,000 and 2.5 are numbers.
DIGITS = r"(?<![\d,./:\-a-z])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d/:\-]|[.,]\d)"
_SCALE = "(?:พัน|หมื่น|แสน|ล้าน)"
NUMBER = rf"(?:{DIGITS}(?:\s?{_SCALE})?|{THAI_NUMBER_WORDS})"


def thai_words_to_int(words: str) -> int | None:
    """แปดสิบสอง -> 82, ยี่สิบเอ็ด -> 21, ห้าร้อย -> 500, สองล้านห้าแสน -> 2,500,000.

    ``None`` for a sequence that is not one number (สองสาม, ยี่ alone).
    """
    pieces = _WORD_PIECE.findall(words)
    if not pieces or "".join(pieces) != words:
        return None
    if any(p == "ยี่" and pieces[i + 1: i + 2] != ["สิบ"] for i, p in enumerate(pieces)):
        return None
    if pieces[-1] == "นึง" and len(pieces) > 1 and pieces[-2] in _MULTIPLIERS:
        pieces = pieces[:-1]  # ร้อยนึง is "a hundred", not 101
    millions = 0
    total = 0
    pending: int | None = None
    last_multiplier = 10_000_000
    for piece in pieces:
        if piece in _DIGIT_WORDS:
            if pending is not None or (piece == "เอ็ด" and total == 0):
                return None  # two digits in a row (สองสาม), or เอ็ด with nothing before it
            pending = _DIGIT_WORDS[piece]
            continue
        multiplier = _MULTIPLIERS[piece]
        if multiplier == 1_000_000:
            chunk = total + (pending or 0)
            millions = (millions + (chunk if chunk or pending is not None else 1)) * 1_000_000
            total, pending, last_multiplier = 0, None, 10_000_000
            continue
        if multiplier >= last_multiplier:
            return None  # สิบร้อย
        total += (pending if pending is not None else 1) * multiplier
        pending, last_multiplier = None, multiplier
    return millions + total + (pending or 0)


def parse_number(text: str) -> int | float | None:
    """A NUMBER match: digits (1,000 / 2.5, optionally with พัน/หมื่น/แสน/ล้าน) or words."""
    text = text.strip()
    match = re.fullmatch(rf"((?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)\s?({_SCALE})?", text)
    if match:
        value = float(match.group(1).replace(",", ""))
        if match.group(2):
            value *= _MULTIPLIERS[match.group(2)]
        return int(value) if value == int(value) else value
    return thai_words_to_int(text)


# --- entity candidates -----------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """One entity in normalised-text offsets (``start``/``end``) with its value."""

    entity: str
    start: int
    end: int
    value: Any
    additional_info: dict[str, Any] | None = field(default=None, compare=False)


_PERSONS = (
    "คุณแม่|คุณพ่อ|คุณยาย|คุณตา|คุณย่า|คุณปู่|แม่|พ่อ|ยาย|ตา|ย่า|ปู่|ลูกสาว|ลูกชาย|ลูก|หลาน|"
    "ผม|ฉัน|ดิฉัน|หนู|เรา|ตัวเอง|พี่สาว|พี่ชาย|พี่|น้องสาว|น้องชาย|น้อง|สามี|ภรรยา|แฟน|"
    "ป้า|ลุง|น้า|เขา|เค้า|เด็ก|ผู้เยาว์|ผู้สูงอายุ|คนแก่|คนชรา|ผู้ป่วย"
)
# Words between the subject or อายุ and the number: "อายุจะครบ 60", "แม่ก็ 82".
_FILLERS = (
    r"(?:\s?(?:ก็|ได้|จะ|ครบ|เต็ม|ประมาณ|ราว|ราวๆ|เกือบ|ย่าง|ตอนนี้|นี้|ปีนี้|แล้ว|เพิ่ง|ปัจจุบัน|"
    r"ต่ำกว่า|ไม่ถึง|ไม่เกิน|ไม่ต่ำกว่า|เกิน|มากกว่า|ตั้งแต่))*"
)
_AGE_UNIT = r"(?:\s?(?:ปี|ขวบ))?(?:\s?บริบูรณ์)?"
# อายุ of a document is its validity; ต่อ/หมด/มี อายุ are about documents too.
_VALIDITY_BEFORE_AYU = re.compile(
    r"(?:ต่อ|หมด|มี|ใช้ได้|ใช้งาน|บัตร\S{0,12}|พาสปอร์ต|พาสปอต|หนังสือเดินทาง|เล่ม|ใบขับขี่|ใบขับขี|"
    r"ใบอนุญาต\S{0,12}|ใบรับรอง\S{0,10}|ใบ\S{0,8})\s?$"
)
# "ตอนอายุ", "ผู้ที่มีอายุ", "ถ้าอายุ": a person's age even after a document word.
_AGE_CUE_BEFORE_AYU = re.compile(r"(?:ตอน|คน|ผู้|ผู้ที่มี|คนที่มี|ผู้มี|เมื่อ|ถ้า|ต้อง|ยัง|ถึง)\s?$")

_AGE_AFTER_AYU = re.compile(rf"อายุ{_FILLERS}\s?(?P<q>(?P<n>{NUMBER}){_AGE_UNIT})(?!\s?(?:เดือน|วัน|สัปดาห์|อาทิตย์))")
_AGE_IN_KHUAP = re.compile(rf"(?P<q>(?P<n>{NUMBER})\s?ขวบ(?:ครึ่ง)?)")
_AGE_AFTER_PERSON = re.compile(
    rf"(?:{_PERSONS})(?:ผม|ฉัน|หนู|ดิฉัน|เรา)?{_FILLERS}\s?(?P<q>(?P<n>{NUMBER})\s?ปี(?:\s?บริบูรณ์)?)"
    r"(?!\s?(?:ที่แล้ว|ก่อน|มาแล้ว))"
)
_AGE_BORIBUN = re.compile(rf"(?P<q>(?P<n>{NUMBER})\s?ปีบริบูรณ์)")

_DURATION_UNITS = {
    "ปี": ("P", "Y", "year"), "เดือน": ("P", "M", "month"), "สัปดาห์": ("P", "W", "week"),
    "อาทิตย์": ("P", "W", "week"), "วีค": ("P", "W", "week"), "วัน": ("P", "D", "day"),
    "ชั่วโมง": ("PT", "H", "hour"), "ชม.": ("PT", "H", "hour"), "ชม": ("PT", "H", "hour"),
    "นาที": ("PT", "M", "minute"),
}
_DURATION_UNIT = "|".join(re.escape(u) for u in sorted(_DURATION_UNITS, key=len, reverse=True))
_DURATION = re.compile(
    # "3-5 วัน", "3 ถึง 5 วัน": a range, valued at its upper bound.
    rf"(?P<q>(?:(?<![\d,./:\-a-z])(?P<low>\d+)\s?(?:-|–|ถึง)\s?(?P<high>\d+)|(?P<n>{NUMBER}))"
    rf"\s?(?P<u>{_DURATION_UNIT})(?:ทำการ)?"
    rf"(?P<half>ครึ่ง)?)"
    # "5 วันที่ 3" is a date; "3 วันละ" a rate.
    r"(?!\s?(?:ที่\s?\d|ละ))"
)
# "ปีนึง", "เดือนหนึ่ง": one of the unit; "ครึ่งปี", "ปีครึ่ง": a half, one and a half.
_ONE_UNIT = re.compile(rf"(?P<q>(?P<u>ปี|เดือน|สัปดาห์|อาทิตย์|วัน)(?:นึง|หนึ่ง)|(?P<u2>ปี|เดือน|วัน|สัปดาห์|อาทิตย์|ชั่วโมง)ครึ่ง)")
_HALF_UNIT = re.compile(rf"(?P<q>ครึ่ง(?P<u>{_DURATION_UNIT}))")


def iso_duration(amount: float, unit: str) -> str:
    """ISO 8601 for ``amount`` (whole or with a half) of a Thai duration unit.

    A half year is six months and a half month fifteen days, as Thai offices
    count them; a half hour is thirty minutes; days and weeks keep the
    fraction ("P0.5D"), as ISO 8601 allows in the last component.
    """
    prefix, designator, name = _DURATION_UNITS[unit]
    whole = int(amount)
    half = amount - whole >= 0.5
    if not half:
        return f"{prefix}{whole}{designator}"
    if name == "year":
        return f"P{whole * 12 + 6}M"
    if name == "month":
        return f"P{whole}M15D" if whole else "P15D"
    if name == "hour":
        return f"PT{whole}H30M" if whole else "PT30M"
    if name == "minute":
        return f"PT{whole}M30S" if whole else "PT30S"
    return f"{prefix}{amount:g}{designator}"


_CURRENCY = re.compile(
    rf"(?P<q>(?P<n>{NUMBER})\s?(?:บาท|บ\.(?![ก-ฮ]\.)))|(?P<q2>(?:฿|thb\s?)\s?(?P<n2>{DIGITS}))"
)
# "เดือนละ 600", "ฉบับละ 20": a rate per period or per item, in baht unless
# another unit follows ("วันละ 3 ครั้ง").
_RATE = re.compile(
    rf"(?:เดือน|ปี|ครั้ง|ฉบับ|เล่ม|ใบ|แปลง|หลัง|คัน|คน|หัว)ละ\s?(?P<q>(?P<n>{DIGITS}(?:\s?{_SCALE})?))"
    r"(?!\s?(?:ครั้ง|วัน|ปี|เดือน|คน|ใบ|ชั่วโมง|ชม|นาที|ฉบับ|เล่ม|หลัง|แปลง|คัน|กิโล|km|%|เปอร์เซ็นต์))"
)

# --- dates --------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("มกราคม", "มกรา", "ม.ค.", "ม.ค", "มค."),
        ("กุมภาพันธ์", "กุมภา", "ก.พ.", "ก.พ", "กพ."),
        ("มีนาคม", "มีนา", "มี.ค.", "มี.ค", "มีค."),
        ("เมษายน", "เมษา", "เม.ย.", "เม.ย", "เมย."),
        ("พฤษภาคม", "พฤษภา", "พ.ค.", "พ.ค", "พค."),
        ("มิถุนายน", "มิถุนา", "มิ.ย.", "มิ.ย", "มิย."),
        ("กรกฎาคม", "กรกฎา", "กรกดา", "ก.ค.", "ก.ค", "กค."),
        ("สิงหาคม", "สิงหา", "ส.ค.", "ส.ค", "สค."),
        ("กันยายน", "กันยา", "ก.ย.", "ก.ย", "กย."),
        ("ตุลาคม", "ตุลา", "ต.ค.", "ต.ค", "ตค."),
        ("พฤศจิกายน", "พฤศจิกา", "พฤศจิ", "พ.ย.", "พ.ย", "พย."),
        ("ธันวาคม", "ธันวา", "ธ.ค.", "ธ.ค", "ธค."),
    ],
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number
_MONTH = "|".join(re.escape(m) for m in sorted(_MONTHS, key=len, reverse=True))
_ERA = r"(?:พ\.\s?ศ\.?|พศ\.?|ค\.\s?ศ\.?|คศ\.?|ปี)"
_YEAR = rf"(?:\s?(?P<era>{_ERA})?\s?(?P<y>(?<!\d)(?:\d{{4}}|\d{{2}})(?!\d)))"
_TEXT_DATE = re.compile(
    rf"(?:วันที่\s?)?(?P<q>(?<![\d,.])(?P<d>\d{{1,2}})\s?(?:เดือน\s?)?(?P<m>{_MONTH}){_YEAR}?)"
)
_MONTH_ONLY = re.compile(rf"เดือน\s?(?P<q>(?P<m>{_MONTH}){_YEAR}?)")
_NUMERIC_DATE = re.compile(
    r"(?P<q>(?<![\d/.\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/.\-]))"
)
_RELATIVE_DAYS = {
    "วันนี้": "today", "พรุ่งนี้": "today+1", "มะรืนนี้": "today+2", "มะรืน": "today+2",
    "เมื่อวานซืน": "today-2", "เมื่อวานนี้": "today-1", "เมื่อวาน": "today-1",
}
_RELATIVE_DAY = re.compile(
    "(?P<q>" + "|".join(sorted(_RELATIVE_DAYS, key=len, reverse=True)) + ")"
)
_WEEKDAYS = {
    "จันทร์": "monday", "อังคาร": "tuesday", "พุธ": "wednesday", "พฤหัสบดี": "thursday",
    "พฤหัส": "thursday", "ศุกร์": "friday", "เสาร์": "saturday", "อาทิตย์": "sunday",
}
_WEEKDAY_NUMBER = {name: index for index, name in enumerate(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_WEEKDAY = re.compile(
    r"(?:วัน)?(?P<q>(?P<w>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
    + r")\s?(?P<which>หน้า|นี้))"
)


def _year_ce(year_text: str, era: str | None) -> int | None:
    year = int(year_text)
    christian = bool(era) and era.replace(" ", "").replace(".", "").startswith(("ค", "คศ"))
    if len(year_text) == 2:
        return 2000 + year if christian else 2500 + year - 543
    if christian or 1900 <= year < 2200:
        return year if 1900 <= year < 2200 else None
    if 2400 <= year < 2700:
        return year - 543
    return None


def _iso_date(day: int, month: int, year: int | None) -> str | None:
    try:
        date(year or 2024, month, day)  # 2024: a leap year, so 29 ก.พ. is valid without a year
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def resolve_date(value: str, today: date) -> date | None:
    """The date a relative ``date`` value means on ``today``; ``None`` if not relative.

    ``this-<weekday>`` is the first such day from today on; ``next-<weekday>``
    that day in the following calendar week (Monday to Sunday), as
    "จันทร์หน้า" is understood.
    """
    if value == "today":
        return today
    match = re.fullmatch(r"today([+-]\d+)", value)
    if match:
        return today + timedelta(days=int(match.group(1)))
    match = re.fullmatch(r"(this|next)-(\w+)", value)
    if match and match.group(2) in _WEEKDAY_NUMBER:
        weekday = _WEEKDAY_NUMBER[match.group(2)]
        if match.group(1) == "this":
            return today + timedelta(days=(weekday - today.weekday()) % 7)
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    return None


def thai_today() -> date:
    return datetime.now(THAI_TIME).date()


# --- vehicles ----------------------------------------------------------------------

_VEHICLES = re.compile(
    r"(?P<q>(?P<kind>รถจักรยานยนต์|จักรยานยนต์|จยย\.?|รถมอเตอร์ไซค์|รถมอเตอร์ไซด์|มอเตอร์ไซค์|มอเตอร์ไซด์|"
    r"มอเตอร์ไซ|มอไซค์|มอไซด์|มอไซต์|มอไซ|มอ'ไซค์|รถเครื่อง|motorcycle|motorbike|"
    r"รถยนต์|รถเก๋ง|รถกระบะ|รถเก๋ง|\bcar\b|รถสามล้อ|สามล้อ|ตุ๊กตุ๊ก)"
    r"(?P<use>\s?(?:ส่วนบุคคล|ส่วนตัว|สาธารณะ|รับจ้าง))?)"
)
_LICENCE_WORD = re.compile(r"ใบขับขี|ใบอนุญาตขับ|license|licence|ขับรถ")
_LICENCE_TYPES = {
    "ชั่วคราว": "temporary", "2ปี": "temporary",
    "ตลอดชีพ": "lifetime", "ตลอดชีวิต": "lifetime",
    "สากล": "international", "ระหว่างประเทศ": "international", "international": "international",
}
_LICENCE_TYPE = re.compile("(?P<q>ชั่วคราว|ตลอดชีพ|ตลอดชีวิต|สากล|ระหว่างประเทศ|international)")


def _vehicle_code(kind: str, use: str | None) -> str:
    if any(word in kind for word in ("จักรยานยนต์", "จยย", "มอ", "motor", "เครื่อง")):
        vehicle = "motorcycle"
    elif "สามล้อ" in kind or "ตุ๊ก" in kind:
        vehicle = "tricycle"
    else:
        vehicle = "car"
    public = kind == "ตุ๊กตุ๊ก" or bool(use and use.strip() in ("สาธารณะ", "รับจ้าง"))
    return f"{'public' if public else 'private'}_{vehicle}"


# --- extraction -----------------------------------------------------------------------

_PRIORITY = {AGE: 0, DATE: 1, AMOUNT: 2, DURATION: 3, VEHICLE_CLASS: 4, LICENCE_TYPE: 5}


def _q(match: re.Match[str], group: str = "q") -> tuple[int, int]:
    return match.start(group), match.end(group)


def _ages(text: str) -> Iterator[Quantity]:
    for match in _AGE_AFTER_AYU.finditer(text):
        before = text[max(0, match.start() - 30): match.start()]
        unit = match.group("q")[len(match.group("n")):]
        if "ขวบ" not in unit and _is_validity(before):
            continue
        yield from _age(match)
    for pattern in (_AGE_IN_KHUAP, _AGE_AFTER_PERSON, _AGE_BORIBUN):
        for match in pattern.finditer(text):
            yield from _age(match)


def _is_validity(before: str) -> bool:
    """Whether the อายุ after ``before`` is a document's: the nearer of a document and a person wins."""
    if _AGE_CUE_BEFORE_AYU.search(before):
        return False
    document = _VALIDITY_BEFORE_AYU.search(before)
    if document is None:
        return False
    person = None
    for person in re.finditer(_PERSONS, before):
        pass
    return person is None or person.end() <= document.start()


def _age(match: re.Match[str]) -> Iterator[Quantity]:
    years = parse_number(match.group("n"))
    if isinstance(years, int) and 0 < years <= MAX_AGE:
        yield Quantity(AGE, *_q(match), years)


def _durations(text: str) -> Iterator[Quantity]:
    for match in _DURATION.finditer(text):
        amount = parse_number(match.group("n") or match.group("high"))
        unit = match.group("u")
        if not isinstance(amount, int) or not 0 < amount < 10_000:
            continue
        value = amount + 0.5 if match.group("half") else amount
        info: dict[str, Any] = {"amount": value, "unit": _DURATION_UNITS[unit][2]}
        if match.group("low"):
            low = parse_number(match.group("low"))
            if not isinstance(low, int) or low >= amount:
                continue
            info["minimum"] = iso_duration(low, unit)
        yield Quantity(DURATION, *_q(match), iso_duration(value, unit), info)
    for match in _ONE_UNIT.finditer(text):
        unit, value = (match.group("u"), 1.0) if match.group("u") else (match.group("u2"), 1.5)
        yield Quantity(DURATION, *_q(match), iso_duration(value, unit),
                       {"amount": value, "unit": _DURATION_UNITS[unit][2]})
    for match in _HALF_UNIT.finditer(text):
        unit = match.group("u")
        yield Quantity(DURATION, *_q(match), iso_duration(0.5, unit),
                       {"amount": 0.5, "unit": _DURATION_UNITS[unit][2]})


def _amounts(text: str) -> Iterator[Quantity]:
    for match in _CURRENCY.finditer(text):
        group = "q" if match.group("q") else "q2"
        amount = parse_number(match.group("n") if group == "q" else match.group("n2"))
        if amount is not None and amount > 0:
            yield Quantity(AMOUNT, *_q(match, group), amount)
    for match in _RATE.finditer(text):
        amount = parse_number(match.group("n"))
        if amount is not None and amount > 0:
            yield Quantity(AMOUNT, *_q(match), amount)


def _dates(text: str, today: date | None) -> Iterator[Quantity]:
    for match in _TEXT_DATE.finditer(text):
        year = _year_ce(match.group("y"), match.group("era")) if match.group("y") else None
        start, end = _q(match)
        if match.group("y") and year is None:
            end = match.end("m")  # "5 ธ.ค. 12345": the year is not one; the day and month are
        value = _iso_date(int(match.group("d")), _MONTHS[match.group("m")], year)
        if value:
            yield Quantity(DATE, start, end, value)
    for match in _MONTH_ONLY.finditer(text):
        year = _year_ce(match.group("y"), match.group("era")) if match.group("y") else None
        month = _MONTHS[match.group("m")]
        yield Quantity(DATE, *_q(match), f"{year:04d}-{month:02d}" if year else f"--{month:02d}")
    for match in _NUMERIC_DATE.finditer(text):
        year = _year_ce(match.group("y"), None)
        value = _iso_date(int(match.group("d")), int(match.group("m")), year)
        if value and year:
            yield Quantity(DATE, *_q(match), value)
    for match in _RELATIVE_DAY.finditer(text):
        yield _relative(match, _RELATIVE_DAYS[match.group("q")], today)
    for match in _WEEKDAY.finditer(text):
        which = "next" if match.group("which") == "หน้า" else "this"
        yield _relative(match, f"{which}-{_WEEKDAYS[match.group('w')]}", today)


def _relative(match: re.Match[str], value: str, today: date | None) -> Quantity:
    resolved = resolve_date(value, today or thai_today())
    return Quantity(DATE, *_q(match), value, {"date": resolved.isoformat() if resolved else None})


def _vehicles(text: str) -> Iterator[Quantity]:
    for match in _VEHICLES.finditer(text):
        yield Quantity(VEHICLE_CLASS, *_q(match), _vehicle_code(match.group("kind"), match.group("use")))
    if _LICENCE_WORD.search(text):
        for match in _LICENCE_TYPE.finditer(text):
            yield Quantity(LICENCE_TYPE, *_q(match), _LICENCE_TYPES[match.group("q")])


def find_quantities(text: str, today: date | None = None) -> list[Quantity]:
    """Non-overlapping quantities in normalised ``text``, in text order.

    Overlaps: the higher-priority type wins (an age over the duration in
    "แม่ 82 ปี"), then the longer span, then the earlier one.
    """
    candidates: list[Quantity] = [
        *_ages(text), *_dates(text, today), *_amounts(text), *_durations(text), *_vehicles(text)
    ]
    candidates.sort(key=lambda q: (_PRIORITY[q.entity], -(q.end - q.start), q.start))
    kept: list[Quantity] = []
    for candidate in candidates:
        if all(candidate.end <= k.start or k.end <= candidate.start for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda q: (q.start, q.entity))


@dataclass(frozen=True)
class RawQuantity:
    """A quantity in raw-text offsets, ready to become a Rasa entity."""

    entity: str
    start: int
    end: int
    value: Any
    additional_info: dict[str, Any] | None = None


_NORMALIZER = Normalizer()


def extract(raw: str, today: date | None = None,
            normalize: Callable[[str], NormalizedText] = _NORMALIZER.normalize) -> list[RawQuantity]:
    """Quantities in the message ``raw`` with offsets into ``raw``."""
    normalized = normalize(raw or "")
    found = []
    for quantity in find_quantities(normalized.text, today):
        text = normalized.text
        start, end = quantity.start, quantity.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        raw_start, raw_end = normalized.raw_span(start, end)
        found.append(RawQuantity(quantity.entity, raw_start, raw_end, quantity.value,
                                 quantity.additional_info))
    return found
