"""Finding offices: nearest to a shared location, or in a named district or province."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.base import KnowledgeAction, latest_intent
from actions.cards import OfficeEntry, OfficesCard, custom_payload
from actions.district_names import candidate_titles, shared_name_in, which_text
from actions.kb import KnowledgeBase
from actions.message_text import asked_day
from actions.office_hours import day_phrase, day_status_text, format_hours, open_status
from actions.places import PLACE_ENTITIES, Place, canonical, latest_entity, latest_place
from actions.thai import distance, district_label, province_label, source_line
from app.errors import NotFoundError
from app.kb.hours import LOOKAHEAD_DAYS, Closure, closure_on, closures_from_data, day_state
from app.kb.models import District, Office

logger = logging.getLogger(__name__)

NEAREST_LIMIT = 3
AREA_LIMIT = 5
PENDING_OFFICE = "office"
PENDING_OFFICE_HOURS = "office_hours"

APPROXIMATE_NOTE = (
    "* ตำแหน่งโดยประมาณ: เป็นจุดกึ่งกลางของอำเภอ/เขต ไม่ใช่ที่ตั้งจริงของสำนักงาน ระยะทางจึงเป็นค่าประมาณค่ะ"
)
# Asked about office hours or a phone number without a place: the general answer
# is about this type.
DEFAULT_OFFICE_TYPE = "district_office"
NO_HOURS_NOTE_TEXT = "ไม่มีข้อมูลเวลาทำการทั่วไปที่ยืนยันได้"
NO_OFFICES_TEXT = "ขออภัยค่ะ ยังไม่พบข้อมูลสำนักงานในพื้นที่นี้ สอบถามได้ที่ศูนย์บริการข้อมูลภาครัฐเพื่อประชาชน โทร 1111 ค่ะ"


def _closures(office: Office) -> list[Closure]:
    try:
        return closures_from_data(office.closures)
    except (ValueError, KeyError, TypeError):
        # Validated when published; a row that still fails must not cost the
        # citizen the office's ordinary hours.
        logger.warning("office %s has a malformed closure", office.code)
        return []


async def _entry(
    kb: KnowledgeBase, office: Office, distance_km: float | None, now: datetime
) -> OfficeEntry:
    today = now.date()
    holidays = await kb.holidays_between(
        today, today + timedelta(days=LOOKAHEAD_DAYS), province_code=office.province_code
    )
    closures = _closures(office)
    closure = closure_on(closures, today)
    go_to = await kb.office_name(closure.go_to_office) if closure and closure.go_to_office else None
    status = open_status(office.hours, office.closed_on_public_holidays, now, holidays,
                         closures, go_to)
    type_names = await kb.office_type_names()
    return OfficeEntry(
        code=office.code,
        name=office.name_th,
        type_label=type_names.get(office.office_type, ""),
        distance_km=round(distance_km, 2) if distance_km is not None else None,
        location_is_approximate=office.location_is_approximate,
        address=office.address,
        hours=format_hours(office.hours, office.closed_on_public_holidays),
        open_now=status.is_open,
        status=status.text,
        phone=office.phone,
        map_url=office.map_url,
        latitude=office.latitude,
        longitude=office.longitude,
    )


async def _office_day_text(kb: KnowledgeBase, office: Office, day: date) -> str:
    holidays = await kb.holidays_between(day, day, province_code=office.province_code)
    state = day_state(office.hours, office.closed_on_public_holidays, day, holidays,
                      closures=_closures(office))
    return day_status_text(state)


def _entry_lines(number: int, entry: OfficeEntry, *, hours_first: bool) -> list[str]:
    lines = [f"{number}. {entry['name']}"]
    if entry["distance_km"] is not None:
        lines.append(f"   ห่างประมาณ {distance(entry['distance_km'])}")
    hours = [f"   ตอนนี้: {entry['status']}", f"   เวลาทำการ: {entry['hours']}"]
    lines += hours if hours_first else hours[::-1]
    if entry["address"]:
        lines.append(f"   ที่อยู่: {entry['address']}")
    if entry["phone"]:
        lines.append(f"   โทร {entry['phone']}")
    if entry["map_url"]:
        approximate = " (ตำแหน่งโดยประมาณ*)" if entry["location_is_approximate"] else ""
        lines.append(f"   แผนที่{approximate}: {entry['map_url']}")
    return lines


async def send_offices(
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    title: str,
    found: Sequence[tuple[Office, float | None]],
    now: datetime,
    *,
    hours_first: bool = False,
    day: date | None = None,
) -> None:
    """One message: the offices as numbered text, and the same list as an offices card.

    With ``day`` (the citizen asked about a date), each office says first
    whether it opens that day.
    """
    entries = [await _entry(kb, office, km, now) for office, km in found]
    lines = [f"{title}ค่ะ"]
    for number, (entry, (office, _)) in enumerate(zip(entries, found, strict=True), start=1):
        office_lines = _entry_lines(number, entry, hours_first=hours_first)
        if day is not None:
            office_lines.insert(1, f"   {day_phrase(day)}: {await _office_day_text(kb, office, day)}")
        lines += office_lines
    if any(e["location_is_approximate"] and e["map_url"] for e in entries):
        lines.append(APPROXIMATE_NOTE)
    card = OfficesCard(type="offices", title=title, offices=entries)
    dispatcher.utter_message(text="\n".join(lines), json_message=custom_payload(card))


async def offices_for(
    kb: KnowledgeBase,
    place: Place,
    office_types: Sequence[str] | None,
    *,
    limit: int | None = None,
) -> tuple[str, list[tuple[Office, float | None]]]:
    """A Thai heading naming the place, and its offices (best first) with distances.

    Raises:
        NotFoundError: the district or province code does not exist.
    """
    if place.kind == "point":
        assert place.latitude is not None and place.longitude is not None
        nearest = await kb.nearest_offices(
            place.latitude, place.longitude, office_types=office_types, limit=limit or NEAREST_LIMIT
        )
        return "ใกล้ตำแหน่งของคุณ", [(office, km) for office, km in nearest]
    assert place.code is not None
    if place.kind == "district":
        district = await kb.district(place.code)
        area = district_label(district)
        if sum(d.name_th == district.name_th for d in await kb.districts()) > 1:
            # A name several provinces share (เฉลิมพระเกียรติ) says which one it is.
            area += f" {province_label(await kb.province(district.province_code))}"
        found = await kb.offices_in_area(
            district_code=place.code, office_types=office_types, limit=limit or AREA_LIMIT
        )
    else:
        area = province_label(await kb.province(place.code))
        found = await kb.offices_in_area(
            province_code=place.code, office_types=office_types, limit=limit or AREA_LIMIT
        )
    return f"ใน{area}", [(office, None) for office in found]


def office_type_asked(tracker: Tracker) -> str | None:
    """The office type of the latest message; the remembered one only if no new place came.

    A type asked about in Bangkok must not filter the offices near a location
    shared later in Chiang Mai.
    """
    office_type = latest_entity(tracker, "office_type")
    if office_type is None and not any(
        latest_entity(tracker, entity) is not None for entity in PLACE_ENTITIES
    ):
        office_type = canonical("office_type", tracker.get_slot("office_type"))
    return office_type


@dataclass(frozen=True)
class _Range:
    weekday: int
    opens: time
    closes: time


def standard_hours_text(standard_hours: Any, closed_on_public_holidays: bool) -> str:
    """A type's standard hours as data states them ([{days, opens, closes}]), in one line."""
    if not standard_hours:
        return NO_HOURS_NOTE_TEXT
    return format_hours(_standard_ranges(standard_hours), closed_on_public_holidays)


def _standard_ranges(standard_hours: Any) -> list[_Range]:
    return [
        _Range(day, time.fromisoformat(block["opens"]), time.fromisoformat(block["closes"]))
        for block in standard_hours or ()
        for day in block["days"]
    ]


async def send_general_answer(
    kb: KnowledgeBase, dispatcher: CollectingDispatcher, office_type: str, day: date | None = None
) -> bool:
    """The national answer for a type of office: usual hours and hotline, then an offer.

    Issue 12 §1: "อำเภอเปิดกี่โมง" deserves the standard hours before any
    question back; "วันที่ 10 ธันวาคม อำเภอเปิดไหม" gets that day first, from
    the national holiday calendar. False when the knowledge base does not know
    the type.
    """
    record = (await kb.office_types()).get(office_type)
    if record is None:
        return False
    hours = record.hours_note or standard_hours_text(
        record.standard_hours, record.closed_on_public_holidays
    )
    lines = [f"{record.name_th}: เวลาทำการโดยทั่วไปค่ะ", f"• {hours}"]
    if day is not None:
        holidays = await kb.holidays_between(day, day)
        state = day_state(_standard_ranges(record.standard_hours),
                          record.closed_on_public_holidays, day, holidays)
        lines[0] = f"{record.name_th} {day_phrase(day)}: {day_status_text(state)}ค่ะ"
    if record.hotline and record.hotline not in (record.hours_note or ""):
        lines.append(f"• สายด่วน {record.hotline}")
    lines.append(source_line(record.source_agency or record.name_th, record.checked_on))
    dispatcher.utter_message(text="\n".join(lines))
    if record.has_office_records:
        dispatcher.utter_message(response="utter_offer_office_lookup")
    return True


async def ask_which_district(
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    candidates: tuple[District, ...],
    intent: str,
    entities: dict[str, Any],
) -> None:
    """One button per district that carries a shared name, naming its province."""
    titles = await candidate_titles(kb, candidates)
    buttons = [
        {"title": title, "payload": f"/{intent}{json.dumps(payload, ensure_ascii=False)}"}
        for d, title in zip(candidates, titles, strict=True)
        if (payload := {**entities, "district": d.code})
    ]
    dispatcher.utter_message(text=which_text(candidates), buttons=buttons)


def _topic(place: Place, hours_first: bool) -> str:
    kind = "office_hours" if hours_first else "office"
    return f"{kind}:{place.code or 'nearby'}"


async def find_offices(
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    now: datetime,
    *,
    hours_first: bool,
) -> list[EventType]:
    """Answer with the offices of the latest place, or ask where (remembering the question).

    Without a place, a question about a type of office or about hours gets the
    national answer first; a district name several provinces share gets one
    button per district.
    """
    pending = PENDING_OFFICE_HOURS if hours_first else PENDING_OFFICE
    office_type = office_type_asked(tracker)
    day = asked_day(tracker.latest_message, now.date())
    shared = await shared_name_in(kb, tracker)
    if shared is not None and shared.place is None:
        entities = {"office_type": office_type} if office_type else {}
        intent = "ask_office_hours" if hours_first else "find_office"
        await ask_which_district(kb, dispatcher, shared.candidates, intent, entities)
        return [SlotSet("pending_aspect", pending)]
    place = shared.place if shared is not None else latest_place(tracker)
    if place is None:
        if (office_type or hours_first or day) and await send_general_answer(
            kb, dispatcher, office_type or DEFAULT_OFFICE_TYPE, day
        ):
            return [SlotSet("pending_aspect", pending)]
        dispatcher.utter_message(response="utter_ask_location")
        return [SlotSet("pending_aspect", pending)]
    try:
        where, found = await offices_for(kb, place, [office_type] if office_type else None)
    except NotFoundError:  # a stale or unknown area code: ask afresh
        dispatcher.utter_message(response="utter_ask_location")
        return [SlotSet("pending_aspect", pending)]
    events: list[EventType] = [SlotSet("last_topic", _topic(place, hours_first))]
    if tracker.get_slot("pending_aspect") is not None:
        events.append(SlotSet("pending_aspect", None))
    if not found:
        dispatcher.utter_message(text=NO_OFFICES_TEXT)
        return events
    type_names = await kb.office_type_names()
    noun = type_names.get(office_type, "สำนักงาน") if office_type else "สำนักงาน"
    title = f"เวลาทำการของ{noun}{where}" if hours_first else f"{noun}{where}"
    await send_offices(kb, dispatcher, title, found, now, hours_first=hours_first, day=day)
    dispatcher.utter_message(response="utter_ask_feedback")
    return events


class ActionFindOffice(KnowledgeAction):
    """Offices near a shared location or in a district/province, with hours and open-now."""

    def name(self) -> str:
        return "action_find_office"

    async def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        hours_first = latest_intent(tracker) == "ask_office_hours"
        return await find_offices(
            self.kb, dispatcher, tracker, self.now(), hours_first=hours_first
        )
