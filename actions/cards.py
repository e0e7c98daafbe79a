"""Schemas of the rich cards the actions send, for the LINE and web-chat renderers.

Every answer is complete as plain ``text``; a card is an optional extra sent in
the same bot message as Rasa's ``custom`` payload::

    {"text": "...", "custom": {"card": {"type": "service", ...}}}
    {"text": "...", "custom": {"card": {"type": "offices", ...}}}

Renderers switch on ``card["type"]`` and must ignore types and fields they do
not know (new optional fields may be added; existing ones keep their meaning).
All strings are Thai and ready to display; none of them contains text the
citizen typed. ``None`` means "not known": show nothing rather than a guess.

Service card (``type == "service"``) — one service, one aspect:
    code            service code (``data/kb/services/<code>.yml``)
    name            Thai name of the service
    aspect          which question was answered: ``overview``, ``documents``,
                    ``fee``, ``deadline``, ``processing_time``, ``steps``,
                    ``eligibility``, ``where_to_apply`` or ``online``
    title           Thai heading of that aspect, e.g. ``เอกสารที่ต้องใช้``
    lines           body lines, in order, without bullets or numbers (the
                    renderer adds them); the same facts as the text
    fee             one-line fee summary, or None when no fee is known
    processing_time processing time, or None
    source          ``ที่มา: <agency> (ตรวจสอบ <Thai date>)``
    source_url      official page of the source, or None
    checked_on      ISO date the facts were last checked, e.g. ``2026-11-24``
    hotline         the number to call about this service, or None

Offices card (``type == "offices"``) — a list, best first:
    title           Thai heading, e.g. ``สำนักงานใกล้คุณ``
    offices         list of office entries:
        code                     office code
        name                     Thai name
        type_label               Thai name of the office type
        distance_km              kilometres from the citizen's point (2 decimals),
                                 None when the list is by area rather than distance
        location_is_approximate  True when the pin is an estimate of the district's
                                 middle, not the office itself: say so next to the map
        address                  postal address, or None
        hours                    opening hours as one line, e.g.
                                 ``จันทร์–ศุกร์ 08:30–16:30 ปิดวันหยุดราชการ``
        open_now                 True/False in Asia/Bangkok at answer time, None if
                                 the hours are unknown
        status                   Thai status line, e.g. ``เปิดอยู่ ปิด 16:30 น.``
        phone                    phone number, or None
        map_url                  link that opens a map pin, or None without a point
        latitude, longitude      the pin, or None
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class ServiceCard(TypedDict):
    type: Literal["service"]
    code: str
    name: str
    aspect: str
    title: str
    lines: list[str]
    fee: str | None
    processing_time: str | None
    source: str
    source_url: str | None
    checked_on: str | None
    hotline: str | None


class OfficeEntry(TypedDict):
    code: str
    name: str
    type_label: str
    distance_km: float | None
    location_is_approximate: bool
    address: str | None
    hours: str
    open_now: bool | None
    status: str
    phone: str | None
    map_url: str | None
    latitude: float | None
    longitude: float | None


class OfficesCard(TypedDict):
    type: Literal["offices"]
    title: str
    offices: list[OfficeEntry]


Card = ServiceCard | OfficesCard


def custom_payload(card: Card) -> dict[str, Any]:
    """The ``json_message`` for ``dispatcher.utter_message`` that carries ``card``."""
    return {"card": dict(card)}
