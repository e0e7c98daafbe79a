"""The cards the real actions send keep the contract, and are kept for the renderers' tests.

Each scenario runs one real action on the fixture knowledge base at a fixed
moment and keeps its card messages (text + card) in tests/fixtures/cards/.
The LINE renderer's tests (Rasa environment) and the web widget's browser test
(through the Rasa stand-in, tests/bot/standin_rasa.py) render exactly those
files: see tests/fixtures/card_contract.py.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.base import KnowledgeAction
from actions.kb import KnowledgeBase
from actions.offices import ActionFindOffice
from actions.services import ASPECTS, ActionAnswerService
from tests.actions.support import BANGKOK, TUESDAY_MORNING, fixed_clock, load_tracker
from common.card import card_schema
from tests.fixtures.card_contract import CARD_MESSAGES, card_errors, check_golden

# Monday 7 December 2026 is a public holiday in the fixture (วันหยุดชดเชยวันพ่อแห่งชาติ).
HOLIDAY_MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=BANGKOK)
TUESDAY_EVENING = datetime(2026, 11, 24, 18, 0, tzinfo=BANGKOK)

# name: (action, tracker scenario, moment)
SCENARIOS: dict[str, tuple[type[KnowledgeAction], str, datetime]] = {
    "service_documents": (ActionAnswerService, "ask_documents_id_card", TUESDAY_MORNING),
    "service_documents_passport": (ActionAnswerService, "ask_documents_passport", TUESDAY_MORNING),
    "service_fee_unknown_amount": (ActionAnswerService, "ask_fee_unknown_amount", TUESDAY_MORNING),
    "service_overview": (ActionAnswerService, "ask_service_id_card", TUESDAY_MORNING),
    "service_where_with_offices": (
        ActionAnswerService, "ask_where_id_card_chiang_mai", TUESDAY_MORNING),
    "offices_nearest_working_day": (ActionFindOffice, "share_location_chom_thong", TUESDAY_MORNING),
    "offices_hours_evening": (ActionFindOffice, "ask_office_hours_chiang_mai", TUESDAY_EVENING),
    "offices_hours_holiday": (ActionFindOffice, "ask_office_hours_chiang_mai", HOLIDAY_MORNING),
}


def card_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages that carry a card, as a channel receives them: text and custom."""
    return [{"text": m["text"], "custom": m["custom"]} for m in messages if m.get("custom")]


@pytest.mark.parametrize("name", SCENARIOS)
async def test_real_cards_keep_the_contract_and_match_the_golden_file(
    name: str, kb: KnowledgeBase, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    action_class, scenario, moment = SCENARIOS[name]
    action = action_class(kb, clock=fixed_clock(moment))
    await action.run(dispatcher, load_tracker(scenario), domain)

    produced = card_messages(dispatcher.messages)
    assert produced, f"{scenario} sent no card"
    for message in produced:
        assert card_errors(message["custom"]["card"]) == []
    check_golden(CARD_MESSAGES / f"{name}.json", produced)


def test_the_golden_folder_holds_exactly_the_scenarios() -> None:
    assert sorted(p.stem for p in CARD_MESSAGES.glob("*.json")) == sorted(SCENARIOS)


def test_the_contract_rejects_what_it_should() -> None:
    """The schema is not vacuous: the legacy field, a wrong code, a missing field all fail."""
    office = {
        "code": "district_office:5001", "name": "ที่ว่าการอำเภอเมืองเชียงใหม่",
        "type_label": "ที่ว่าการอำเภอ", "distance_km": None, "location_is_approximate": True,
        "address": None, "hours": "จันทร์–ศุกร์ 08:30–16:30 น.", "open_now": True,
        "status": "เปิดอยู่ ปิด 16:30 น.", "phone": None, "map_url": None,
        "latitude": None, "longitude": None,
    }
    card = {"type": "offices", "title": "สำนักงาน", "offices": [office]}
    assert card_errors(card) == []
    legacy = {**office, "approximate": True}
    assert card_errors({**card, "offices": [legacy]}) != []
    stand_in_code = {**office, "code": "district_office_5001"}
    assert card_errors({**card, "offices": [stand_in_code]}) != []
    missing = {k: v for k, v in office.items() if k != "open_now"}
    assert card_errors({**card, "offices": [missing]}) != []
    assert card_errors({**card, "offices": []}) != []
    assert card_errors({"type": "carousel"}) != []


def test_the_contract_names_exactly_the_aspects_the_actions_answer() -> None:
    aspect = card_schema()["$defs"]["service"]["properties"]["aspect"]
    assert aspect["enum"] == list(ASPECTS)
