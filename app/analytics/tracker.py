"""Rasa's tracker store (its ``events`` table) as seen from the analytics commands.

Rasa 3.6's ``SQLTrackerStore`` schema: one row per event, ``sender_id`` (our
pseudonym since issue 11, the raw sender ID in rows written before), the
event as JSON in ``data``. Synchronous SQLAlchemy: the commands run it in a thread.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData()
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")


def is_pseudonym(sender_id: str) -> bool:
    return bool(_PSEUDONYM.match(sender_id))


def create_engine(url: str) -> sa.Engine:
    return sa.create_engine(url)


def exists(engine: sa.Engine) -> bool:
    return sa.inspect(engine).has_table("events")


def iter_events(engine: sa.Engine, chunk: int = 5000) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every stored event in the order Rasa wrote it: (sender_id, event dict)."""
    last = 0
    while True:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.select(events.c.id, events.c.sender_id, events.c.data)
                .where(events.c.id > last).order_by(events.c.id).limit(chunk)).all()
        if not rows:
            return
        for row in rows:
            yield row.sender_id, json.loads(row.data)
        last = rows[-1].id


def conversation_events(engine: sa.Engine, sender_id: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(events.c.data).where(events.c.sender_id == sender_id)
                                  .order_by(events.c.id)).all()
    return [json.loads(row.data) for row in rows]


def delete_conversation(engine: sa.Engine, sender_id: str) -> int:
    with engine.begin() as connection:
        return connection.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount


def delete_older_than(engine: sa.Engine, cutoff: float) -> int:
    """Delete every conversation whose last event is older than ``cutoff`` (epoch seconds)."""
    stale = (sa.select(events.c.sender_id).group_by(events.c.sender_id)
             .having(sa.func.max(events.c.timestamp) < cutoff))
    with engine.begin() as connection:
        return connection.execute(sa.delete(events).where(events.c.sender_id.in_(stale))).rowcount
