"""The FAQ response selector runs exactly where its answer can be used."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.response_selector import FaqResponseSelector
from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"


def _pipeline() -> dict[str, dict[str, Any]]:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    return {step["name"].rsplit(".", 1)[-1]: step for step in config["pipeline"]}


def test_skip_thresholds_equal_the_fallback_classifiers() -> None:
    pipeline = _pipeline()
    selector, fallback = pipeline["FaqResponseSelector"], pipeline["FallbackClassifier"]
    assert selector["skip_above"] == fallback["threshold"]
    assert selector["skip_lead"] == fallback["ambiguity_threshold"]


def _selector(**config: Any) -> FaqResponseSelector:
    selector = FaqResponseSelector.__new__(FaqResponseSelector)  # decisions only: no model
    selector.component_config = {**FaqResponseSelector.get_default_config(), **config}
    selector.retrieval_intent = "faq"
    return selector


def _message(*ranking: tuple[str, float]) -> Message:
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={"text": "x", "intent": ranked[0], "intent_ranking": ranked})


@pytest.mark.parametrize(("ranking", "selects"), [
    ((("ask_fee", 0.93), ("faq", 0.04)), False),  # answered as ask_fee
    ((("faq", 0.93), ("ask_fee", 0.04)), True),  # answered as an FAQ
    ((("ask_fee", 0.45), ("faq", 0.40)), True),  # asked back: faq may be offered
    ((("ask_fee", 0.55), ("greet", 0.50)), True),  # ambiguous: asked back as well
    ((("ask_fee", 0.50), ("greet", 0.35)), False),  # at the threshold, clear lead: answered
])
def test_selects_only_when_the_answer_can_be_used(ranking: tuple, selects: bool) -> None:
    assert _selector(skip_above=0.5, skip_lead=0.1).may_be_retrieval(_message(*ranking)) is selects


def test_without_thresholds_every_message_is_selected_as_in_rasa() -> None:
    assert _selector().may_be_retrieval(_message(("ask_fee", 0.99), ("faq", 0.0)))


@pytest.mark.model
def test_trained_model_selects_for_faq_questions_only() -> None:
    require_model(MODEL)
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    faq, service = (asyncio.run(agent.parse_message(text))
                    for text in ("ThaID คืออะไรคะ", "ต่อบัตรประชาชนใช้เอกสารอะไรบ้างคะ"))
    assert faq["intent"]["name"] == "faq"
    assert faq["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/thaid_what"
    assert service["intent"]["name"] == "ask_documents"
    assert "faq" not in (service.get("response_selector") or {})
