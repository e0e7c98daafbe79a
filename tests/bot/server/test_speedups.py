"""The Rasa speed-ups change timing only (same states, validation, lookups, copies,
rule matches), except the documented contract of recent events sent to actions."""
from __future__ import annotations

import copy
import itertools
import json

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.featurizers.single_state_featurizer import SingleStateFeaturizer
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActiveLoop, BotUttered, Event, Restarted, SessionStarted, SlotSet,
    UserUttered, UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from common.paths import ROOT
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
                state.get("user", {}).clear()
                state["prev_action"] = {}
            assert domain.states_for_tracker_history(tracker, omit, ignore, rule_only) == \
                ORIGINAL(domain, tracker, omit, ignore, rule_only)  # ...without harm


def test_rasas_featurizers_leave_the_kept_replay_intact(domain: Domain) -> None:
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in CONVERSATION[:-5]:
        tracker.update(event)
        tracker.latest_message.use_text_for_featurization = None  # text and intent both kept
        for max_history, use_text, ignore in itertools.product([None, 4], [False, True], [False, True]):
            featurizer = MaxHistoryTrackerFeaturizer(SingleStateFeaturizer(), max_history=max_history)
            featurizer.prediction_states([tracker], domain, use_text, ignore_rule_only_turns=ignore)
            for omit, flag_ignore, rule_only in FLAGS:
                assert domain.states_for_tracker_history(tracker, omit, flag_ignore, rule_only) == \
                    ORIGINAL(domain, tracker, omit, flag_ignore, rule_only), event


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


def test_applied_events_equal_rasas_walk_after_every_event(domain: Domain) -> None:
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in CONVERSATION:
        tracker.update(event)
        assert tracker.applied_events() == speedups._original_applied_events(tracker), event
        tracker.applied_events().clear()  # a caller's list is its own
    assert tracker.applied_events() == speedups._original_applied_events(tracker)


def test_tracker_copy_equals_a_replay_and_is_independent(domain: Domain) -> None:
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in CONVERSATION[:-5] + [ActiveLoop("some_form")]:
        tracker.update(event)
    tracker.model_id = "model-1"
    tracker.applied_events()  # leaves a cache on the tracker

    twin, replayed = tracker.copy(), speedups._original_copy(tracker)
    assert twin is not tracker
    assert twin.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)
    def state(t: DialogueStateTracker) -> dict:
        return {k: v for k, v in vars(t).items()
                if k not in ("slots", "events") and not k.startswith(speedups.PRIVATE_PREFIX)}

    assert state(twin) == state(replayed)
    assert list(twin.events) == list(replayed.events)
    assert twin.current_slot_values() == replayed.current_slot_values()

    twin.update(SlotSet("service", "driving_licence"))
    twin.active_loop.rejected = True
    assert tracker.get_slot("service") == "passport"
    assert not tracker.active_loop.rejected
    assert len(tracker.events) == len(twin.events) - 1


def _call_format(tracker: DialogueStateTracker, domain: Domain, **endpoint: object) -> dict:
    action = RemoteAction("action_answer_service", EndpointConfig("http://actions/webhook", **endpoint))
    return action._action_call_format(tracker, domain)


def test_actions_get_the_events_of_the_last_user_turns_and_the_full_state(domain: Domain) -> None:
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in CONVERSATION[:-5]:
        tracker.update(event)

    full = _call_format(tracker, domain)
    assert full["tracker"]["events"] == [e.as_dict() for e in tracker.events]  # Rasa's format

    recent = _call_format(tracker, domain, recent_user_turns=2)
    events = recent["tracker"].pop("events")
    assert [e["event"] for e in events][:1] == ["user"]
    assert [e.get("text") for e in events if e["event"] == "user"] == ["nlu_fallback", "affirm"]
    assert events == full["tracker"].pop("events")[-len(events):]
    assert recent == full  # slots, latest message, loop, domain: all as before
    assert recent["tracker"]["slots"]["province"] == "50"  # said four turns back

    short = DialogueStateTracker("new", domain.slots)
    short.update(_user("greet"))
    assert _call_format(short, domain, recent_user_turns=10)["tracker"]["events"] == \
        [e.as_dict() for e in short.events]


def test_rule_matching_stops_after_the_longest_rule_with_the_same_result(domain: Domain) -> None:
    def key(*states: dict) -> str:
        return json.dumps(list(states), sort_keys=True)

    listen = {"prev_action": {"action_name": "action_listen"}}
    rules = {
        key(listen | {"user": {"intent": "greet"}}): "utter_greet",
        key({}, listen | {"user": {"intent": "greet"}}): "utter_greet",  # conversation start
        key(listen | {"user": {"intent": "ask_fee"}}): "action_answer_service",
        key(listen | {"user": {"intent": "ask_fee"}},
            {"prev_action": {"action_name": "action_answer_service"}, "user": {"intent": "ask_fee"}}):
            "action_listen",
    }
    policy = RulePolicy.__new__(RulePolicy)
    tracker = DialogueStateTracker("someone", domain.slots)
    matched = set()
    for event in CONVERSATION:
        tracker.update(event)
        states = domain.states_for_tracker_history(tracker)
        keys = policy._get_possible_keys(rules, states)
        assert keys == speedups._original_get_possible_keys(policy, rules, states), event
        matched |= keys
    assert matched == set(rules)  # every rule matched somewhere, so the comparison means something


def test_rule_policy_debug_text_is_made_only_when_rendered(domain: Domain) -> None:
    tracker = DialogueStateTracker("someone", domain.slots)
    for event in CONVERSATION[:8]:
        tracker.update(event)
    states = domain.states_for_tracker_history(tracker)
    formatted = Policy.format_tracker_states(states)
    assert copy.deepcopy(formatted) is formatted
    assert str(formatted) == speedups._original_format_tracker_states(states)
    assert "user intent: ask_documents" in str(formatted)
