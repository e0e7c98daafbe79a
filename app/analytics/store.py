"""Writes of the analytics store: a batch of messages, applied once each, in one transaction."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import String, any_, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
        done = await _processed(session, ids)
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
        if todo:
            await _mark_processed(session, [m.id for m in todo], now)
    return len(todo)


# On PostgreSQL the batch's message IDs travel as one array parameter: a
# batch is up to 500 IDs, and as one parameter (or one row) each they were
# most of the driver's work per event. SQLite (the embedded default) takes
# them one parameter each, as before.
_IDS = bindparam("ids", type_=ARRAY(String()))
_PROCESSED_AT = bindparam("processed_at", type_=ProcessedMessage.__table__.c.processed_at.type)
_SELECT_PROCESSED = select(ProcessedMessage.message_id).where(ProcessedMessage.message_id == any_(_IDS))
_INSERT_PROCESSED = insert(ProcessedMessage.__table__).from_select(
    ["message_id", "processed_at"], select(func.unnest(_IDS), _PROCESSED_AT))


def _postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def _processed(session: AsyncSession, ids: list[str]) -> set[str]:
    """Which of ``ids`` were applied before."""
    if _postgresql(session):
        return set((await session.scalars(_SELECT_PROCESSED, {"ids": ids})).all())
    query = select(ProcessedMessage.message_id).where(ProcessedMessage.message_id.in_(ids))
    return set((await session.scalars(query)).all())


async def _mark_processed(session: AsyncSession, ids: list[str], at: datetime) -> None:
    if _postgresql(session):
        await session.execute(_INSERT_PROCESSED, {"ids": ids, "processed_at": at})
    else:  # one multi-row INSERT, not an ORM object per message
        await session.execute(insert(ProcessedMessage), [{"message_id": i, "processed_at": at} for i in ids])
