"""The dashboard's summary table (``models.ConversationHour``): kept on write, rebuilt on demand.

A turn changes after it is inserted (its reply sets the outcome, a slot the
service or the province), often in a later batch than its user message. So
the writers do not count inserts: the projector notes what each turn it
touches contributed before the batch (nothing, for a new turn) and what it
contributes after, and ``RollupDelta`` adds the difference in the batch's own
transaction. A redelivered message is skipped before projection, so it
changes no turn and adds nothing; a rolled-back batch rolls back its delta.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.models import ConversationHour, Turn

RollupKey = tuple[str, datetime, str, str, str]  # conversation, UTC hour, province, channel, service
Contribution = tuple[RollupKey, str] | None  # (key, outcome); None: the turn did not exist
MEASURES = ("turns", "answered", "asked_back", "fallback", "handoff")
_OUTCOME_COLUMN = {name: i for i, name in enumerate(MEASURES) if i}
WRITE_CHUNK = 2000
_TABLE = ConversationHour.__table__


def hour_of(at: datetime) -> datetime:
    """The UTC hour ``at`` falls in (SQLite hands back naive UTC)."""
    at = at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def contribution_of(conversation_id: str, at: datetime, province_code: str | None,
                    channel: str | None, service_code: str | None, outcome: str) -> Contribution:
    key = (conversation_id, hour_of(at), province_code or "", channel or "unknown", service_code or "")
    return key, outcome


def contribution(turn: Turn) -> Contribution:
    """What ``turn`` adds to the summary as it stands now."""
    return contribution_of(turn.conversation_id, turn.at, turn.province_code, turn.channel,
                           turn.service_code, turn.outcome)


class RollupDelta:
    """Changes to ``rollup_conversation_hours``, summed in memory, written in one go."""

    def __init__(self) -> None:
        self.counts: dict[RollupKey, list[int]] = {}

    def add(self, found: Contribution, sign: int = 1) -> None:
        if found is None:
            return
        key, outcome = found
        row = self.counts.setdefault(key, [0] * len(MEASURES))
        row[0] += sign
        column = _OUTCOME_COLUMN.get(outcome)
        if column is not None:
            row[column] += sign

    def change(self, before: Contribution, after: Contribution) -> None:
        if before != after:
            self.add(before, -1)
            self.add(after, 1)

    async def write(self, session: AsyncSession) -> None:
        """Add the delta to the table (rows created as needed, emptied rows removed)."""
        rows = [
            {"conversation_id": k[0], "hour": k[1], "province_code": k[2], "channel": k[3],
             "service_code": k[4], **dict(zip(MEASURES, v, strict=True))}
            for k, v in self.counts.items() if any(v)
        ]
        if not rows:
            return
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(_TABLE)
        statement = statement.on_conflict_do_update(
            index_elements=[c.name for c in _TABLE.primary_key.columns],
            set_={m: _TABLE.c[m] + statement.excluded[m] for m in MEASURES},
        )
        for i in range(0, len(rows), WRITE_CHUNK):
            await session.execute(statement, rows[i:i + WRITE_CHUNK])
        conversations = sorted({row["conversation_id"] for row in rows if row["turns"] < 0})
        # A turn that moved to another service or province leaves its old row at zero.
        for i in range(0, len(conversations), WRITE_CHUNK):
            await session.execute(delete(_TABLE).where(
                _TABLE.c.conversation_id.in_(conversations[i:i + WRITE_CHUNK]), _TABLE.c.turns <= 0))


async def rebuild(session: AsyncSession, conversation_ids: Iterable[str] | None = None) -> int:
    """Recompute the summary from ``turns`` (all, or these conversations); returns its rows.

    For a store that had turns before the table existed, and after anything
    that wrote ``turns`` without the projector (a bulk load).
    """
    wanted = sorted(set(conversation_ids)) if conversation_ids is not None else None
    if wanted is not None and not wanted:
        return 0
    where: list[Any] = [] if wanted is None else [Turn.conversation_id.in_(wanted)]
    await session.execute(delete(_TABLE).where(
        *([] if wanted is None else [_TABLE.c.conversation_id.in_(wanted)])))
    delta = RollupDelta()
    query = select(Turn.conversation_id, Turn.at, Turn.province_code, Turn.channel,
                   Turn.service_code, Turn.outcome).where(*where)
    result = await session.stream(query.execution_options(yield_per=20_000))
    async for row in result:
        delta.add(contribution_of(*row))
    await delta.write(session)
    return len(delta.counts)


async def rows(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(_TABLE)) or 0)
