"""Answers about one government service: documents, fees, deadlines, where to apply ..."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import KnowledgeAction, latest_intent
from actions.cards import ServiceCard, custom_payload
from actions.kb import KnowledgeBase
from actions.message_text import (
    age_in,
    asks_amount,
    asks_contact,
    asks_extra_charge,
    asks_how_much_to_pay,
    asks_obligation,
    asks_renewal,
    asks_when,
    aspect_cue,
    has_aspect_cue,
    is_follow_up,
    lapsed_for,
    message_cue,
    question_words,
)
from actions.district_names import shared_name_in
from actions.offices import ask_which_district, offices_for, send_offices
from actions.places import canonical, entity_values, latest_entity, latest_place
from actions.thai import number, province_label, source_line
from app.errors import NotFoundError
from app.kb.models import Province, Service
from app.kb.models.offices import DISTRICT_OFFICE_TYPES, PROVINCE_OFFICE_TYPES
from app.kb.models.services import VEHICLE_CLASSES


@dataclass(frozen=True)
class Aspect:
    """One thing a citizen asks about a service, and the intent that asks it.

    ``title`` heads the answer and its card and names what is missing ("no
    confirmed <title>"); ``description`` reads on a "did you mean" button.
    The aspects' wording is written here and nowhere else.
    """

    key: str
    title: str
    intent: str
    description: str = ""

    @property
    def button_text(self) -> str:
        return self.description or self.title


ASPECTS: dict[str, Aspect] = {
    a.key: a
    for a in (
        Aspect("overview", "ข้อมูลโดยสรุป", "ask_service", "ข้อมูลงานบริการโดยสรุป"),
        Aspect("documents", "เอกสารที่ต้องใช้", "ask_documents"),
        Aspect("fee", "ค่าธรรมเนียม", "ask_fee"),
        Aspect("deadline", "กำหนดเวลา", "ask_deadline", "กำหนดเวลาและค่าปรับ"),
        Aspect("processing_time", "ระยะเวลาดำเนินการ", "ask_processing_time"),
        Aspect("steps", "ขั้นตอน", "ask_steps", "ขั้นตอนการยื่นคำขอ"),
        Aspect("eligibility", "คุณสมบัติผู้ยื่นคำขอ", "ask_eligibility"),
        Aspect("where_to_apply", "สถานที่ยื่นคำขอ", "ask_where_to_apply"),
        Aspect("online", "ช่องทางออนไลน์", "ask_online", "ยื่นคำขอออนไลน์"),
        Aspect("amount", "จำนวนเงินที่ได้รับ", "ask_amount", "จำนวนเงินที่ได้รับต่อเดือน"),
    )
}
ASPECT_BY_INTENT = {a.intent: a.key for a in ASPECTS.values()}
# What "tell me about X" offers next, in this order.
FOLLOW_UP_ASPECTS = ("documents", "fee", "where_to_apply", "processing_time", "steps", "online")

# Offered as buttons when the citizen did not say which service; the most
# asked-about first. Codes missing from the knowledge base are skipped.
POPULAR_SERVICES = (
    "id_card_renewal",
    "id_card_lost",
    "house_move_in",
    "birth_registration",
    "marriage_registration",
    "death_registration",
)
POPULAR_LIMIT = 5
# The office types whose offices the knowledge base lists (generated from geography).
OFFICE_TYPES_WITH_RECORDS = (*DISTRICT_OFFICE_TYPES, *PROVINCE_OFFICE_TYPES)
# The driving licence's two variants: the licence_type entity "temporary"
# (ใบขับขี่ชั่วคราว) means getting one unless the citizen is renewing it.
NEW_LICENCE, LICENCE_RENEWAL = "driving_licence_new", "driving_licence_renewal"
MORE_SERVICES_TEXT = "ยังมีเรื่องที่ถามมาด้วย เลือกเพื่อดูคำตอบได้เลยค่ะ"


def intent_payload(intent: str, entities: dict[str, Any]) -> str:
    """``/ask_fee{"service": "passport"}``: a button that sends an intent with entities."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


# Wording ------------------------------------------------------------------------


def agency_contact(service: Service) -> str:
    """The agency and its hotline when known: never a made-up number."""
    hotline = service.effective_hotline
    agency = service.agency.name_th
    return f"{agency} โทร {hotline}" if hotline else agency


def unknown(service: Service, aspect: str) -> str:
    """No confirmed facts about ``aspect``: say whom to ask (never a guess)."""
    return f"ไม่มีข้อมูล{ASPECTS[aspect].title}ที่ยืนยันได้ กรุณาสอบถาม {agency_contact(service)}"


def fee_amount(service: Service, fee: dict[str, Any]) -> str:
    amount = fee.get("amount")
    if amount is None:
        return unknown(service, "fee")
    if amount == 0:
        return "ฟรี"
    return f"{number(amount)} {fee.get('unit') or 'บาท'}"


def fees_for(service: Service, vehicle_class: str | None) -> list[dict[str, Any]]:
    """The fees that apply to ``vehicle_class``: those for it and those for any vehicle.

    A class no fee names (a public car, when only private ones are listed)
    keeps every fee: a partial list would read as complete.
    """
    fees = service.fees or []
    if vehicle_class is None or not any(f.get("vehicle_class") == vehicle_class for f in fees):
        return fees
    return [f for f in fees if f.get("vehicle_class") in (None, vehicle_class)]


def fee_lines(service: Service, vehicle_class: str | None = None) -> list[str]:
    if service.fees is None:
        return [unknown(service, "fee")]
    if not service.fees:
        return ["ไม่เสียค่าธรรมเนียม"]
    lines = []
    for fee in fees_for(service, vehicle_class):
        condition = fee.get("condition")
        amount = fee_amount(service, fee)
        lines.append(f"{condition}: {amount}" if condition else amount)
    return lines


def fee_summary(service: Service) -> str | None:
    """The fees on one line for the card; None when they are not known."""
    if service.fees is None:
        return None
    if not service.fees:
        return "ไม่เสียค่าธรรมเนียม"
    parts = []
    for fee in service.fees:
        amount = fee.get("amount")
        text = "ไม่มีข้อมูลที่ยืนยันได้" if amount is None else fee_amount(service, fee)
        condition = fee.get("condition")
        parts.append(f"{text} ({condition})" if condition else text)
    return "; ".join(parts)


def _listed(service: Service, items: list[str] | str | None, aspect: str) -> list[str]:
    if isinstance(items, str):
        items = [items]
    return list(items) if items else [unknown(service, aspect)]


async def office_type_list(kb: KnowledgeBase, service: Service) -> str:
    names = await kb.office_type_names()
    return ", ".join(names.get(code, code) for code in service.office_types)


async def where_lines(kb: KnowledgeBase, service: Service) -> list[str]:
    lines = []
    if service.office_types:
        lines.append(f"ยื่นได้ที่ {await office_type_list(kb, service)}")
    if service.where_note:
        lines.append(service.where_note)
    if not lines:
        return [unknown(service, "where_to_apply")]
    if not any(t in OFFICE_TYPES_WITH_RECORDS for t in service.office_types):
        # No office list to show for these types: say who knows the addresses.
        lines.append(f"สอบถามที่ตั้งสำนักงานได้ที่ {agency_contact(service)}")
    return lines


def pays_benefits(service: Service) -> bool:
    return service.benefits is not None


def _band_fits(band: dict[str, Any], age: int) -> bool:
    low, high = band.get("min_age"), band.get("max_age")
    return (low is None or age >= low) and (high is None or age <= high)


def amount_lines(service: Service, age: int | None = None) -> list[str]:
    """Every band of what the service pays; first, the band for ``age`` when one is given."""
    if not service.benefits:
        return [unknown(service, "amount")]
    lines = []
    if age is not None:
        band = next((b for b in service.benefits if _band_fits(b, age)), None)
        if band is not None:
            lines.append(f"อายุ {age} ปี ได้ {number(band['amount'])} {band['unit']}")
        else:
            lines.append(f"อายุ {age} ปี ยังไม่อยู่ในเกณฑ์ที่ได้รับ อัตราที่กำหนดมีดังนี้")
    for band in service.benefits:
        amount = f"{number(band['amount'])} {band['unit']}"
        lines.append(f"{band['condition']}: {amount}" if band.get("condition") else amount)
    if service.legal_basis:
        lines.append(f"ตาม{service.legal_basis}")
    return lines


async def aspect_lines(
    kb: KnowledgeBase,
    service: Service,
    aspect: str,
    age: int | None = None,
    vehicle_class: str | None = None,
) -> list[str]:
    """The body of the answer, one fact per line, without bullets."""
    if aspect == "amount":
        return amount_lines(service, age)
    if aspect == "documents":
        if service.documents == []:
            return ["ไม่ต้องใช้เอกสารประกอบ"]
        return _listed(service, service.documents, "documents")
    if aspect == "fee":
        return fee_lines(service, vehicle_class)
    if aspect == "deadline":
        lines = [service.deadline] if service.deadline else [unknown(service, "deadline")]
        if service.penalty:
            lines.append(f"หากเกินกำหนด: {service.penalty}")
        return lines
    if aspect == "processing_time":
        return _listed(service, service.processing_time, "processing_time")
    if aspect == "steps":
        return _listed(service, service.steps, "steps")
    if aspect == "eligibility":
        return _listed(service, service.eligibility, "eligibility")
    if aspect == "where_to_apply":
        return await where_lines(kb, service)
    if aspect == "online":
        if not service.online_name and not service.online_url:
            return [unknown(service, "online")]
        lines = [f"ยื่นออนไลน์ได้ทาง {service.online_name}"] if service.online_name else []
        if service.online_url:
            lines.append(f"เว็บไซต์ {service.online_url}")
        return lines
    # overview: the three things every citizen needs before going.
    if service.documents == []:
        documents = "ไม่ต้องใช้เอกสารประกอบ"
    elif service.documents:
        documents = ", ".join(service.documents)
    else:
        documents = unknown(service, "documents")
    fee = fee_summary(service) or unknown(service, "fee")
    # Office types only: the note can be a paragraph, and "where" answers it in full.
    where = await office_type_list(kb, service) or (await where_lines(kb, service))[0]
    return [
        f"{ASPECTS['documents'].title}: {documents}",
        f"{ASPECTS['fee'].title}: {fee}",
        f"{ASPECTS['where_to_apply'].title}: {where}",
    ]


def service_source(service: Service) -> str:
    return source_line(service.source_agency or service.agency.name_th, service.checked_on)


def answer_text(
    service: Service, aspect: Aspect, lines: list[str], note: str | None = None
) -> str:
    """The answer: title, one fact per line, the province's note (if any), the source."""
    numbered = aspect.key == "steps" and service.steps
    body = [f"{i}. {line}" if numbered else f"• {line}" for i, line in enumerate(lines, 1)]
    extra = [note] if note else []
    return "\n".join(
        [f"{aspect.title}สำหรับ{service.name_th}ค่ะ", *body, *extra, service_source(service)]
    )


def conversation_province(tracker: Tracker) -> str | None:
    """The province the conversation is about: the latest place named (a district's
    code starts with its province's), else the province slot."""
    place = latest_place(tracker)
    if place is not None and place.code is not None:
        return str(place.code)[:2]
    return canonical("province", tracker.get_slot("province"))  # type: ignore[no-any-return]


def note_line(province: Province, note: str) -> str:
    """``หมายเหตุจังหวัดเชียงใหม่: ...`` (``หมายเหตุกรุงเทพมหานคร: ...``)."""
    return f"หมายเหตุ{province_label(province)}: {note}"


async def province_note(kb: KnowledgeBase, service: Service, tracker: Tracker) -> str | None:
    """``หมายเหตุจังหวัดเชียงใหม่: ...`` when the province has a note on the service."""
    code = conversation_province(tracker)
    if code is None:
        return None
    note = await kb.service_note(service.code, code)
    if note is None:
        return None
    try:
        province = await kb.province(code)
    except NotFoundError:
        return None
    return note_line(province, note.note)


def service_card(service: Service, aspect: Aspect, lines: list[str]) -> ServiceCard:
    return ServiceCard(
        type="service",
        code=service.code,
        name=service.name_th,
        aspect=aspect.key,
        title=aspect.title,
        lines=lines,
        fee=fee_summary(service),
        processing_time=service.processing_time,
        source=service_source(service),
        source_url=service.source_url,
        checked_on=service.checked_on.isoformat() if service.checked_on else None,
        hotline=service.effective_hotline,
    )


# Conversation ---------------------------------------------------------------------


async def ask_which_service(
    kb: KnowledgeBase, dispatcher: CollectingDispatcher, aspect: str
) -> list[EventType]:
    """Ask which service, with buttons; remember the aspect for the bare answer."""
    services = {s.code: s for s in await kb.services()}
    codes = [c for c in POPULAR_SERVICES if c in services]
    codes += [c for c in services if c not in codes]
    buttons = [
        {"title": services[c].name_th, "payload": intent_payload("inform", {"service": c})}
        for c in codes[:POPULAR_LIMIT]
    ]
    dispatcher.utter_message(response="utter_ask_service", buttons=buttons)
    return [SlotSet("pending_aspect", aspect)]


async def _nearest_matching_office(
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    service: Service,
    now: datetime,
) -> None:
    if not service.office_types:
        return
    shared = await shared_name_in(kb, tracker)
    if shared is not None and shared.place is None:
        entities = {"service": service.code}
        await ask_which_district(kb, dispatcher, shared.candidates, "ask_where_to_apply", entities)
        return
    place = shared.place if shared is not None else latest_place(tracker)
    if place is None:
        return
    try:
        where, found = await offices_for(
            kb, place, service.office_types, limit=3 if place.kind == "province" else 1
        )
    except NotFoundError:
        return
    if found:
        await send_offices(kb, dispatcher, f"สำนักงานที่ยื่นได้{where}", found, now)


async def _offer_others(
    kb: KnowledgeBase, dispatcher: CollectingDispatcher, aspect: Aspect, others: Sequence[str]
) -> None:
    buttons = []
    for code in others:
        try:
            other = await kb.service(code)
        except NotFoundError:
            continue
        payload = intent_payload(aspect.intent, {"service": code})
        buttons.append({"title": other.name_th, "payload": payload})
    if buttons:
        dispatcher.utter_message(text=MORE_SERVICES_TEXT, buttons=buttons)


def _meant_aspect(service: Service, aspect_key: str, tracker: Tracker) -> str:
    """"เดือนละเท่าไหร่" of an allowance asks what it pays, whatever the intent said.

    A service that pays nothing has no amount: "how much" is then its fee. "My
    licence expired 2 years ago" (a lapse with its duration) asks what the
    deadline's rules say for that case.
    """
    lapsed = service.deadline and lapsed_for(tracker.latest_message)
    if lapsed and aspect_key in ("overview", "eligibility", "steps"):
        return "deadline"
    if lapsed and aspect_key == "fee" and asks_extra_charge(
            tracker.latest_message.get("text") or ""):
        return "deadline"  # "ขาดไป 2 เดือน เสียเงินเพิ่มไหม": the penalty for being late
    text = tracker.latest_message.get("text") or ""
    if pays_benefits(service):
        if aspect_key in ("fee", "overview", "eligibility") and asks_amount(text):
            return "amount"
        return aspect_key
    if aspect_key in ("fee", "amount") and asks_when(text):
        return "deadline"  # "ต้องจ่ายเดือนไหน": when to pay, not how much
    if aspect_key in ("overview", "eligibility", "steps") and asks_how_much_to_pay(text):
        return "fee"
    return "fee" if aspect_key == "amount" else aspect_key


async def answer_service(
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    codes: Sequence[str],
    aspect_key: str,
    now: datetime,
) -> list[EventType]:
    """Answer ``aspect_key`` of the first service in ``codes`` and offer the others.

    Unknown or missing service: ask which one instead.
    """
    if not codes:
        return await ask_which_service(kb, dispatcher, aspect_key)
    try:
        service = await kb.service(codes[0])
    except NotFoundError:
        return await ask_which_service(kb, dispatcher, aspect_key)
    aspect = ASPECTS[_meant_aspect(service, aspect_key, tracker)]
    lines = await aspect_lines(kb, service, aspect.key, age_in(tracker.latest_message),
                               vehicle_class_in(tracker))
    hotline = service.effective_hotline
    if hotline and asks_contact(tracker.latest_message.get("text") or ""):
        if not any(hotline in line for line in lines):
            lines.append(f"สอบถามได้ที่ {agency_contact(service)}")
    note = await province_note(kb, service, tracker)
    # The card lists the note as its last line: every channel shows it, no new field.
    card_lines = [*lines, note] if note else lines
    dispatcher.utter_message(
        text=answer_text(service, aspect, lines, note),
        json_message=custom_payload(service_card(service, aspect, card_lines)),
    )
    if aspect.key == "where_to_apply":
        await _nearest_matching_office(kb, dispatcher, tracker, service, now)
    await _offer_others(kb, dispatcher, aspect, codes[1:])
    dispatcher.utter_message(response="utter_ask_feedback")
    events: list[EventType] = [
        SlotSet("service", service.code),
        SlotSet("last_topic", f"service:{service.code}:{aspect.key}"),
    ]
    if tracker.get_slot("pending_aspect") is not None:
        events.append(SlotSet("pending_aspect", None))
    return events


def licence_variant(codes: Sequence[str], tracker: Tracker) -> list[str]:
    """The driving licence the citizen means: its renewal when renewing ("จะหมดอายุ ต่อกี่บาท"),
    the new one for a temporary licence not being renewed; bare "ใบขับขี่" stays as tagged."""
    if not codes or codes[0] not in (NEW_LICENCE, LICENCE_RENEWAL):
        return list(codes)
    renewing = asks_renewal(tracker.latest_message.get("text") or "")
    if renewing:
        wanted = LICENCE_RENEWAL
    elif latest_entity(tracker, "licence_type") == "temporary":
        wanted = NEW_LICENCE
    else:
        return list(codes)
    return [wanted, *(c for c in codes if c != wanted)]


def vehicle_class_in(tracker: Tracker) -> str | None:
    """The class of vehicle of the latest message, else the one said earlier (a slot)."""
    value = latest_entity(tracker, "vehicle_class") or tracker.get_slot("vehicle_class")
    return value if value in VEHICLE_CLASSES else None


def answered_service(tracker: Tracker) -> str | None:
    """The service of the answer just given ("service:<code>:<aspect>"), if any."""
    topic = tracker.get_slot("last_topic")
    if not isinstance(topic, str) or not topic.startswith("service:"):
        return None
    return canonical("service", topic.split(":")[1])  # type: ignore[no-any-return]


def answered_aspect(tracker: Tracker) -> str | None:
    """The aspect of the service answer just given ("service:<code>:<aspect>"), if any."""
    topic = tracker.get_slot("last_topic")
    if not isinstance(topic, str) or not topic.startswith("service:"):
        return None
    aspect = topic.rsplit(":", 1)[-1]
    return aspect if aspect in ASPECTS else None


# Below this intent confidence, words that name another aspect decide (bench/README.md,
# 2026-12-07: the slips it corrects scored 0.48 and 0.64, right answers 0.82 and 0.99).
SURE_ASPECT_CONFIDENCE = 0.75


def asked_aspect(tracker: Tracker) -> str:
    """The aspect of the latest question; for a bare answer, the one still pending.

    "Tell me about X" (the overview) gives way to what the words ask
    ("ต้องอายุกี่ขวบ": who may apply) and, in a follow-up about another
    service ("แล้วแจ้งตายล่ะ"), to the aspect just answered.
    """
    aspect = ASPECT_BY_INTENT.get(latest_intent(tracker) or "")
    if aspect is None:
        pending = tracker.get_slot("pending_aspect")
        aspect = pending if pending in ASPECTS else "overview"
    message = tracker.latest_message
    text = message.get("text") or ""
    if aspect == "overview":
        previous = answered_aspect(tracker)
        if cue := message_cue(message):
            return cue
        if previous not in (None, "overview") and is_follow_up(text):
            return str(previous)
    elif aspect != "amount" and intent_confidence(tracker) < SURE_ASPECT_CONFIDENCE:
        # An unsure classifier gives way to the words when they name another
        # aspect and not its own: "ต้องเตรียมอะไรเพิ่ม" asks for documents.
        if asks_obligation(text):
            return "eligibility"
        words = question_words(message)
        if not has_aspect_cue(words, aspect) and (cue := aspect_cue(words)):
            return cue
    return aspect


def intent_confidence(tracker: Tracker) -> float:
    confidence = (tracker.latest_message.get("intent") or {}).get("confidence")
    return float(confidence) if isinstance(confidence, (int, float)) else 1.0


async def service_named_in_text(
    kb: KnowledgeBase, text: str, *, misspelt: bool = True
) -> str | None:
    """The service whose name or alias the text contains, when the NLU tagged none.

    The longest name wins; failing an exact name and if ``misspelt``, one
    misspelt by a single character ("แจ้งเกิก", "จดทะเบียนหยา") counts. The
    names and their spelling index are built once per set of published names.
    """
    return (await kb.service_names()).named_in(text, misspelt=misspelt)


# Several services in one message: the one said as what the citizen already
# has or did ("รับเบี้ยผู้สูงอายุอยู่แล้ว", "ย้ายบ้านแล้ว") is the background, the one
# given as the reason ("เพราะบัตรหาย", "กรณีบัตรหาย") is the case asked about.
_DONE_AFTER = re.compile(r"^\s*(?:\S{0,8}?อยู่แล้ว|แล้ว)")
_REASON_BEFORE = re.compile(r"(?:เพราะ|เนื่องจาก|กรณี)\s*$")
# "Do I need a police report (first)?": asked of the service the report would be for.
POLICE_REPORT = "police_report_lost_documents"
_NEEDS_POLICE_REPORT = re.compile(
    r"ต้อง[^?\n]{0,8}?(?:แจ้งความ|ใบแจ้งความ|ลงบันทึกประจำวัน|report|ตำรวจ|โรงพัก)"
    r".*(?:ไหม|มั้ย|หรือเปล่า|รึเปล่า|ป่าว|ก่อน)", re.IGNORECASE)
# "เบี้ย" alone names an allowance without saying which.
_ALLOWANCE_WORD = "เบี้ย"
ELDERLY_ALLOWANCE_AGE = 60


def tagged_services(message: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(code, start, end) of the services the NLU tagged, in text order."""
    found = []
    for item in message.get("entities") or []:
        code = canonical("service", item.get("value")) if item.get("entity") == "service" else None
        if code is not None and isinstance(item.get("start"), int):
            found.append((code, int(item["start"]), int(item.get("end") or item["start"])))
    return sorted(found, key=lambda found_at: found_at[1])


def by_role(codes: list[str], message: dict[str, Any]) -> list[str]:
    """The services of one message, the one asked about first: a reason before the
    others, one already had or done after them."""
    if len(codes) < 2:
        return codes
    text = message.get("text") or ""
    spans = {code: (start, end) for code, start, end in reversed(tagged_services(message))}

    def rank(code: str) -> int:
        start, end = spans.get(code, (0, 0))
        if _REASON_BEFORE.search(text[:start]):
            return 0
        return 2 if _DONE_AFTER.match(text[end:]) else 1

    return sorted(codes, key=rank)


async def with_longer_name(kb: KnowledgeBase, codes: list[str],
                           message: dict[str, Any]) -> list[str]:
    """The service of a longer name than any the NLU tagged, first.

    The NLU matches names word by word; the text can hold a longer one with
    words between ("ขอใบมรณะของพ่อใหม่": a copy of the certificate, not the
    death registration that "ใบมรณะ" alone names).
    """
    text = message.get("text") or ""
    found = (await kb.service_names()).longest(text)
    if found is None:
        return codes
    code, name = found
    tagged = [text[start:end].replace(" ", "") for _, start, end in tagged_services(message)]
    if code in codes or any(len(t) >= len(name) for t in tagged):
        return codes
    return [code, *codes]


async def services_named(kb: KnowledgeBase, message: dict[str, Any], *, misspelt: bool) -> list[str]:
    """The services a message names, the one asked about first: those the NLU tagged
    (``by_role``, ``with_longer_name``), else one its text names
    (``service_named_in_text``, misspelt names only if ``misspelt``)."""
    codes = by_role(entity_values(message, "service"), message)
    if codes:
        return await with_longer_name(kb, codes, message)
    code = await service_named_in_text(kb, message.get("text") or "", misspelt=misspelt)
    return [code] if code is not None else []


async def allowance_meant(kb: KnowledgeBase, tracker: Tracker) -> str | None:
    """The allowance a bare "เบี้ย" means: the one the conversation's service
    speaks of, else the elderly allowance for an age of 60 or more; None when unclear."""
    text = tracker.latest_message.get("text") or ""
    if _ALLOWANCE_WORD not in text:
        return None
    allowances = [s for s in await kb.services() if any(_ALLOWANCE_WORD in a for a in s.aliases)]
    current = canonical("service", tracker.get_slot("service"))
    if current in {a.code for a in allowances}:
        return str(current)
    if current is not None:
        try:
            record = await kb.service(current)
        except NotFoundError:
            record = None
        facts = " ".join(str(f) for f in (record.eligibility, record.deadline, record.steps)
                         if f) if record is not None else ""
        spoken = [a.code for a in allowances if a.name_th in facts
                  or any(alias in facts for alias in a.aliases if len(alias) >= 8)]
        if len(spoken) == 1:
            return spoken[0]
    age = age_in(tracker.latest_message)
    if age is not None and age >= ELDERLY_ALLOWANCE_AGE:
        banded = [a.code for a in allowances  # pays by age bands that start in old age
                  if any((b.get("min_age") or 0) >= ELDERLY_ALLOWANCE_AGE
                         for b in (a.benefits or []))]
        if len(banded) == 1:
            return banded[0]
    return None


def police_report_asked_of(codes: list[str], tracker: Tracker) -> list[str] | None:
    """"บัตรหาย ต้องไปแจ้งความก่อนไหม": the other service's documents say whether a
    report is needed; the services to answer, or None when that is not the question."""
    text = tracker.latest_message.get("text") or ""
    if not _NEEDS_POLICE_REPORT.search(text):
        return None
    others = [c for c in codes if c != POLICE_REPORT]
    if not others:
        # The slot already holds the report (Rasa fills it from the message's
        # entity): the service talked about is the one last answered.
        current = answered_service(tracker) or canonical("service", tracker.get_slot("service"))
        others = [current] if current and current != POLICE_REPORT else []
    return others or None


class ActionAnswerService(KnowledgeAction):
    """Answer the asked aspect of the named service, or of the one talked about before."""

    def name(self) -> str:
        return "action_answer_service"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        # In a conversation about a service, a near-miss is likelier a word
        # than another service's name: only an exact name changes the service.
        codes = await services_named(self.kb, message, misspelt=tracker.get_slot("service") is None)
        if not codes and (code := await allowance_meant(self.kb, tracker)):
            codes = [code]
        aspect = asked_aspect(tracker)
        if (asked_of := police_report_asked_of(codes, tracker)) is not None:
            codes, aspect = asked_of, "documents"
        if not codes and (code := canonical("service", tracker.get_slot("service"))):
            codes = [code]
        codes = licence_variant(codes, tracker)
        return await answer_service(self.kb, dispatcher, tracker, codes, aspect, self.now())
