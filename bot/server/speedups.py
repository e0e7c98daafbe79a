"""Hot spots of Rasa 3.6.21, fixed without changing behaviour (one, by contract).

Profiled with py-spy on Rasa 3.6.21 (README, "Benchmarks"):

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
* ``RemoteAction._action_call_format`` sends the action server every event of
  the conversation, with each message's full NLU result: at turn 150 encoding
  it took a fifth of the server's time and decoding it half the action
  server's. With ``recent_user_turns: N`` on the action endpoint
  (endpoints.yml) only the events since the N-th last user message are sent;
  slots, the latest message, the active loop and the latest action are sent in
  full as before. This one is a contract, not a pure speed-up: an action sees
  at most N user turns of history (ours look back two at most; older context
  lives in slots).
* ``DialogueStateTracker.applied_events`` walks the whole conversation, with an
  ``isinstance`` against abstract classes per event, and is called several
  times per prediction. We keep the result on the tracker and extend it with
  the events appended since; any event that can undo earlier ones (restart,
  session start, rewind, loops) makes it walk everything again, as Rasa does.
* ``DialogueStateTracker.copy`` (once per action run) replays every event to
  rebuild the state it already has. We copy the state instead.
* ``RulePolicy._get_possible_keys`` keeps walking back through every state of
  the conversation after the longest rule has been matched, when no state can
  change the answer any more; it now stops there. ``RulePolicy`` also formats
  every state into a debug message on every prediction, even with debug logs
  off; the text is now made only when a log actually renders it.

* ``RasaModel.load`` (DIET, the response selector) builds the model's
  variables by training it for one step on an example, then overwrites them
  with the saved weights. That step runs through ``tf.function``: tracing and
  compiling the training graph was most of the time to load our model, 30 s
  and more of a start on two cores, for a graph that serving never runs. The
  step now runs eagerly (Rasa's own ``run_eagerly`` option); the weights,
  optimizer state and prediction graph loaded afterwards are the same.
  Fine-tuning loads as before.

Applied by bot/server/patches.py, which ``python -m bot`` (bot/__main__.py)
calls before Rasa's command line starts.
"""
from __future__ import annotations

import asyncio
import copy
import dataclasses
import itertools
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUttered,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel

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
# Attributes this project keeps on tracker objects all start with this.
PRIVATE_PREFIX = "_bot_"
_REPLAYS = f"{PRIVATE_PREFIX}state_replays"


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
    # Rasa's featurizers delete keys of the user sub-state in place (the text
    # when an intent is known, or the reverse for the last input); no caller
    # edits the other sub-states, which are shared with the kept replay.
    copied = dict(state)
    if USER in copied:
        copied[USER] = dict(copied[USER])  # type: ignore[assignment]
    return copied  # type: ignore[return-value]


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


_original_action_call_format = RemoteAction._action_call_format
RECENT_USER_TURNS = "recent_user_turns"


def recent_events(tracker: DialogueStateTracker, user_turns: int) -> list[Event]:
    """The events since the ``user_turns``-th last user message (all if fewer)."""
    recent: list[Event] = []
    seen = 0
    for event in reversed(tracker.events):
        recent.append(event)
        if isinstance(event, UserUttered):
            seen += 1
            if seen == user_turns:
                break
    recent.reverse()
    return recent


def _action_call_format(self: RemoteAction, tracker: DialogueStateTracker,
                        domain: Domain) -> dict[str, Any]:
    user_turns = self.action_endpoint.kwargs.get(RECENT_USER_TURNS) if self.action_endpoint else None
    if not user_turns:
        return _original_action_call_format(self, tracker, domain)
    # Rasa's own format, with ``EventVerbosity.ALL`` replaced by the recent events.
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in recent_events(tracker, int(user_turns))]
    call = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
            "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
            self.name()):
        call["domain"] = domain.as_dict()
    return call


_original_applied_events = DialogueStateTracker.applied_events
_APPLIED = f"{PRIVATE_PREFIX}applied_events"
# Events after which Rasa's walk may drop earlier events.
_UNDOING = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)


@dataclass
class _Applied:
    length: int
    last_event: Event | None
    events: list[Event]
    loop_names: frozenset[str]


def _applied_events(self: DialogueStateTracker) -> list[Event]:
    events = self.events
    cached: _Applied | None = self.__dict__.get(_APPLIED)
    if cached is not None and cached.length and len(events) >= cached.length \
            and events[cached.length - 1] is cached.last_event:
        new = list(itertools.islice(events, cached.length, None))
        if not any(isinstance(e, _UNDOING) or (isinstance(e, ActionExecuted)
                                               and e.action_name in cached.loop_names)
                   for e in new):
            cached.events.extend(new)
            cached.length, cached.last_event = len(events), events[-1] if events else None
            return list(cached.events)
    applied = _original_applied_events(self)
    loop_names = frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)
    self.__dict__[_APPLIED] = _Applied(len(events), events[-1] if events else None,
                                       list(applied), loop_names)
    return applied


_original_copy = DialogueStateTracker.copy


def _copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """What ``travel_back_in_time(inf)`` returns, without replaying the events."""
    if type(self) is not DialogueStateTracker or type(self.slots) is not dict:
        return _original_copy(self)
    twin = copy.copy(self)
    for key in [key for key in twin.__dict__ if key.startswith(PRIVATE_PREFIX)]:
        del twin.__dict__[key]  # caches of this module and the tracker store
    twin.events = deque(self.events, self._max_event_history)
    twin.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    twin.latest_action = dict(self.latest_action) if self.latest_action is not None else None
    twin.active_loop = dataclasses.replace(self.active_loop) if self.active_loop else self.active_loop
    # As ``init_copy``: the copy does not carry these.
    twin.sender_source, twin.model_id, twin.assistant_id = None, None, None
    return twin


_original_get_possible_keys = RulePolicy._get_possible_keys


def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[State]) -> set[str]:
    possible_keys = set(lookup.keys())
    # Beyond its length a rule stays applicable (``_is_rule_applicable``), so
    # after the longest rule no state can change the result.
    longest = max((len(self._rule_key_to_state(key)) for key in possible_keys), default=0)
    for index, state in enumerate(reversed(states)):
        if index >= longest or not possible_keys:
            break
        possible_keys = {key for key in possible_keys if self._is_rule_applicable(key, index, state)}
    return possible_keys


_original_format_tracker_states = Policy.format_tracker_states


class _FormattedStates:
    """``Policy.format_tracker_states(states)``, computed only when rendered."""

    def __init__(self, states: list[dict]) -> None:
        self._states = states

    def __str__(self) -> str:
        return _original_format_tracker_states(self._states)

    __repr__ = __str__

    def __deepcopy__(self, _: dict) -> _FormattedStates:
        return self  # Rasa deep-copies it for the log call; it is never changed


def _format_tracker_states(states: list[dict]) -> Any:
    return _FormattedStates(states)


_original_model_load = RasaModel.load.__func__  # type: ignore[attr-defined]


def _load_model(cls: type[RasaModel], model_file_name: str, model_data_example: Any,
                predict_data_example: Any = None, finetune_mode: bool = False,
                *args: Any, **kwargs: Any) -> RasaModel:
    if finetune_mode:
        return _original_model_load(cls, model_file_name, model_data_example,
                                    predict_data_example, finetune_mode, *args, **kwargs)
    config = kwargs.get("config", {})
    # Rasa passes the component's config: its copy decides only how the one
    # building step runs; the model keeps the configured value for serving.
    building = {**kwargs, "config": {**config, RUN_EAGERLY: True}}
    model = _original_model_load(cls, model_file_name, model_data_example,
                                 predict_data_example, finetune_mode, *args, **building)
    # Serving as configured: prediction through tf.function, traced on first use.
    model.run_eagerly = bool(config.get(RUN_EAGERLY))
    if isinstance(getattr(model, "config", None), dict):
        model.config[RUN_EAGERLY] = config.get(RUN_EAGERLY)
    return model


def apply() -> None:
    """Install the fixes (idempotent)."""
    global _applied
    if _applied:
        return
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
    EndpointConfig.session = _shared_session  # type: ignore[method-assign,assignment]
    Domain.states_for_tracker_history = _states_for_tracker_history  # type: ignore[method-assign]
    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
    DialogueStateTracker.applied_events = _applied_events  # type: ignore[method-assign]
    DialogueStateTracker.copy = _copy_tracker  # type: ignore[method-assign]
    RulePolicy._get_possible_keys = _get_possible_keys  # type: ignore[method-assign]
    Policy.format_tracker_states = staticmethod(_format_tracker_states)  # type: ignore[assignment]
    RasaModel.load = classmethod(_load_model)  # type: ignore[method-assign,assignment]
    _applied = True
    logger.info("Rasa speed-ups applied: action-result validator, event type lookup, "
                "keep-alive sessions, incremental featurisation, recent events to actions, "
                "incremental applied events, tracker copies without replay, bounded rule matching, "
                "model loading without tracing a training graph")
