"""Writes of the analytics store: a batch of messages, applied once each, in one transaction."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
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


async def apply_batch(sessions: async_sessionmaker, messages: Sequence[Message]) -> int:
    """Apply the messages not applied before; returns how many were new.

    Each message's ID goes into ``processed_messages`` in the same transaction
    as its rows, so a message redelivered after a crash (acknowledged only
    after this commit) is recognised and skipped.
    """
    if not messages:
        return 0
    ids = [m.id for m in messages]
    async with sessions() as session, session.begin():
        done = set((await session.scalars(
            select(ProcessedMessage.message_id).where(ProcessedMessage.message_id.in_(ids)))).all())
        projector = Projector(session)
        now = datetime.now(timezone.utc)
        applied = 0
        for message in messages:
            if message.id in done:
                continue
            done.add(message.id)
            await projector.apply(redact(message.event))
            session.add(ProcessedMessage(message_id=message.id, processed_at=now))
            applied += 1
    return applied
