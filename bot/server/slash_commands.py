"""Which messages starting with ``/`` skip NLU, and which are read as text.

Rasa takes any message ``/<intent>{<entities>}`` as that intent with
confidence 1 (``RegexMessageHandler``, the last step of NLU). Our buttons and
quick replies rely on it: ``/feedback{"helpful": "yes"}``,
``/share_location{"latitude": ..}``, the "did you mean" buttons
(``/ask_fee{"service": "passport"}``, ``/faq``, ``/out_of_scope``) and LINE's
``/greet`` when a citizen adds the account. A citizen can type the same
syntax, and Rasa's own intents then do what no button ever asks for:
``/session_start`` starts a new session in the middle of a conversation,
``/back`` silently undoes the last turn, ``/nlu_fallback`` forces the
fallback, ``/greet@0.2`` sets a confidence.

A message is a command only when it is shaped exactly as our payloads are:
an intent of the domain that is not one of Rasa's internal ones, optionally
followed by a JSON object whose keys are entities of the domain and whose
values are plain strings or numbers. ``/restart`` is also one: a citizen may
type it to start over, and the domain's ``utter_restart`` confirms it. Any
other message starting with ``/`` keeps what NLU made of its text.
"""
from __future__ import annotations

import json
import re
from typing import Any, List, Optional

from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.core.constants import (
    USER_INTENT_BACK,
    USER_INTENT_RESTART,
    USER_INTENT_SESSION_START,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

# Typed by citizens on purpose: confirmed by ``utter_restart``.
CITIZEN_COMMANDS = frozenset({USER_INTENT_RESTART})
# Rasa's own intents, which no button of ours sends.
INTERNAL_INTENTS = frozenset(
    {USER_INTENT_SESSION_START, USER_INTENT_BACK, DEFAULT_NLU_FALLBACK_INTENT_NAME})
_PAYLOAD = re.compile(r"/(?P<intent>[A-Za-z_][A-Za-z0-9_]*)(?P<entities>\{.*\})?", re.DOTALL)


def _plain_entities(raw: str, domain: Domain) -> bool:
    try:
        entities: Any = json.loads(raw)
    except ValueError:
        return False
    return isinstance(entities, dict) and all(
        name in domain.entities and isinstance(value, (str, int, float))
        and not isinstance(value, bool)
        for name, value in entities.items())


def is_command(text: str, domain: Domain | None) -> bool:
    """Whether ``text`` is a payload our buttons send (or ``/restart``)."""
    match = _PAYLOAD.fullmatch(text.strip())
    if match is None or domain is None:
        return False
    intent, entities = match.group("intent"), match.group("entities")
    if intent in CITIZEN_COMMANDS:
        return entities is None
    if intent in INTERNAL_INTENTS or intent not in domain.intents:
        return False
    return entities is None or _plain_entities(entities, domain)


# Rasa validates a graph method by its signature: ``self`` unannotated (else
# it is a required input) and the types exactly as Rasa's own method has them.
def _process(self, messages: List[Message],  # type: ignore[no-untyped-def]
             domain: Optional[Domain] = None) -> List[Message]:
    return [
        YAMLStoryReader.unpack_regex_message(message, domain, entity_extractor_name=self.name)
        if is_command(message.get(TEXT) or "", domain) else message
        for message in messages
    ]


def apply() -> None:
    """Let only commands skip NLU (idempotent)."""
    RegexMessageHandler.process = _process  # type: ignore[method-assign]
