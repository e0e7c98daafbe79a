"""Only our buttons' payloads and /restart skip NLU; other slash text is read as text."""
from __future__ import annotations

import pytest
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.domain import Domain
from rasa.shared.nlu.training_data.message import Message

from bot.server.slash_commands import is_command
from common.paths import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


@pytest.mark.parametrize(
    "payload",
    [
        '/feedback{"helpful": "yes"}',
        '/feedback{"helpful": "no"}',
        '/share_location{"latitude": 13.757, "longitude": 100.502}',
        '/ask_fee{"service": "passport"}',
        '/inform{"service": "id_card"}',
        '/find_office{"province": "เชียงใหม่", "district": "เมืองเชียงใหม่"}',
        "/faq",
        "/out_of_scope",
        "/greet",
        "/restart",
        "  /restart  ",
    ],
)
def test_button_payloads_and_restart_are_commands(payload: str) -> None:
    assert is_command(payload, DOMAIN)


@pytest.mark.parametrize(
    "text",
    [
        "/session_start",
        "/back",
        "/nlu_fallback",
        "/greet@0.2",
        '/restart{"service": "passport"}',
        '/ask_fee{"service": "passport"} แล้วก็พาสปอร์ต',
        '/ask_fee{"colour": "red"}',
        '/ask_fee{"service": {"code": "passport"}}',
        '/ask_fee{"service": true}',
        "/ask_fee{service: passport}",
        '/ask_fee["passport"]',
        "/order_pizza",
        "/สวัสดีค่ะ",
        "/",
        "ต่อบัตรประชาชน /ask_fee",
    ],
)
def test_other_slash_text_is_not_a_command(text: str) -> None:
    assert not is_command(text, DOMAIN)


def test_without_a_domain_nothing_is_a_command() -> None:
    assert not is_command("/greet", None)


def _handled(text: str) -> Message:
    nlu = Message(data={"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3}},
                  output_properties={"text", "intent"})
    (handled,) = RegexMessageHandler().process([nlu], DOMAIN)
    return handled


def test_a_button_payload_becomes_its_intent_and_entities() -> None:
    handled = _handled('/feedback{"helpful": "yes"}')
    assert handled.get("intent") == {"name": "feedback", "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in handled.get("entities")] == [("helpful", "yes")]


def test_typed_session_start_keeps_what_nlu_made_of_the_text() -> None:
    handled = _handled("/session_start")
    assert handled.get("intent") == {"name": "nlu_fallback", "confidence": 0.3}
    assert handled.get("entities") is None
