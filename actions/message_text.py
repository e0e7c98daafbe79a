"""What the citizen's own words say beyond the intent: an age, "how much a month", English.

The NLU names the intent and the canonical entities; these cues settle what
they leave open. They only choose among facts from the knowledge base: no
text the citizen typed is ever echoed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_AGE_PATTERNS = (
    re.compile(r"อายุ(?:ครบ)?\s*(\d{1,3})"),
    re.compile(r"ครบ\s*(\d{1,3})"),
    re.compile(r"(\d{1,3})\s*(?:ปี|ขวบ)"),
)
OLDEST_AGE = 130

# "How much does it pay": money received, not a fee paid.
_AMOUNT_CUES = re.compile(
    r"เดือนละ|ต่อเดือน|ได้เงิน|ได้กี่บาท|ได้เท่า|ได้รับเท่า|ได้รับกี่|รับเท่า|รับกี่บาท|"
    r"ขึ้นเป็นเท่า|ได้เพิ่ม|ได้ตังค์|กี่บาท|เท่าไหร่|เท่าไร|เท่าไร่"
)
_FEE_CUES = re.compile(r"ค่าธรรมเนียม|เสียเงิน|เสียค่า|ค่าใช้จ่าย|ต้องจ่าย|ค่าทำ")

# Renewing, or a document already lapsed: "ต่อใบขับขี่ชั่วคราว", "หมดอายุมา 2 ปี".
_RENEWAL_CUES = re.compile(
    r"(?<!ติด)ต่อ(?:อายุ|ใบ|ก่อน|ล่วงหน้า|กี่|ได้|ที่)|ไปต่อ|หมดอายุ|จะหมด|ใกล้หมด|ขาดต่อ|เปลี่ยนเป็น|เป็น\s?5\s?ปี|เลยกำหนด"
)
_LAPSED_CUES = re.compile(r"หมดอายุ|ขาดต่อ|ขาดมา|ขาดไป|เลยกำหนด|สิ้นอายุ")
# Money on top, for paying late: the penalty, which the deadline's answer gives.
_EXTRA_CHARGE_CUES = re.compile(r"เพิ่ม|ค่าปรับ|โดนปรับ|เสียปรับ")

# "ต้องจ่ายเดือนไหน": when to pay, which the deadline answers, not how much.
_WHEN_CUES = re.compile(r"เดือนไหน|เมื่อไหร่|เมื่อไร|ช่วงไหน|ช่วงเดือน|ภายในวันที่|ก่อนวันที่")

_CONTACT_CUES = re.compile(r"เบอร์|โทร|สายด่วน|ติดต่อ|call\s*center|คอลเซ็นเตอร์", re.IGNORECASE)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEARLESS_DAY = re.compile(r"--\d{2}-\d{2}")

_LATIN = re.compile(r"[A-Za-z]")
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_WORD = re.compile(r"[A-Za-z]+")


def normalised(text: str) -> str:
    return text.translate(_THAI_DIGITS)


def age_in(message: dict[str, Any]) -> int | None:
    """The age the citizen mentions: the ``age`` entity when the NLU has one, else the text."""
    for item in message.get("entities") or []:
        if item.get("entity") == "age":
            try:
                value = int(str(item.get("value")).translate(_THAI_DIGITS))
            except (TypeError, ValueError):
                continue
            if 0 <= value <= OLDEST_AGE:
                return value
    text = normalised(message.get("text") or "")
    for pattern in _AGE_PATTERNS:
        for found in pattern.finditer(text):
            value = int(found.group(1))
            if 0 <= value <= OLDEST_AGE:
                return value
    return None


def asked_day(message: dict[str, Any], today: date) -> date | None:
    """The day the ``date`` entity names (bot/nlu/thai_quantities.py formats).

    A full ISO date as is; a day without a year ("--12-10") is its next
    occurrence from ``today``; a relative day ("พรุ่งนี้") is the date the
    extractor resolved when the message arrived. A month alone names no day.
    """
    for item in message.get("entities") or []:
        if item.get("entity") != "date":
            continue
        info = item.get("additional_info")
        value = info.get("date") if isinstance(info, dict) and info.get("date") else item.get("value")
        day = _day_from(str(value), today)
        if day is not None:
            return day
    return None


def _day_from(value: str, today: date) -> date | None:
    try:
        if _ISO_DAY.fullmatch(value):
            return date.fromisoformat(value)
        if _YEARLESS_DAY.fullmatch(value):
            month, day = int(value[2:4]), int(value[5:7])
            # 29 February may be up to four years away.
            for year in range(today.year, today.year + 5):
                found = _valid_day(year, month, day)
                if found is not None and found >= today:
                    return found
            return None
    except ValueError:
        return None
    return None


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February of a common year
        return None


def asks_amount(text: str) -> bool:
    """True for "how much does it pay (a month)"; a question about a fee is not one."""
    return bool(_AMOUNT_CUES.search(text)) and not _FEE_CUES.search(text)


# What a question asks when the NLU could not tell (its words, in the order tried):
# "แล้วค่าต่อของมอเตอร์ไซค์ล่ะ" asks a fee, "ผู้รับต้องอายุเท่าไหร่" who may apply.
_ASPECT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("steps", re.compile(r"ขั้นตอน")),
    ("online", re.compile(r"ออนไลน์|online|แอป")),
    ("fee", re.compile(r"ค่า(?:ธรรมเนียม|ทำ|ต่อ|ใช้จ่าย|โอน)|กี่บาท|กี่ตังค์|เสียเงิน|ต้องจ่าย")),
    ("documents", re.compile(r"เอกสาร|ใช้อะไร|เตรียมอะไร|ถืออะไร|เอาอะไร|พยาน|แจ้งความ|ตำรวจ")),
    ("eligibility", re.compile(r"อายุเท่า|อายุกี่|ใครมีสิทธิ|ใครยื่น|คุณสมบัติ|แทนได้|ไปแทน|คนอื่นไป"
                               r"|ไปด้วย(?:ไหม|มั้ย|หรือเปล่า)|ไปเอง|ข้อห้าม")),
    ("deadline", re.compile(r"ล่วงหน้า|ภายในกี่|ภายในเดือน|กำหนด|ก่อนได้ไหม|ตอนไหน|มีเวลา")),
    # "มีเวลากี่วัน" is how long one has (a deadline), not how long it takes.
    ("processing_time", re.compile(r"(?<!มีเวลา)กี่วัน|นานไหม|นานแค่ไหน|เลยไหม|ทันที|วันเดียว")),
    ("where_to_apply", re.compile(r"ที่ไหน|ที่สำนักงาน|สำนักงานไหน|หน่วยงานไหน|เขตไหน|อำเภอไหน")),
)


_FOLLOW_UP_CUES = re.compile(r"ล่ะ|ละคะ|ละครับ|^\s*(?:แล้ว|ถ้า)")


def is_follow_up(text: str) -> bool:
    """"แล้วถ้าเป็นพาสปอร์ตล่ะ": the same question again, about something else."""
    return bool(_FOLLOW_UP_CUES.search(text))


# "Must I register / change it?" asks who has to, whatever else the words
# name ("ขายของออนไลน์ต้องจดทะเบียนพาณิชย์ไหม" is not about applying online);
# paying, documents and reports have cues of their own.
_MUST_I = re.compile(r"ต้อง(?:ไป)?(?:จด|เปลี่ยน|ทำ|ขอ|ยื่น|ลงทะเบียน)(?:(?!เงิน|ค่า|จ่าย|เอกสาร|อะไร"
                     r"|แจ้งความ).){0,24}(?:ไหม|มั้ย|หรือเปล่า|หรือไม่|รึเปล่า)")


def asks_obligation(text: str) -> bool:
    """True for "do I have to register/change/get it?": who must apply."""
    return bool(_MUST_I.search(text))


def question_words(message: dict[str, Any]) -> str:
    """The message's text without the service names the NLU tagged in it: a cue
    word inside a name ("ใบแจ้งความเอกสารหาย") says nothing about the aspect asked."""
    text = str(message.get("text") or "")
    spans = sorted(((int(e["start"]), int(e["end"])) for e in message.get("entities") or []
                    if e.get("entity") == "service" and isinstance(e.get("start"), int)
                    and isinstance(e.get("end"), int)), reverse=True)
    for start, end in spans:
        text = text[:start] + " " + text[end:]
    return text


# "ต้องทำยังไงบ้าง" asks for the steps when nothing else was understood; where
# the NLU asked for the overview ("บัตรหาย ต้องทำยังไง"), the overview says more.
_HOW_TO = re.compile(r"ต้องทำ(?:อะไร|ยังไง|อย่างไร)|ทำ(?:ยังไง|อย่างไร)บ้าง")


def aspect_cue(text: str, *, how_to_is_steps: bool = False) -> str | None:
    """The aspect a question's own words ask about, when one is clear; else None."""
    for aspect, pattern in _ASPECT_CUES:
        if pattern.search(text):
            return aspect
    return "steps" if how_to_is_steps and _HOW_TO.search(text) else None


def message_cue(message: dict[str, Any], *, how_to_is_steps: bool = False) -> str | None:
    """The aspect a parsed message asks about by its words: "must I …?" on the whole
    text (its verb may begin the service's name), the other cues outside the names."""
    if asks_obligation(str(message.get("text") or "")):
        return "eligibility"
    return aspect_cue(question_words(message), how_to_is_steps=how_to_is_steps)


def has_aspect_cue(text: str, aspect: str) -> bool:
    """True when the question's own words name ``aspect`` (among others, maybe)."""
    return any(key == aspect and pattern.search(text) for key, pattern in _ASPECT_CUES)


def asks_renewal(text: str) -> bool:
    """True for renewing a document or one that lapsed, not getting a first one."""
    return bool(_RENEWAL_CUES.search(normalised(text)))


def lapsed_for(message: dict[str, Any]) -> str | None:
    """The ISO duration a document has been expired ("หมดอายุมา 2 ปี" → "P2Y"), if said."""
    if not _LAPSED_CUES.search(message.get("text") or ""):
        return None
    for item in message.get("entities") or []:
        value = item.get("value")
        if item.get("entity") == "duration" and isinstance(value, str) and value.startswith("P"):
            return value
    return None


# "ต้องเสียภาษีธุรกิจเฉพาะเท่าไหร่": how much one pays, whatever the condition
# before it ("ซื้อมายังไม่ถึง 5 ปี") made the classifier think; a fine or a
# surcharge is the deadline's penalty instead.
_HOW_MUCH_TO_PAY = re.compile(r"(?:เสีย|จ่าย)(?:(?!ปรับ|เพิ่ม).){0,24}?(?:เท่าไหร่|เท่าไร|กี่บาท)")


def asks_how_much_to_pay(text: str) -> bool:
    """True for "how much do I pay (for it)", not for a fine or a surcharge."""
    return bool(_HOW_MUCH_TO_PAY.search(text))


def asks_extra_charge(text: str) -> bool:
    """True for "do I pay extra (for being late)": a question about the penalty."""
    return bool(_EXTRA_CHARGE_CUES.search(text))


def asks_when(text: str) -> bool:
    """True for "when": said of paying, the question is the deadline."""
    return bool(_WHEN_CUES.search(text))


def asks_contact(text: str) -> bool:
    """True for "which number do I call": the answer then names the hotline."""
    return bool(_CONTACT_CUES.search(text))


def is_english(text: str) -> bool:
    """A message written in English: Latin words, no Thai, not a typed /command."""
    stripped = text.strip()
    if not stripped or stripped.startswith("/") or _THAI.search(stripped):
        return False
    return len(_LATIN.findall(stripped)) >= 5 and len(_WORD.findall(stripped)) >= 2
