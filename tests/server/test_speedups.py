"""The Rasa speed-ups change timing only: same states, same validation, same lookups."""
from __future__ import annotations

import itertools

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActiveLoop, BotUttered, Event, Restarted, SessionStarted, SlotSet,
    UserUttered, UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import ROOT
from bot.server import speedups

speedups.apply()
ORIGINAL = speedups._original_states_for_tracker_history
FLAGS = list(itertools.product([False, True], [False, True], [None, {"slots": ["service"], "active_loops": []}]))


def _user(intent: str, **entities: str) -> UserUttered:
    return UserUttered(intent, {"name": intent, "confidence": 1.0},
                       [{"entity": k, "value": v, "start": 0, "end": 1} for k, v in entities.items()])


def _turn(intent: str, action: str, **entities: str) -> list[Event]:
    events: list[Event] = [_user(intent, **entities)]
    events += [SlotSet(k, v) for k, v in entities.items()]
    return events + [ActionExecuted(action), BotUttered("x"), ActionExecuted("action_listen")]


CONVERSATION: list[Event] = (
    [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    + _turn("greet", "utter_greet")
    + _turn("ask_documents", "action_answer_service", service="passport")
    + _turn("ask_fee", "action_answer_service")
    + [_user("deny"), UserUtteranceReverted()]  # undone turn
    + _turn("find_office", "action_find_office", province="50")
    + [_user("nlu_fallback"), ActionExecuted("action_two_stage_fallback"),
       ActiveLoop("action_two_stage_fallback"), ActionExecuted("action_listen")]
    + _turn("affirm", "action_answer_service")
    + [ActiveLoop(None)]
    + [ActionExecuted("action_restart"), Restarted()]
    + _turn("thank", "utter_thank")
)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def test_incremental_states_equal_a_full_replay_after_every_event(domain: Domain) -> None:
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in CONVERSATION:
        tracker.update(event)
        for omit, ignore, rule_only in FLAGS:
            incremental = domain.states_for_tracker_history(tracker, omit, ignore, rule_only)
            assert incremental == ORIGINAL(domain, tracker, omit, ignore, rule_only), event
            for state in incremental:  # callers edit results in place...
                for sub_state in state.values():
                    sub_state.clear()
            assert domain.states_for_tracker_history(tracker, omit, ignore, rule_only) == \
                ORIGINAL(domain, tracker, omit, ignore, rule_only)  # ...without harm


def test_action_results_are_still_validated() -> None:
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "ok"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "no_such_event"}]})


def test_event_lookup_resolves_like_rasa() -> None:
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("nonsense", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'nonsense'"):
        Event.resolve_by_type("nonsense")
