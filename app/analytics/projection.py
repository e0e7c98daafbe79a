"""Rasa events to rows of the analytics tables.

Events come one at a time, in the order Rasa stored them (one queue, one
consumer): a ``user`` event opens a turn; the ``action`` and ``bot`` events
after it say which action replied, how (``outcomes``) and how fast; ``slot``
events fill in service and province. Where a conversation stands is kept in
``analytics_cursors``, so a restart of the worker between two events of a turn
changes nothing. Every event is redacted again here (``redact``): the tracker
store sends redacted events, but this store must not depend on every producer
doing so.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics import outcomes
from app.analytics.rollups import Contribution, RollupDelta, contribution
from app.analytics.models import CHANNELS, Conversation, Feedback, Handoff, Turn, TurnCursor
from common.privacy import Finding, redact_event
from nlp import names

FEEDBACK_RATINGS = {"utter_feedback_positive": 1, "utter_feedback_negative": -1}
_CHANNEL_ALIASES = {"webchat": "web", "socket.io": "socketio"}


def message_id(event: dict[str, Any]) -> str:
    """Idempotency key of one event: the hash of its canonical JSON.

    Rasa's pika broker sets no message ID; an event holds its sender and a
    microsecond timestamp, so two different events never share it. Canonical
    (sorted keys), so the same event read back from the tracker store by the
    backfill has the same key as when it came through the broker.
    """
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class FindingsCache:
    """``names.find_all`` remembered per text, for the texts citizens send again and again.

    The same question ("ทำพาสปอร์ตที่ไหน") arrives thousands of times and NER
    costs most of a user event's redaction. The findings are spans, not text,
    and the key is a digest under a key made at start and never stored, so
    the cache holds nothing personal; the answer is the one ``find`` gives,
    so redaction finds exactly what it found without the cache.
    """

    def __init__(self, find: Callable[[str], list[Finding]], size: int = 20_000) -> None:
        self.find = find
        self.size = size
        self._key = secrets.token_bytes(32)
        self._found: OrderedDict[bytes, list[Finding]] = OrderedDict()

    def __call__(self, text: str) -> list[Finding]:
        digest = hashlib.blake2b(text.encode("utf-8"), key=self._key, digest_size=20).digest()
        found = self._found.get(digest)
        if found is not None:
            self._found.move_to_end(digest)
            return list(found)
        found = self.find(text)
        self._found[digest] = list(found)
        if len(self._found) > self.size:
            self._found.popitem(last=False)
        return found


@lru_cache(maxsize=1)
def _find() -> FindingsCache:
    return FindingsCache(names.find_all)


def redact(event: dict[str, Any]) -> dict[str, Any]:
    """The event with nothing personal left: names via NER in what citizens typed.

    A user event's text is searched whole (shapes, cues, name lists, NER);
    what it held is also removed from its entity values and metadata, where it
    stands without the context that gave it away. Every other string loses
    the shapes (the bot's own texts hold no citizen's prose).
    """
    return redact_event(event, find=_find())


def _at(timestamp: Any) -> datetime:
    return datetime.fromtimestamp(float(timestamp or 0), tz=timezone.utc)


def _channel(name: Any) -> str:
    name = _CHANNEL_ALIASES.get(str(name or "").lower(), str(name or "").lower())
    return name if name in CHANNELS else "unknown"


def _province(entity: str, value: Any) -> str | None:
    # Provinces are 2-digit codes, districts 4-digit codes whose first two are the province's.
    value = str(value or "")
    if entity in {"province", "district"} and len(value) in (2, 4) and value.isdigit():
        return value[:2]
    return None


def _code(value: Any, width: int = 32) -> str | None:
    return str(value)[:width] if isinstance(value, (str, int)) and str(value) else None


def turn_id_of(event: dict[str, Any]) -> str | None:
    """The ``turns.id`` a user event opens (before any same-microsecond suffix)."""
    key = event.get("sender_id")
    if event.get("event") != "user" or not isinstance(key, str) or not key:
        return None
    return f"{key[:64]}:{float(event.get('timestamp') or 0):.6f}"


class Projector:
    """Applies redacted events to the tables through one session (one batch).

    Every row a batch touches is loaded up front (``preload``: three queries)
    and looked up in memory afterwards; the session is flushed once, at the
    commit. One round trip per event made the worker wait on the database.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.conversations: dict[str, Conversation] = {}
        self.cursors: dict[str, TurnCursor] = {}
        self.turns: dict[str, Turn] = {}
        # What each touched turn contributed to the summary before this batch.
        self.before: dict[str, Contribution] = {}

    async def preload(self, events: list[dict[str, Any]]) -> None:
        keys = {str(e["sender_id"])[:64] for e in events if isinstance(e.get("sender_id"), str) and e["sender_id"]}
        if not keys:
            return
        for conversation in await self.session.scalars(select(Conversation).where(Conversation.id.in_(keys))):
            self.conversations[conversation.id] = conversation
        for cursor in await self.session.scalars(select(TurnCursor).where(TurnCursor.conversation_id.in_(keys))):
            self.cursors[cursor.conversation_id] = cursor
        wanted = {c.turn_id for c in self.cursors.values() if c.turn_id}
        wanted |= {t for e in events if (t := turn_id_of(e))}
        if wanted:
            for turn in await self.session.scalars(select(Turn).where(Turn.id.in_(wanted))):
                self._loaded(turn)

    def _loaded(self, turn: Turn) -> None:
        self.turns[turn.id] = turn
        self.before.setdefault(turn.id, contribution(turn))

    def rollup_delta(self) -> RollupDelta:
        """What this batch changed in the summary table (``rollups``)."""
        delta = RollupDelta()
        for turn_id, before in self.before.items():
            delta.change(before, contribution(self.turns[turn_id]))
        return delta

    async def apply(self, event: dict[str, Any]) -> None:
        key = event.get("sender_id")
        kind = event.get("event")
        if not key or not isinstance(key, str) or kind is None:
            return
        key = key[:64]
        conversation = self._conversation(key, event)
        cursor = self.cursors.get(key)
        if cursor is None:
            cursor = self.cursors[key] = TurnCursor(conversation_id=key)
            self.session.add(cursor)
        if kind == "user":
            await self._user(conversation, cursor, event)
        elif kind == "action":
            name = event.get("name")
            if name and name not in outcomes.SILENT_ACTIONS:
                cursor.last_action = str(name)[:64]
        elif kind == "bot":
            await self._bot(conversation, cursor, event)
        elif kind == "slot":
            await self._slot(conversation, cursor, event)

    def _conversation(self, key: str, event: dict[str, Any]) -> Conversation:
        at = _at(event.get("timestamp"))
        conversation = self.conversations.get(key)
        if conversation is None:
            conversation = self.conversations[key] = Conversation(
                id=key, citizen_key=key, channel="unknown", started_at=at, ended_at=at, turns=0)
            self.session.add(conversation)
        else:
            conversation.started_at = min(conversation.started_at, at)
            conversation.ended_at = max(conversation.ended_at, at)
        return conversation

    async def _user(self, conversation: Conversation, cursor: TurnCursor, event: dict[str, Any]) -> None:
        parse = event.get("parse_data") or {}
        intent = parse.get("intent") or {}
        metadata = event.get("metadata") or {}
        channel = _channel(event.get("input_channel"))
        if channel != "unknown":
            conversation.channel = channel
        entities = [{"entity": str(e.get("entity")), "value": e.get("value")}
                    for e in parse.get("entities") or [] if isinstance(e, dict)]
        service = next((_code(e["value"]) for e in entities if e["entity"] == "service"), None)
        province = next((p for e in entities if (p := _province(e["entity"], e["value"]))), None)
        if province and conversation.province_code is None:
            conversation.province_code = province
        model = _code(metadata.get("model_id"), 64)
        if model:
            conversation.model_version = model
        turn_id = f"{conversation.id}:{float(event.get('timestamp') or 0):.6f}"
        seq = 0
        while (turn_id if not seq else f"{turn_id}:{seq}") in self.turns:
            seq += 1  # two messages in the same microsecond: not a redelivery (those are skipped)
        turn = Turn(
            id=turn_id if not seq else f"{turn_id}:{seq}", conversation_id=conversation.id,
            at=_at(event.get("timestamp")), text=str(event.get("text") or ""),
            intent=_code(intent.get("name"), 64), confidence=intent.get("confidence"),
            entities=entities, service_code=service, office_code=None,
            province_code=province or conversation.province_code,
            channel=conversation.channel, action=None, outcome=outcomes.FALLBACK,
            latency_ms=None, model_version=model or conversation.model_version,
        )
        self.session.add(turn)
        self.turns[turn.id] = turn
        self.before[turn.id] = None
        conversation.turns = (conversation.turns or 0) + 1
        cursor.turn_id, cursor.user_at, cursor.last_action = turn.id, float(event.get("timestamp") or 0), None
        if service:
            cursor.service_code = service

    async def _current_turn(self, cursor: TurnCursor) -> Turn | None:
        if not cursor.turn_id:
            return None
        turn = self.turns.get(cursor.turn_id)
        if turn is None:  # not preloaded: a cursor changed by another writer meanwhile
            turn = await self.session.get(Turn, cursor.turn_id)
            if turn is not None:
                self._loaded(turn)
        return turn

    async def _bot(self, conversation: Conversation, cursor: TurnCursor, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        metadata = event.get("metadata") or {}
        response = metadata.get("utter_action")
        card = ((data.get("custom") or {}).get("card") if isinstance(data.get("custom"), dict) else None)
        turn = await self._current_turn(cursor)
        rating = FEEDBACK_RATINGS.get(str(response))
        if rating is not None:
            self.session.add(Feedback(
                conversation_id=conversation.id, turn_id=turn.id if turn else None,
                at=_at(event.get("timestamp")), rating=rating, service_code=cursor.service_code,
                province_code=conversation.province_code, channel=conversation.channel))
        if turn is None:
            return  # the greeting of a new session, before the citizen said anything
        if isinstance(card, dict):
            if card.get("type") == "service" and card.get("code"):
                turn.service_code = turn.service_code or _code(card["code"])
                cursor.service_code = turn.service_code
            offices = card.get("offices") or []
            if offices and isinstance(offices[0], dict):
                turn.office_code = turn.office_code or _code(offices[0].get("code"))
        outcome = outcomes.reply_outcome(cursor.last_action, response, bool(data.get("buttons")),
                                         isinstance(card, dict))
        if outcome is not None:
            # The first reply of a turn replaces the "nothing replied" fallback.
            current = turn.outcome if turn.action is not None else None
            turn.outcome = outcomes.stronger(current, outcome) or outcome
            turn.action = cursor.last_action or turn.action
            if outcome == outcomes.HANDOFF:
                self.session.add(Handoff(conversation_id=conversation.id, at=_at(event.get("timestamp")),
                                         reason=_code(response or cursor.last_action, 64)))
        elif turn.action is None:
            turn.action = cursor.last_action
            turn.outcome = outcomes.ANSWERED if cursor.last_action else turn.outcome
        if cursor.user_at is not None and event.get("timestamp") is not None:
            turn.latency_ms = max(0.0, (float(event["timestamp"]) - cursor.user_at) * 1000.0)

    async def _slot(self, conversation: Conversation, cursor: TurnCursor, event: dict[str, Any]) -> None:
        name, value = event.get("name"), event.get("value")
        turn = await self._current_turn(cursor)
        if name == "service" and _code(value):
            cursor.service_code = _code(value)
            if turn is not None and turn.service_code is None:
                turn.service_code = cursor.service_code
        elif name == "pending_aspect" and value and turn is not None:
            turn.outcome = outcomes.stronger(turn.outcome if turn.action else None,
                                             outcomes.ASKED_BACK) or outcomes.ASKED_BACK
        elif name in {"province", "district"}:
            province = _province(name, value)
            if province:
                conversation.province_code = conversation.province_code or province
                if turn is not None and turn.province_code is None:
                    turn.province_code = province
