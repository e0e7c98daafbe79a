"""Two hot spots of Rasa 3.6.21, fixed without changing behaviour.

Profiled with py-spy on stock Rasa 3.6.21 (bench/README.md):

* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which
  checks the (constant) schema itself before every validation: 67 % of the
  server's CPU time in a turn that runs a custom action. We build the
  validator once; the action server's response is still validated the same way.
* ``EndpointConfig.session`` opens a new aiohttp session, and so a new TCP
  connection, for every call to the action server. We hand out one
  long-lived session per endpoint and event loop instead (keep-alive).
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
from typing import Any

import aiohttp
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
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


def apply() -> None:
    """Install both fixes (idempotent)."""
    global _applied
    if _applied:
        return
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign,assignment]
    EndpointConfig.session = _shared_session  # type: ignore[method-assign,assignment]
    _applied = True
    logger.info("Rasa speed-ups applied: action-result validator, event type lookup, "
                "keep-alive sessions")
