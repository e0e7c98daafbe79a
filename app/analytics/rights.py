"""Retention, export and deletion across every store that holds a conversation.

A conversation lives in three places: Rasa's tracker store (its events, under
the pseudonym), the analytics tables, and the knowledge base's feedback table
(``conversation_pseudonym``, the same HMAC with the same PSEUDONYM_KEY).
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from functools import partial

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.analytics import rollups, tracker
from app.analytics.models import (
    Conversation,
    ConversationHour,
    Feedback,
    Handoff,
    ProcessedMessage,
    Turn,
    TurnCursor,
)
from app.kb.models.feedback import Feedback as KbFeedback


@dataclass
class Stores:
    """Where a conversation may be: analytics sessions, the tracker engine, KB sessions (optional)."""

    analytics: async_sessionmaker
    tracker_engine: sa.Engine | None = None
    kb: async_sessionmaker | None = None
    # Stores that could not be reached by the last command: a delete that
    # missed one must say so (the command exits non-zero), not pretend.
    unavailable: list[str] = field(default_factory=list)


async def _optional(stores: Stores, name: str, work: Callable[[], Awaitable[int]]) -> int:
    try:
        return await work()
    except (SQLAlchemyError, OSError) as error:
        stores.unavailable.append(f"{name}: {type(error).__name__}")
        return 0


async def _kb_ready(kb: async_sessionmaker | None) -> bool:
    """The knowledge base exists and has its feedback table (a fresh install may not)."""
    if kb is None:
        return False
    async with kb() as session:
        connection = await session.connection()
        return await connection.run_sync(lambda c: sa.inspect(c).has_table(KbFeedback.__tablename__))


def _row(obj: Any) -> dict[str, Any]:
    out = {}
    for column in obj.__table__.columns:
        value = getattr(obj, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime) else value
    return out


async def conversation_keys(stores: Stores, *, conversation: str | None = None,
                            citizen: str | None = None) -> list[str]:
    """The conversation keys meant: one conversation, or every one of a citizen."""
    if conversation:
        return [conversation]
    async with stores.analytics() as session:
        keys = list((await session.scalars(
            select(Conversation.id).where(Conversation.citizen_key == citizen))).all())
    # A citizen key is the pseudonym of the sender (ANALYTICS_TABLES.md): the
    # tracker store and feedback may hold it even where analytics holds nothing.
    return keys if citizen in keys else [*keys, citizen] if citizen else keys


async def export(stores: Stores, keys: list[str]) -> dict[str, Any]:
    """Everything stored about the conversations, as JSON-ready data."""
    result: dict[str, Any] = {"exported_at": datetime.now(timezone.utc).isoformat(), "conversations": []}
    for key in keys:
        async with stores.analytics() as session:
            conversation = await session.get(Conversation, key)
            turns = (await session.scalars(select(Turn).where(Turn.conversation_id == key)
                                           .order_by(Turn.at))).all()
            feedback = (await session.scalars(select(Feedback).where(Feedback.conversation_id == key))).all()
            handoffs = (await session.scalars(select(Handoff).where(Handoff.conversation_id == key))).all()
        entry: dict[str, Any] = {
            "key": key,
            "analytics": {
                "conversation": _row(conversation) if conversation else None,
                "turns": [_row(t) for t in turns],
                "feedback": [_row(f) for f in feedback],
                "handoffs": [_row(h) for h in handoffs],
            },
        }
        entry["tracker_store"] = []
        engine = stores.tracker_engine
        try:
            if engine is not None and await asyncio.to_thread(tracker.exists, engine):
                entry["tracker_store"] = await asyncio.to_thread(tracker.conversation_events, engine, key)
        except (SQLAlchemyError, OSError) as error:
            stores.unavailable.append(f"tracker_store: {type(error).__name__}")
        entry["kb_feedback"] = []
        try:
            if await _kb_ready(stores.kb):
                assert stores.kb is not None
                async with stores.kb() as session:
                    rows = (await session.scalars(
                        select(KbFeedback).where(KbFeedback.conversation_pseudonym == key))).all()
                entry["kb_feedback"] = [_row(r) for r in rows]
        except (SQLAlchemyError, OSError) as error:
            stores.unavailable.append(f"kb_feedback: {type(error).__name__}")
        result["conversations"].append(entry)
    return result


async def delete_everywhere(stores: Stores, keys: list[str]) -> dict[str, int]:
    """Delete the conversations from analytics, the tracker store and feedback; counts per store."""
    counts = {"analytics_conversations": 0, "tracker_events": 0, "kb_feedback": 0}
    for key in keys:
        async with stores.analytics() as session, session.begin():
            # The cubes do not know their conversations: take out what its turns added.
            await rollups.forget(session, [key])
            # Children first: on SQLite the cascade needs foreign keys on, which
            # a connection opened elsewhere may not have.
            for model in (Turn, Feedback, Handoff, TurnCursor, ConversationHour):
                await session.execute(delete(model).where(model.conversation_id == key))
            counts["analytics_conversations"] += (await session.execute(
                delete(Conversation).where(Conversation.id == key))).rowcount
        counts["tracker_events"] += await _optional(stores, "tracker_store", partial(_tracker_delete, stores, key))
        counts["kb_feedback"] += await _optional(stores, "kb_feedback", partial(
            _kb_delete, stores, KbFeedback.conversation_pseudonym == key))
    return counts


async def _tracker_delete(stores: Stores, key: str) -> int:
    engine = stores.tracker_engine
    if engine is None or not await asyncio.to_thread(tracker.exists, engine):
        return 0
    return await asyncio.to_thread(tracker.delete_conversation, engine, key)


async def _tracker_expire(stores: Stores, cutoff: float) -> int:
    engine = stores.tracker_engine
    if engine is None or not await asyncio.to_thread(tracker.exists, engine):
        return 0
    return await asyncio.to_thread(tracker.delete_older_than, engine, cutoff)


async def _kb_delete(stores: Stores, where: Any) -> int:
    if not await _kb_ready(stores.kb):
        return 0
    assert stores.kb is not None
    async with stores.kb() as session, session.begin():
        return (await session.execute(delete(KbFeedback).where(where))).rowcount


async def apply_retention(stores: Stores, days: int, now: datetime | None = None) -> dict[str, int]:
    """Delete whatever is older than ``days`` days in every store."""
    if days < 1:
        raise ValueError("retention must be at least 1 day")
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    async with stores.analytics() as session, session.begin():
        old = select(Conversation.id).where(Conversation.ended_at < cutoff)
        await rollups.forget(session, old)
        for model in (Turn, Feedback, Handoff, TurnCursor, ConversationHour):
            await session.execute(delete(model).where(model.conversation_id.in_(old)))
        conversations = (await session.execute(
            delete(Conversation).where(Conversation.ended_at < cutoff))).rowcount
        await session.execute(delete(ProcessedMessage).where(ProcessedMessage.processed_at < cutoff))
    counts = {"analytics_conversations": conversations, "tracker_events": 0, "kb_feedback": 0}
    counts["tracker_events"] = await _optional(stores, "tracker_store",
                                               partial(_tracker_expire, stores, cutoff.timestamp()))
    counts["kb_feedback"] = await _optional(stores, "kb_feedback",
                                            partial(_kb_delete, stores, KbFeedback.created_at < cutoff))
    return counts
