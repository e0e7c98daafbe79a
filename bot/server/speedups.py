"""Two hot spots of Rasa 3.6.21, fixed without changing behaviour.

Profiled with py-spy on stock Rasa 3.6.21 (bench/README.md):

* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which
  checks the (constant) schema itself before every validation: 67 % of the
  server's CPU time in a turn that runs a custom action. We build the
  validator once; the action server's response is still validated the same way.
* ``EndpointConfig.session`` opens a new aiohttp session, and so a new TCP
  connection, for every call to the action server. We hand out one
  long-lived session per endpoint and event loop instead (keep-alive).
* ``Domain.states_for_tracker_history`` replays the whole conversation to
  featurise it, once per policy and per prediction, several times a turn
  (a third of the time at turn 150). We keep the replay, with the states
  computed so far, on the tracker object, and on the next call only replay
  the events added since; the result is the same list of states. The
  caching tracker store hands the same tracker object to the next turn, so
  a conversation is replayed once, not on every turn.
* ``Event.resolve_by_type`` walks every ``Event`` subclass, and checks each for
  abstractness, for every event it deserialises; the tracker store deserialises
  every event of the conversation on every turn, so this grows with the
  conversation (18 % of CPU at turn 150). We look the class up in a dict,
  rebuilt when an unknown type name appears (e.g. a custom event class).

Applied once, when the Rasa server imports the project's channels.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

_applied = False
_event_classes: dict[str, type[Event]] = {}


def _action_result_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        _ACTION_RESULT_VALIDATOR.validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your "
            "response from the Action endpoint is valid."
        )
        raise


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    event_class = _event_classes.get(type_name)
    if event_class is None:
        _event_classes.clear()
        for cls in all_subclasses(Event):
            _event_classes.setdefault(cls.type_name, cls)
        event_class = _event_classes.get(type_name)
    if event_class is not None:
        return event_class
    if type_name == "topic":
        return None  # as Rasa: old TopicSet events are ignored
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


_ACTION_RESULT_VALIDATOR = _action_result_validator()
_new_session = EndpointConfig.session
_sessions: dict[tuple[int, int], aiohttp.ClientSession] = {}


class _SharedSession:
    """Stands where Rasa writes ``async with endpoint.session() as s``; never closes."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.endpoint = endpoint

    async def __aenter__(self) -> aiohttp.ClientSession:
        key = (id(self.endpoint), id(asyncio.get_running_loop()))
        session = _sessions.get(key)
        if session is None or session.closed:
            session = _sessions[key] = _new_session(self.endpoint)
        return session

    async def __aexit__(self, *_: Any) -> bool:
        return False


def _shared_session(self: EndpointConfig) -> _SharedSession:
    return _SharedSession(self)


_original_states_for_tracker_history = Domain.states_for_tracker_history
_REPLAYS = "_bot_state_replays"


@dataclass
class _Replay:
    """The loop of ``Domain.states_for_tracker_history``, paused after an event."""

    tracker: DialogueStateTracker
    position: int = 0
    last_event: Event | None = None
    states: list[State] = field(default_factory=list)
    last_ml_action_sub_state: Any = None
    turn_was_hidden: bool = False

    def continues(self, applied: list[Event]) -> bool:
        # Events are only ever removed from the applied list (undo, rewind):
        # if the last replayed event still sits at the same index, the replayed
        # prefix is unchanged.
        if self.position == 0:
            return True
        return len(applied) >= self.position and applied[self.position - 1] is self.last_event


def _add_state(domain: Domain, replay: _Replay, tracker: DialogueStateTracker,
               hide_rule_turn: bool, omit_unset_slots: bool, ignore_rule_only_turns: bool,
               rule_only_data: dict[str, Any] | None) -> None:
    """One iteration of Rasa's loop, verbatim, with its variables on ``replay``."""
    if ignore_rule_only_turns:
        if not replay.turn_was_hidden:
            replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
            replay.turn_was_hidden = hide_rule_turn
        if replay.turn_was_hidden:
            return
    state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if replay.states:
            domain._substitute_rule_only_user_input(state, replay.states[-1])
        if replay.last_ml_action_sub_state:
            state["prev_action"] = replay.last_ml_action_sub_state
    replay.states.append(domain._clean_state(state))


def _copy_state(state: State) -> State:
    # Callers edit the returned states in place (e.g. the last user input).
    return {key: dict(value) for key, value in state.items()}  # type: ignore[misc]


def _states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[State]:
    key = (id(self), omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
    replays: dict[Any, _Replay] = tracker.__dict__.setdefault(_REPLAYS, {})
    applied = tracker.applied_events()
    replay = replays.get(key)
    if replay is None or not replay.continues(applied):
        replay = replays[key] = _Replay(tracker.init_copy())
    flags = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    for event in applied[replay.position:]:
        if isinstance(event, ActionExecuted):
            _add_state(self, replay, replay.tracker, event.hide_rule_turn, *flags)
        replay.tracker.update(event)
    replay.position = len(applied)
    replay.last_event = applied[-1] if applied else None
    # The final state (the tracker as it is now) is not part of the paused loop.
    final = _Replay(replay.tracker, states=[replay.states[-1]] if replay.states else [],
                    last_ml_action_sub_state=replay.last_ml_action_sub_state,
                    turn_was_hidden=replay.turn_was_hidden)
    _add_state(self, final, replay.tracker, False, *flags)
    states = replay.states + final.states[1 if replay.states else 0:]
    return [_copy_state(state) for state in states]


def apply() -> None:
    """Install both fixes (idempotent)."""
    global _applied
    if _applied:
        return
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
    EndpointConfig.session = _shared_session  # type: ignore[method-assign,assignment]
    Domain.states_for_tracker_history = _states_for_tracker_history  # type: ignore[method-assign]
    _applied = True
    logger.info("Rasa speed-ups applied: action-result validator, event type lookup, "
                "keep-alive sessions, incremental featurisation")
