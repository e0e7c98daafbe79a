"""A short question in English: say plainly that the assistant works in Thai, and where to read.

Issue 12 §7 asks at minimum for this; full bilingual answers are a later issue.
The pages named are the ones the knowledge base records (a service's
``english_resources``, else its agency's website); hotlines are not offered,
because nothing records which languages they answer in.
"""

from __future__ import annotations

import re

from rasa_sdk.executor import CollectingDispatcher

from actions.kb import KnowledgeBase
from app.errors import NotFoundError

# English words → the service they name, the most specific first. They only pick
# which record's pages to show; every fact shown comes from the knowledge base.
_SERVICE_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"\b(id|identity|identification)\s*card\b.*\b(lost|lose|stolen|missing)\b", "id_card_lost"),
        (r"\b(lost|lose|stolen|missing)\b.*\b(id|identity|identification)\s*card\b", "id_card_lost"),
        (r"\b(id|identity|identification)\s*card\b.*\b(first|15|7)\b", "id_card_first"),
        (r"\b(id|identity|identification)\s*card\b", "id_card_renewal"),
        (r"\bpassport", "passport"),
        (r"\bdriv(ing|er'?s?)\s*licen[cs]e\b.*\b(renew|expire)", "driving_licence_renewal"),
        (r"\b(renew|expire)\w*\b.*\bdriv(ing|er'?s?)\s*licen[cs]e", "driving_licence_renewal"),
        (r"\bdriv(ing|er'?s?)\s*licen[cs]e", "driving_licence_new"),
        (r"\b(car|vehicle|road|motorcycle)\s*tax", "vehicle_tax_renewal"),
        (r"\bdivorc", "divorce_registration"),
        (r"\bmarr(y|iage|ied)", "marriage_registration"),
        (r"\bbirth\b|\bnewborn\b|\bbaby\b", "birth_registration"),
        (r"\bdeath\b|\bdied\b", "death_registration"),
        (r"\bland\b.*\b(transfer|sell|sale|buy|title)|\btransfer\b.*\bland\b", "land_title_transfer"),
        (r"\bland\b.*\btax|\bbuilding\s*tax", "land_building_tax"),
        (r"\bbuilding\s*permit|\bbuild\s+a\s+house", "building_permit"),
        (r"\bwelfare\s*card", "state_welfare_card"),
        (r"\bdisabilit\w*\s*card", "disability_card"),
        (r"\bdisab", "disability_allowance"),
        (r"\b(elderly|old[- ]age|senior)", "elderly_allowance"),
        (r"\b(business|commercial)\s*regist", "commercial_registration"),
        (r"\bchange\b.*\bname\b|\bname\s*change", "name_change"),
        (r"\b(military|conscription|draft)\b", "military_registration"),
        (r"\b(complain|complaint|damrongdhama)", "damrongdhama_complaint"),
        (r"\bhouse\s*(registration|book)|\bmov(e|ing)\s+(house|in)\b", "house_move_in"),
    )
)
_OFFICE_WORDS = re.compile(r"\b(district\s*office|amphoe|khet|provincial\s*hall)\b", re.IGNORECASE)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def service_named(text: str) -> str | None:
    return next((code for pattern, code in _SERVICE_WORDS if pattern.search(text)), None)


def _hours_in_english(standard_hours: list[dict[str, object]] | None) -> str | None:
    if not standard_hours:
        return None
    parts = []
    for block in standard_hours:
        days = sorted(int(d) for d in block["days"])  # type: ignore[union-attr]
        span = _DAYS[days[0]] if len(days) == 1 else f"{_DAYS[days[0]]}–{_DAYS[days[-1]]}"
        parts.append(f"{span} {block['opens']}–{block['closes']}")
    return ", ".join(parts)


async def send_english_answer(
    kb: KnowledgeBase, dispatcher: CollectingDispatcher, text: str
) -> None:
    dispatcher.utter_message(response="utter_english")
    lines: list[str] = []
    code = service_named(text)
    if code is not None:
        try:
            service = await kb.service(code)
        except NotFoundError:
            service = None
        if service is not None:
            name = service.name_en or service.name_th
            agency = service.agency.name_en or service.agency.name_th
            lines.append(f"{name}: handled by the {agency}.")
            for resource in service.english_resources or []:
                lines.append(f"• {resource['title']}: {resource['url']}")
            if service.agency.website:
                lines.append(f"• Website of the {agency}: {service.agency.website}")
    if _OFFICE_WORDS.search(text):
        office_types = await kb.office_types()
        for key in ("district_office", "bangkok_district_office"):
            record = office_types.get(key)
            hours = _hours_in_english(record.standard_hours) if record else None
            if record is not None and hours:
                closed = ", closed on public holidays" if record.closed_on_public_holidays else ""
                lines.append(f"{record.name_en or record.name_th}: usually {hours}{closed}.")
    if lines:
        dispatcher.utter_message(text="\n".join(lines))
