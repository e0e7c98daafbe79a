"""Redaction of personal data before anything reaches a store, a log or a file.

Standard library only: both environments import it. This module finds the
personal data that has a shape (ID, phone, e-mail, account, card, LINE ID,
licence plate); people's names need PyThaiNLP and are added by
``nlp.names``, which takes these findings and adds its own.

Every finding carries a type and a confidence, so a caller can count what was
removed without keeping it. Values that must stay joinable (LINE user IDs,
sender IDs) are pseudonymised with a keyed hash instead (``pseudonymise``).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NATIONAL_ID = "national_id"
PHONE = "phone"
EMAIL = "email"
BANK_ACCOUNT = "bank_account"
CARD = "card"
LINE_ID = "line_id"
PLATE = "plate"
NAME = "name"

# Thai placeholders: redacted text is read by Thai analysts, and the type stays
# visible so a message like "เบอร์ <เบอร์โทร>" still makes sense when grouped.
PLACEHOLDERS: dict[str, str] = {
    NATIONAL_ID: "<เลขบัตรประชาชน>",
    PHONE: "<เบอร์โทร>",
    EMAIL: "<อีเมล>",
    BANK_ACCOUNT: "<เลขบัญชี>",
    CARD: "<เลขบัตร>",
    LINE_ID: "<ไลน์ไอดี>",
    PLATE: "<ทะเบียนรถ>",
    NAME: "<ชื่อ>",
}
TYPES: tuple[str, ...] = tuple(PLACEHOLDERS)

# National numbers of agencies are not personal data and must survive. The list
# is the `hotline` values verified in data/kb/agencies.yml (a test keeps the two
# equal) plus emergency numbers citizens quote; short codes never match a phone
# pattern, the landlines in it would without this list.
PUBLIC_NUMBERS: frozenset[str] = frozenset({
    "1111", "1161", "1300", "1548", "1555", "1567", "1570", "1584",
    "021415555", "025728442",
})
EMERGENCY_NUMBERS: frozenset[str] = frozenset({
    "191", "199", "1669", "1196", "1506", "1479", "1206", "1599", "1155", "1330",
})

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# A separator citizens put between digit groups: one space, dash or dot.
_SEP = r"[ \-.]?"
# Any 13-digit run, grouped or not: the issue asks every such run to count as
# an ID; the checksum only sets the confidence.
_NATIONAL_ID = re.compile(rf"(?<![\d])\d(?:{_SEP}\d){{12}}(?![\d])")
# Cards: 15-19 digits in one run or in groups of four (Amex 4-6-5 too).
_CARD = re.compile(
    r"(?<![\d])(?:\d{4}([ \-])\d{4}\1\d{4}\1\d{3,7}|\d{4}([ \-])\d{6}\2\d{5}|\d{15,19})(?![\d])"
)
# Thai bank accounts are written 3-1-5-1 (xxx-x-xxxxx-x, most banks) or 3-6-1
# (SCB); those shapes alone are enough. Others count only after an account cue.
_BANK_DASHED = re.compile(r"(?<![\d])\d{3}([ \-])(?:\d\1\d{5}|\d{6})\1\d(?![\d])")
# A long run that no pattern above claims is still somebody's number: 11-12
# digits are the length of BAAC/GSB accounts, 14 an ID with a digit too many.
# The run must be whole: "2567 2568 2569" inside a list of years is no run.
_LONG_RUN = re.compile(r"(?<![\d])(?<![\d][ \-])\d(?:[ \-]?\d){10,13}(?![ \-]?[\d])")
_BANK_CUED = re.compile(
    r"(?:บัญชี|บช\.?|บ/ช|account|acc\.?|a/c)(?:(?!โทร|เบอร์)[^\d]){0,20}?"
    r"(?P<num>(?<![\d])\d(?:[ \-]?\d){9,14})(?![\d])",
    re.IGNORECASE,
)
# Mobiles 0[689]x-xxx-xxxx (10 digits), landlines 0[2-7]x-xxx-xxx (9 digits),
# and the same after +66 with the leading 0 dropped (or kept in brackets).
_PHONE = re.compile(
    r"(?<![\d+])(?:"
    rf"(?:\+|＋)66{_SEP}(?:\(0\))?{_SEP}(?:[689](?:{_SEP}\d){{8}}|[2-7](?:{_SEP}\d){{7}})"
    rf"|0{_SEP}[689](?:{_SEP}\d){{8}}"
    rf"|0{_SEP}[2-7](?:{_SEP}\d){{7}}"
    r")(?![\d])"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![A-Za-z])"
)
# LINE user (U), group (C) and room (R) IDs; ASCII boundaries because Thai
# letters around them give `\b` nothing to stand on.
_LINE_USER_ID = re.compile(r"(?<![0-9A-Za-z])[UCR][0-9a-f]{32}(?![0-9A-Za-z])")
# A personal LINE handle after an explicit cue ("ไอดีไลน์ somchai_88"). Official
# accounts start with "@" and are public, so "@" handles are left alone.
_LINE_HANDLE = re.compile(
    r"(?:ไอดีไลน์|ไลน์ไอดี|ไอดีไลน|แอดไลน์|แอดไลน|line\s?id|id\s?line|add\s?line)\s*[\u0E01-\u0E4E]{0,12}\s*(?:คือ|:|：)?\s*"
    r"(?P<handle>(?<![@A-Za-z0-9._-])[A-Za-z][A-Za-z0-9._-]{3,19})(?![A-Za-z0-9._-])",
    re.IGNORECASE,
)

# Every pattern above needs a digit (``\d``, Thai digits included), an "@"
# (e-mail), the cue of a LINE handle (each holds "ไลน" or "line") or a LINE
# ID (a letter and 32 hex digits, which may all be letters); matched ignoring
# case, as the handle's pattern is, so this finds a superset. A text with
# none of them holds no shape, so ``find_personal_data`` returns at once:
# most of the bot's texts, entity and slot values such as "passport", and
# many citizens' messages.
_MAY_HOLD_A_SHAPE = re.compile(r"[\d@]|ไลน|line|[UCR][0-9a-f]{32}", re.IGNORECASE)

PROVINCES: tuple[str, ...] = (
    "กรุงเทพมหานคร", "กรุงเทพฯ", "กรุงเทพ", "กทม.", "กทม", "กระบี่", "กาญจนบุรี", "กาฬสินธุ์",
    "กำแพงเพชร", "ขอนแก่น", "จันทบุรี", "ฉะเชิงเทรา", "ชลบุรี", "ชัยนาท", "ชัยภูมิ", "ชุมพร",
    "เชียงราย", "เชียงใหม่", "ตรัง", "ตราด", "ตาก", "นครนายก", "นครปฐม", "นครพนม",
    "นครราชสีมา", "นครศรีธรรมราช", "นครสวรรค์", "นนทบุรี", "นราธิวาส", "น่าน", "บึงกาฬ",
    "บุรีรัมย์", "ปทุมธานี", "ประจวบคีรีขันธ์", "ปราจีนบุรี", "ปัตตานี", "พระนครศรีอยุธยา",
    "อยุธยา", "พะเยา", "พังงา", "พัทลุง", "พิจิตร", "พิษณุโลก", "เพชรบุรี", "เพชรบูรณ์", "แพร่",
    "ภูเก็ต", "มหาสารคาม", "มุกดาหาร", "แม่ฮ่องสอน", "ยโสธร", "ยะลา", "ร้อยเอ็ด", "ระนอง",
    "ระยอง", "ราชบุรี", "ลพบุรี", "ลำปาง", "ลำพูน", "เลย", "ศรีสะเกษ", "สกลนคร", "สงขลา",
    "สตูล", "สมุทรปราการ", "สมุทรสงคราม", "สมุทรสาคร", "สระแก้ว", "สระบุรี", "สิงห์บุรี",
    "สุโขทัย", "สุพรรณบุรี", "สุราษฎร์ธานี", "สุรินทร์", "หนองคาย", "หนองบัวลำภู", "อ่างทอง",
    "อำนาจเจริญ", "อุดรธานี", "อุตรดิตถ์", "อุทัยธานี", "อุบลราชธานี",
)
_PROVINCE = "|".join(sorted(map(re.escape, PROVINCES), key=len, reverse=True))
# A plate body: an optional leading digit, one to three consonants, then up to
# four digits ("กข 1234", "1กข 1234", "2ขค-567"). Two consonants before a number
# are also ordinary words ("รถ 2 คัน", "คน 3 คน") and forms read like plates
# ("ทร 14"), so a plate counts only after a cue or before a province.
_PLATE_BODY = r"(?:\d{1,2}\s?)?[ก-ฮ]{1,3}\s?-?\s?\d{1,4}"
_PLATE_CUED = re.compile(
    r"(?:ทะเบียน|ป้าย)(?:รถ(?:ยนต์|เก๋ง|กระบะ|มอไซค์|มอเตอร์ไซค์|จักรยานยนต์)?)?(?:เลข(?:ที่)?)?\s*(?:คือ|:|：)?\s*"
    rf"(?P<plate>{_PLATE_BODY}(?![\d])(?:\s?(?:{_PROVINCE}))?)"
)
# Before a province a plate may follow a Thai word directly when it starts with
# its digit ("คนขับรถ1กข 2345 กรุงเทพมหานคร").
_PLATE_PROVINCE = re.compile(
    rf"(?:(?<![ก-๙\d.])|(?<![\d.])(?=\d))(?P<plate>{_PLATE_BODY}\s?(?:{_PROVINCE}))"
)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: where it is, what it is, how sure we are."""

    start: int
    end: int
    kind: str
    confidence: float = 1.0

    def text(self, source: str) -> str:
        return source[self.start:self.end]


def ascii_digits(text: str) -> str:
    """Map Thai digits onto ASCII one to one, so offsets stay the same."""
    return text.translate(_THAI_DIGITS)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def national_id_checksum_ok(digits: str) -> bool:
    """Mod-11 checksum of a Thai national ID (13 ASCII digits)."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def luhn_ok(digits: str) -> bool:
    """Luhn check of a card number (ASCII digits)."""
    if not digits.isdigit():
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _card_cue_before(plain: str, start: int) -> bool:
    return "บัตร" in plain[max(0, start - 25):start] or "card" in plain[max(0, start - 25):start].lower()


def _candidates(plain: str) -> Iterable[Finding]:
    """Every match in priority order: earlier ones win an overlap."""
    for m in _LINE_USER_ID.finditer(plain):
        yield Finding(m.start(), m.end(), LINE_ID, 1.0)
    for m in _EMAIL.finditer(plain):
        yield Finding(m.start(), m.end(), EMAIL, 1.0)
    for m in _NATIONAL_ID.finditer(plain):
        sure = national_id_checksum_ok(_digits(m.group()))
        yield Finding(m.start(), m.end(), NATIONAL_ID, 0.99 if sure else 0.7)
    for m in _CARD.finditer(plain):
        if luhn_ok(_digits(m.group())):
            yield Finding(m.start(), m.end(), CARD, 0.95)
        elif _card_cue_before(plain, m.start()):
            yield Finding(m.start(), m.end(), CARD, 0.6)
    for m in _BANK_DASHED.finditer(plain):
        yield Finding(m.start(), m.end(), BANK_ACCOUNT, 0.9)
    for m in _BANK_CUED.finditer(plain):
        yield Finding(m.start("num"), m.end("num"), BANK_ACCOUNT, 0.95)
    for m in _PHONE.finditer(plain):
        if _digits(m.group()) not in PUBLIC_NUMBERS:
            mobile = _digits(m.group()).lstrip("6").lstrip("0")[:1] in "689"
            yield Finding(m.start(), m.end(), PHONE, 0.95 if mobile else 0.85)
    for m in _LONG_RUN.finditer(plain):
        n = len(_digits(m.group()))
        if n in (11, 12, 14):
            yield Finding(m.start(), m.end(), NATIONAL_ID if n == 14 else BANK_ACCOUNT, 0.5)
    for m in _LINE_HANDLE.finditer(plain):
        yield Finding(m.start("handle"), m.end("handle"), LINE_ID, 0.8)
    for m in _PLATE_CUED.finditer(plain):
        yield Finding(m.start("plate"), m.end("plate"), PLATE, 0.9)
    for m in _PLATE_PROVINCE.finditer(plain):
        yield Finding(m.start("plate"), m.end("plate"), PLATE, 0.8)


def resolve(findings: Iterable[Finding]) -> list[Finding]:
    """Keep findings that do not overlap an earlier one; sorted by position."""
    kept: list[Finding] = []
    for f in findings:
        if f.end > f.start and not any(k.start < f.end and f.start < k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def find_personal_data(text: str) -> list[Finding]:
    """Findings of every type with a shape (all but names), left to right.

    Thai digits are matched as ASCII digits; offsets refer to ``text``.
    """
    if not text or not _MAY_HOLD_A_SHAPE.search(text):
        return []
    return resolve(_candidates(ascii_digits(text)))


def apply(text: str, findings: Iterable[Finding]) -> str:
    """Replace each finding by its typed placeholder; the rest stays as written."""
    out: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < pos:  # overlapping input: the earlier finding already covers it
            continue
        out.append(text[pos:f.start])
        out.append(PLACEHOLDERS[f.kind])
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def contains_personal_data(text: str) -> bool:
    """True if the text holds an ID, phone, e-mail, account, card, LINE ID or plate."""
    return bool(find_personal_data(text))


def redact(text: str) -> str:
    """Replace personal data with Thai placeholders; names need ``nlp.names``."""
    if not text:
        return text
    return apply(text, find_personal_data(text))


def pseudonymise(value: str, key: bytes | str) -> str:
    """Keyed hash (HMAC-SHA256, hex) of a value that must stay joinable.

    The same value and key give the same pseudonym, so rows can be counted and
    joined; without the key the value cannot be recovered or guessed by hashing
    candidate IDs.
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not key:
        raise ValueError("pseudonymise: key must not be empty")
    if not value:
        return ""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


# Keys of Rasa's event dictionaries whose values are structure, not words: they
# are kept as they are (an intent name or a message ID is never personal data,
# and a timestamp must stay a number).
_STRUCTURAL_KEYS = frozenset({
    "event", "name", "timestamp", "message_id", "input_channel", "policy", "confidence",
    "entity", "extractor", "start", "end", "processors", "intent_name", "action_name",
    "utter_action", "template_name", "type_name", "id", "model_id", "assistant_id",
    "action_text", "latest_action_name", "hide_rule_turn", "retrieval_intent",
    "response_templates", "intent_response_key", "utter_action", "sender_id",
})
# Keys that hold words somebody wrote or said: these get the full redactor
# (names too); every other string only loses the shapes (cheap regexes).
_FREE_TEXT_KEYS = frozenset({"text", "value", "title"})

# A shared location is where the citizen stands, often their home: stored only
# to two decimals (about 1.1 km), enough to say which district and to rank
# offices on a later turn, too coarse to point at a house.
LOCATION_DECIMALS = 2
_COORDINATES = frozenset({"latitude", "longitude"})
_SHARED_LOCATION = re.compile(r'("(?:latitude|longitude)"\s*:\s*)(-?\d+(?:\.\d+)?)')


def coarsen_location(event: dict[str, Any]) -> dict[str, Any]:
    """``event`` with every coordinate it holds rounded to ``LOCATION_DECIMALS``.

    The coordinates travel as the user's ``/share_location{...}`` text, its
    entities and the slots they fill; all of them are rounded in place.
    """
    def rounded(value: Any) -> Any:
        try:
            return round(float(value), LOCATION_DECIMALS)
        except (TypeError, ValueError):
            return value

    def text(value: Any) -> Any:
        if not isinstance(value, str) or "itude" not in value:
            return value
        return _SHARED_LOCATION.sub(lambda m: f"{m.group(1)}{rounded(m.group(2))}", value)

    if event.get("event") == "slot" and event.get("name") in _COORDINATES:
        event["value"] = rounded(event.get("value"))
    if event.get("event") == "user":
        event["text"] = text(event.get("text"))
        parse_data = event.get("parse_data")
        if isinstance(parse_data, dict):
            parse_data["text"] = text(parse_data.get("text"))
            for entity in parse_data.get("entities") or []:
                if isinstance(entity, dict) and entity.get("entity") in _COORDINATES:
                    entity["value"] = rounded(entity.get("value"))
    return event


def redact_event(
    event: Mapping[str, Any],
    redact_text: Callable[[str], str] = redact,
    redact_other: Callable[[str], str] = redact,
    *,
    find: Callable[[str], list[Finding]] | None = None,
    known: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A copy of a Rasa event (``Event.as_dict()``) with its words redacted.

    ``text`` (the citizen's or the bot's), entity and slot ``value`` and button
    titles go through ``redact_text`` (``nlp.names.redact_all`` adds names);
    every other string through ``redact_other``; structure (event type, action
    and intent names, timestamps, message IDs) is kept as it is. The event
    stays a valid Rasa event: ``Event.from_parameters`` reads it back. A
    shared location's coordinates are coarsened (``coarsen_location``).

    A value cut out of the citizen's message has lost the context that made it
    recognisable ("6336148540" alone is no account number; "บัญชี 6336148540"
    is): with ``find`` (``find_personal_data`` or ``nlp.names.find_all``), the
    personal data found in a user event's text is remembered in ``known``
    (value -> placeholder; pass the same dict for the events of one turn, and
    drop it after) and replaced wherever it appears again, in entity values,
    slots, the bot's echo or metadata.
    """
    memo: dict[str, str] = {}
    if known is None:
        known = {}
    text = event.get("text")
    if find is not None and event.get("event") == "user" and isinstance(text, str) and text:
        findings = find(text)
        memo[text] = apply(text, findings)  # the text and parse_data.text: found once
        for f in findings:
            value = f.text(text).strip()
            # A name's parts travel alone too (an entity "สมชาย" of "สมชาย ใจดี").
            parts = value.split() if f.kind == NAME else []
            for piece in (value, *parts):
                if len(piece) >= 3:  # shorter would replace pieces of ordinary words
                    known[piece] = PLACEHOLDERS[f.kind]
    ordered = sorted(known.items(), key=lambda kv: len(kv[0]), reverse=True)

    def text_redactor(value: str) -> str:
        if value in memo:
            return memo[value]
        return redact_text(_replace_known(value, ordered))

    def other_redactor(value: str) -> str:
        return redact_other(_replace_known(value, ordered))

    return coarsen_location(_redact_value(event, "", text_redactor, other_redactor, free=False))


def _replace_known(value: str, known: list[tuple[str, str]]) -> str:
    for raw, placeholder in known:
        if raw in value:
            value = value.replace(raw, placeholder)
    return value


def _redact_value(value: Any, key: str, redact_text: Callable[[str], str],
                  redact_other: Callable[[str], str], *, free: bool) -> Any:
    if isinstance(value, str):
        if not value or (not free and key in _STRUCTURAL_KEYS):
            return value
        return redact_text(value) if free or key in _FREE_TEXT_KEYS else redact_other(value)
    if isinstance(value, Mapping):
        # Metadata is whatever a channel attached (a profile's display name,
        # say): every string in it is treated as words somebody wrote.
        return {k: _redact_value(v, k, redact_text, redact_other, free=free or k == "metadata")
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        # Items of a list take the key of the list ("value": ["a", "b"]).
        return [_redact_value(v, key, redact_text, redact_other, free=free) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Logging filter that redacts the formatted message of every record.

    ``redactor`` defaults to ``redact`` (shapes only); ``nlp.names`` passes its
    ``redact_all`` to remove names as well.
    """

    def __init__(self, name: str = "", redactor: Callable[[str], str] | None = None) -> None:
        super().__init__(name)
        self._redact = redactor or redact

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction(redactor: Callable[[str], str] | None = None) -> None:
    """Redact the message of every log record of this process, whoever logs it.

    A handler filter only sees the handlers that exist when it is attached, and
    Rasa and rasa-sdk add theirs later; the record factory runs for every
    record that passes its logger's level, before any handler. The redacted
    message replaces ``msg`` and ``args``, so every handler and formatter sees
    only the redacted text (exception tracebacks are formatted by handlers and
    are left alone: they hold code, not citizens' messages). Idempotent.
    """
    current = logging.getLogRecordFactory()
    if getattr(current, "_redacting", False):
        return
    redact_message = redactor or redact
    busy = threading.local()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if getattr(busy, "on", False):
            # A record logged by the redactor itself (PyThaiNLP loading its
            # lists, say) is about the redactor, not a citizen: shapes only.
            message = record.getMessage()
            record.msg, record.args = redact(message), None
            return record
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is the logger's problem, not ours
            return record
        busy.on = True
        try:
            redacted = redact_message(message)
        except Exception:  # noqa: BLE001 - e.g. at interpreter exit, the name model is gone
            # Never write what could not be redacted; the patterns alone are
            # plain Python and still run.
            redacted = redact(message)
        finally:
            busy.on = False
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        return record

    factory._redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
