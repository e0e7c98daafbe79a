"""Load old conversations from Rasa's tracker store into the analytics store, once.

Every stored event is read in Rasa's order and applied like a streamed one:
same redaction, same projection, same idempotency key (the canonical JSON of
``{"sender_id": ..., **event}``, which is what the broker carried). Running it
twice, or after the stream already delivered some events, adds nothing.
Rows written before issue 11 hold the raw sender ID: it is pseudonymised here
with PSEUDONYM_KEY, like the tracker store does now.
"""
from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.analytics import tracker
from app.analytics.store import Message, apply_batch
from common.privacy import pseudonymise


async def backfill(sessions: async_sessionmaker, tracker_engine: sa.Engine, pseudonym_key: str,
                   batch_size: int = 1000) -> tuple[int, int]:
    """Returns (events read, events newly applied)."""
    if not tracker.exists(tracker_engine):
        return 0, 0
    read = applied = 0
    rows = tracker.iter_events(tracker_engine)
    while True:
        chunk: list[tuple[str, dict[str, Any]]] = await asyncio.to_thread(_take, rows, batch_size)
        if not chunk:
            return read, applied
        messages = []
        for sender_id, data in chunk:
            key = sender_id if tracker.is_pseudonym(sender_id) else pseudonymise(sender_id, pseudonym_key)
            messages.append(Message.of({"sender_id": key, **data}))
        read += len(messages)
        applied += await apply_batch(sessions, messages)


def _take(rows: Any, n: int) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for row in rows:
        out.append(row)
        if len(out) == n:
            break
    return out
