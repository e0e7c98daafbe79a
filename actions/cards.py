"""The cards the actions send, typed after the contract ``common/card.schema.json``.

Every answer is complete as plain ``text``; a card is an optional extra sent in
the same bot message as Rasa's ``custom`` payload::

    {"text": "...", "custom": {"card": {"type": "service", ...}}}
    {"text": "...", "custom": {"card": {"type": "offices", ...}}}

What each field means, and which values it may take, is written once, in the
schema; these ``TypedDict``s give the producers the same shape for mypy. The
action tests validate every card they collect against the schema, and the LINE
and web renderers' tests render the real actions' cards
(tests/fixtures/card_contract.py).
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
