"""Writes of the analytics store: a batch of messages, applied once each, in one transaction."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.analytics.models import ProcessedMessage
from app.analytics.projection import Projector, message_id, redact


@dataclass(frozen=True)
class Message:
    """One event as it arrived: its idempotency key and its decoded body."""

    id: str
    event: dict[str, Any]

    @classmethod
    def from_body(cls, body: bytes) -> Message:
        """Raises ValueError on a body that is not a JSON object."""
        event = json.loads(body)
        if not isinstance(event, dict):
            raise ValueError("an event must be a JSON object")
        return cls.of(event)

    @classmethod
    def of(cls, event: dict[str, Any]) -> Message:
        return cls(message_id(event), event)


async def apply_batch(sessions: async_sessionmaker, messages: Sequence[Message],
                      redactor: Callable[[dict[str, Any]], dict[str, Any]] = redact) -> int:
    """Apply the messages not applied before; returns how many were new.

    Each message's ID goes into ``processed_messages`` in the same transaction
    as its rows, so a message redelivered after a crash (acknowledged only
    after this commit) is recognised and skipped. ``redactor`` is replaced
    only by the benchmark, to time the rest without it.
    """
    if not messages:
        return 0
    ids = [m.id for m in messages]
    async with sessions() as session, session.begin():
        done = set((await session.scalars(
            select(ProcessedMessage.message_id).where(ProcessedMessage.message_id.in_(ids)))).all())
        todo = []
        for message in messages:
            if message.id not in done:
                done.add(message.id)
                todo.append(message)
        events = [redactor(m.event) for m in todo]
        projector = Projector(session)
        await projector.preload(events)
        now = datetime.now(timezone.utc)
        with session.no_autoflush:
            for event in events:
                await projector.apply(event)
        await session.flush()  # the summary's rows reference the conversations
        await projector.rollup_delta().write(session)
        if todo:  # one multi-row INSERT, not an ORM object per message
            await session.execute(insert(ProcessedMessage),
                                  [{"message_id": m.id, "processed_at": now} for m in todo])
    return len(todo)
