"""The dashboard's summary tables: kept on write, rebuilt on demand.

``rollup_conversation_hours`` (``models.ConversationHour``) keeps the
conversation, for the views that count distinct conversations; the cubes
``rollup_turn_cube`` and ``rollup_latency_cube`` (``models.TurnCube``,
``models.LatencyCube``) drop it, and keep turns, outcomes, confidence and a
latency histogram per period (UTC hour, day and month) and *cuboid* (which of
province, channel, service and model version a row keeps; ``CUBOIDS``), so
that a year of the whole country reads a few thousand rows;
``rollup_intent_cube`` (``models.IntentCube``) keeps turns and confidence per
intent for the whole country by the same periods; ``rollup_conversation_cube``
(``models.ConversationCube``) distinct conversations per hour, local day and
period of first turn, from the ``rollup_conversation_hours`` rows of each
conversation a batch touches (``conversation_cells``).

A turn changes after it is inserted (its reply sets the outcome and the
latency, a slot the service or the province), often in a later batch than
its user message. So the writers do not count inserts: the projector notes
what each turn it touches contributed before the batch (nothing, for a new
turn) and what it contributes after, and ``RollupDelta`` adds the difference
to every table in the batch's own transaction. A redelivered message is
skipped before projection, so it changes no turn and adds nothing; a
rolled-back batch rolls back its delta. Erasure and retention subtract what
the turns they delete contributed (``forget``), since a cube row does not
know which conversations it holds.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, ColumnElement, Table, and_, bindparam, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.models import (
    ALL, Conversation, ConversationCube, ConversationHour, IntentCube, LatencyCube, Turn, TurnCube,
)

RollupKey = tuple[str, datetime, str, str, str]  # conversation, UTC hour, province, channel, service
# (key, outcome, model version, latency in whole ms, confidence, time, intent); None: the turn did not exist.
Contribution = tuple[RollupKey, str, str, int | None, float | None, datetime, str | None] | None
MEASURES = ("turns", "answered", "asked_back", "fallback", "handoff")
CUBE_MEASURES = (*MEASURES, "confidence_sum", "confidence_turns")
_OUTCOME_COLUMN = {name: i for i, name in enumerate(MEASURES) if i}
WRITE_CHUNK = 2000
_TABLE = ConversationHour.__table__
_CUBE: Table = TurnCube.__table__  # type: ignore[assignment]
_LATENCIES: Table = LatencyCube.__table__  # type: ignore[assignment]
_INTENTS: Table = IntentCube.__table__  # type: ignore[assignment]
INTENT_MEASURES = ("turns", "confidence_sum", "confidence_turns")
_CONVERSATIONS: Table = ConversationCube.__table__  # type: ignore[assignment]
SUMMARIES: tuple[Table, ...] = (_TABLE, _CUBE, _LATENCIES, _INTENTS, _CONVERSATIONS)  # type: ignore[assignment]

# The cube's dimensions, in the order of its key after (grain, period).
DIMENSIONS = ("province_code", "channel", "service_code", "model_version")
HOUR, DAY, MONTH = "h", "d", "m"
GRAINS = (MONTH, DAY, HOUR)  # coarsest first: the order ``pieces`` covers a range in
# The cuboids kept: (dimensions kept, grains). Each view reads, for each
# piece of its range (``pieces``), the coarsest cuboid that keeps what it
# filters and groups by and has that piece's grain; the finest keeps all four
# dimensions by the hour, so every question has an answer. The coarse
# cuboids of the histogram have no hours (by the hour they would be as many
# rows as the finest): a range's hours at its ends come from the finest.
# Which ones are kept is a trade of write work against read work (bench/dashboard.py).
Cuboid = tuple[frozenset[str], tuple[str, ...]]
CUBOIDS: tuple[Cuboid, ...] = (
    (frozenset(DIMENSIONS), (HOUR,)),
    (frozenset(), GRAINS),
    (frozenset({"province_code"}), GRAINS),
    (frozenset({"channel"}), GRAINS),
    (frozenset({"service_code"}), GRAINS),
    (frozenset({"model_version"}), GRAINS),
)
LATENCY_CUBOIDS: tuple[Cuboid, ...] = (
    (frozenset(DIMENSIONS), (HOUR,)),
    (frozenset({"channel"}), (MONTH, DAY)),
    (frozenset({"model_version"}), (MONTH, DAY)),
)
# The intent cube keeps the whole country only (models.IntentCube).
INTENT_GRAINS = GRAINS
# The conversation cube (models.ConversationCube): its dimensions, its
# cuboids (a distinct count cannot be summed from finer cells, so each kept
# set of dimensions is a cuboid of its own) and what its grains count.
CONVERSATION_DIMENSIONS = ("province_code", "channel", "service_code")
CONVERSATION_CUBOIDS = (frozenset(), *(frozenset({d}) for d in CONVERSATION_DIMENSIONS))
IN_HOUR, IN_LOCAL_DAY = "h", "ld"
FIRST_IN = {MONTH: "fm", DAY: "fd", HOUR: "fh"}
# The same, for the conversations whose turns in the cell were all handled alone
# (one answered at least, no fallback, no handoff): containment's numerator.
CONTAINED_FIRST_IN = {MONTH: "cm", DAY: "cd", HOUR: "ch"}
# The zone of the local days kept (the dashboard's default; no daylight saving,
# so a local day is always 24 UTC hours).
LOCAL_ZONE = "Asia/Bangkok"
# Rounding each latency to the nearest millisecond keeps their order, so each
# rank's value moves by at most half a millisecond, and so does any
# interpolation between two ranks: the histogram's percentiles are within
# this of ``percentile_cont`` on the exact values.
LATENCY_BOUND_MS = 0.5


def hour_of(at: datetime) -> datetime:
    """The UTC hour ``at`` falls in (SQLite hands back naive UTC)."""
    at = at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def floor_to(hour: datetime, grain: str) -> datetime:
    """The start of the UTC hour, day or month ``hour`` falls in."""
    if grain == DAY:
        return hour.replace(hour=0)
    if grain == MONTH:
        return hour.replace(day=1, hour=0)
    return hour


def _ceil_to(at: datetime, grain: str) -> datetime:
    start = floor_to(at, grain)
    if start == at:
        return at
    if grain == DAY:
        return start + timedelta(days=1)
    return (start + timedelta(days=32)).replace(day=1)


def pieces(since: datetime | None, until: datetime | None,
           grains: tuple[str, ...] = GRAINS) -> list[tuple[str, datetime | None, datetime | None]]:
    """``[since, until)`` (whole UTC hours; None: unbounded) as whole months, then
    whole days at its ends, then hours: ``(grain, from, to)`` with ``period`` in ``[from, to)``."""
    if len(grains) == 1:
        return [(grains[0], since, until)]
    grain, finer = grains[0], grains[1:]
    start = _ceil_to(since, grain) if since is not None else None
    end = floor_to(until, grain) if until is not None else None
    if start is not None and end is not None and start >= end:
        return pieces(since, until, finer)
    found = [(grain, start, end)]
    if since is not None and start is not None and since < start:
        found += pieces(since, start, finer)
    if until is not None and end is not None and end < until:
        found += pieces(end, until, finer)
    return found


def local_day_of(hour: datetime) -> datetime:
    """The start (in UTC) of the LOCAL_ZONE day the UTC hour ``hour`` falls in."""
    local = hour.astimezone(ZoneInfo(LOCAL_ZONE)).replace(hour=0, minute=0, second=0, microsecond=0)
    return local.astimezone(timezone.utc)


HourRow = tuple[datetime, str, str, str]  # a ConversationHour row of one conversation: hour, province, channel, service
Held = list[int]  # that row's turns, answered turns, and fallback and handoff turns ("failed")


def conversation_cells(rows: dict[HourRow, Held]) -> set[tuple[Any, ...]]:
    """The ConversationCube keys (grain, period, province, channel, service) one
    conversation counts in, given its ConversationHour rows (those with turns count)."""
    cells: set[tuple[Any, ...]] = set()
    first: dict[tuple[str, ...], datetime] = {}
    outcomes: dict[tuple[str, ...], list[int]] = {}  # answered, failed per cell
    for (hour, *values), (turns, answered, failed) in rows.items():
        if turns <= 0:
            continue
        for kept in CONVERSATION_CUBOIDS:
            dims = tuple(v if d in kept else ALL for d, v in zip(CONVERSATION_DIMENSIONS, values, strict=True))
            cells.add((IN_HOUR, hour, *dims))
            cells.add((IN_LOCAL_DAY, local_day_of(hour), *dims))
            if dims not in first or hour < first[dims]:
                first[dims] = hour
            counted = outcomes.setdefault(dims, [0, 0])
            counted[0] += answered
            counted[1] += failed
    for dims, hour in first.items():
        answered, failed = outcomes[dims]
        for grain, code in FIRST_IN.items():
            cells.add((code, floor_to(hour, grain), *dims))
            if answered > 0 and failed == 0:
                cells.add((CONTAINED_FIRST_IN[grain], floor_to(hour, grain), *dims))
    return cells


def latency_bucket(latency_ms: float | None) -> int | None:
    """The whole millisecond nearest ``latency_ms`` (halves up)."""
    return None if latency_ms is None else math.floor(latency_ms + 0.5)


def contribution_of(conversation_id: str, at: datetime, province_code: str | None, channel: str | None,
                    service_code: str | None, outcome: str, model_version: str | None = None,
                    latency_ms: float | None = None, confidence: float | None = None,
                    intent: str | None = None) -> Contribution:
    at = at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
    key = (conversation_id, hour_of(at), province_code or "", channel or "unknown", service_code or "")
    return key, outcome, model_version or "", latency_bucket(latency_ms), confidence, at, intent


def contribution(turn: Turn) -> Contribution:
    """What ``turn`` adds to the summaries as it stands now."""
    return contribution_of(turn.conversation_id, turn.at, turn.province_code, turn.channel,
                           turn.service_code, turn.outcome, turn.model_version, turn.latency_ms,
                           turn.confidence, turn.intent)


def _cells(hour: datetime, values: tuple[str, ...], cuboids: tuple[Cuboid, ...]) -> Iterable[tuple[Any, ...]]:
    """The cube keys (grain, period, *dimensions) one turn of ``hour`` counts in."""
    for kept, grains in cuboids:
        dims = tuple(v if d in kept else ALL for d, v in zip(DIMENSIONS, values, strict=True))
        for grain in grains:
            yield (grain, floor_to(hour, grain), *dims)


_TURN_COLUMNS = ("grain", "period", *DIMENSIONS)
_CONVERSATION_COLUMNS = ("grain", "period", *CONVERSATION_DIMENSIONS)


class RollupDelta:
    """Changes to the summary tables, summed in memory, written in one go."""

    def __init__(self) -> None:
        self.counts: dict[RollupKey, list[int]] = {}
        self.cube: dict[tuple[Any, ...], list[float]] = {}
        self.latencies: dict[tuple[Any, ...], int] = {}
        self.first: dict[tuple[Any, ...], datetime] = {}
        self.intents: dict[tuple[str, datetime, str], list[float]] = {}

    def add(self, found: Contribution, sign: int = 1) -> None:
        if found is None:
            return
        key, outcome, model, latency, confidence, at, intent = found
        row = self.counts.setdefault(key, [0] * len(MEASURES))
        row[0] += sign
        column = _OUTCOME_COLUMN.get(outcome)
        if column is not None:
            row[column] += sign
        values = (key[2], key[3], key[4], model)
        for cell in _cells(key[1], values, CUBOIDS):
            measures = self.cube.get(cell)
            if measures is None:
                measures = self.cube[cell] = [0, 0, 0, 0, 0, 0.0, 0]
            measures[0] += sign
            if column is not None:
                measures[column] += sign
            if confidence is not None:
                measures[5] += sign * confidence
                measures[6] += sign
            if sign > 0 and (cell not in self.first or at < self.first[cell]):
                self.first[cell] = at
        if latency is not None:
            for cell in _cells(key[1], values, LATENCY_CUBOIDS):
                self.latencies[(*cell, latency)] = self.latencies.get((*cell, latency), 0) + sign
        if intent is not None:  # the top intents leave out turns without one
            for grain in INTENT_GRAINS:
                counted = self.intents.setdefault((grain, floor_to(key[1], grain), intent), [0, 0.0, 0])
                counted[0] += sign
                if confidence is not None:
                    counted[1] += sign * confidence
                    counted[2] += sign

    def change(self, before: Contribution, after: Contribution) -> None:
        if before != after:
            self.add(before, -1)
            self.add(after, 1)

    async def write(self, session: AsyncSession) -> None:
        """Add the delta to the tables (rows created as needed, emptied rows removed)."""
        # Before the hour rows change: the conversation cube needs what they held.
        entered = await self._conversation_changes(session)
        rows = [
            {"conversation_id": k[0], "hour": k[1], "province_code": k[2], "channel": k[3],
             "service_code": k[4], **dict(zip(MEASURES, v, strict=True))}
            for k, v in self.counts.items() if any(v)
        ]
        await _upsert(session, _TABLE, rows, MEASURES)
        conversations = sorted({row["conversation_id"] for row in rows if row["turns"] < 0})
        # A turn that moved to another service or province leaves its old row at zero.
        for i in range(0, len(conversations), WRITE_CHUNK):
            await session.execute(delete(_TABLE).where(
                _TABLE.c.conversation_id.in_(conversations[i:i + WRITE_CHUNK]), _TABLE.c.turns <= 0))
        cube = [{**dict(zip(_TURN_COLUMNS, k, strict=True)), **dict(zip(CUBE_MEASURES, v, strict=True)),
                 "first_at": self.first.get(k)}
                for k, v in self.cube.items() if any(v)]
        await _upsert(session, _CUBE, cube, CUBE_MEASURES, lowest=("first_at",))
        await _drop_emptied(session, _CUBE, [row for row in cube if row["turns"] < 0])
        latencies = [{**dict(zip((*_TURN_COLUMNS, "latency_ms"), k, strict=True)), "turns": v}
                     for k, v in self.latencies.items() if v]
        await _upsert(session, _LATENCIES, latencies, ("turns",))
        await _drop_emptied(session, _LATENCIES, [row for row in latencies if row["turns"] < 0])
        intents = [{"grain": k[0], "period": k[1], "intent": k[2], **dict(zip(INTENT_MEASURES, v, strict=True))}
                   for k, v in self.intents.items() if any(v)]
        await _upsert(session, _INTENTS, intents, INTENT_MEASURES)
        await _drop_emptied(session, _INTENTS, [row for row in intents if row["turns"] < 0])
        cells = [{**dict(zip(_CONVERSATION_COLUMNS, k, strict=True)), "conversations": v}
                 for k, v in entered.items() if v]
        await _upsert(session, _CONVERSATIONS, cells, ("conversations",))
        await _drop_emptied(session, _CONVERSATIONS, [row for row in cells if row["conversations"] < 0],
                            "conversations")

    async def _conversation_changes(self, session: AsyncSession) -> dict[tuple[Any, ...], int]:
        """What the batch adds to the conversation cube: the cells each conversation
        enters or leaves, from its ConversationHour rows before and after the batch.

        Only a conversation whose turns or outcomes change can change a cell.
        Two batches of one conversation must not both read its rows before
        either writes (both would add it to the same cell): on PostgreSQL the
        conversations' rows are locked first, so the second waits for the
        first to commit and then reads its rows (SQLite has one writer).
        """
        moved = sorted({k[0] for k, v in self.counts.items() if any(v)})
        held: dict[str, dict[HourRow, Held]] = {c: {} for c in moved}
        postgres = session.get_bind().dialect.name == "postgresql"
        for i in range(0, len(moved), WRITE_CHUNK):
            if postgres:
                await session.execute(select(Conversation.id).where(Conversation.id.in_(
                    moved[i:i + WRITE_CHUNK])).order_by(Conversation.id).with_for_update())
            found = await session.execute(
                select(_TABLE.c.conversation_id, _TABLE.c.hour, _TABLE.c.province_code, _TABLE.c.channel,
                       _TABLE.c.service_code, _TABLE.c.turns, _TABLE.c.answered,
                       _TABLE.c.fallback + _TABLE.c.handoff)
                .where(_TABLE.c.conversation_id.in_(moved[i:i + WRITE_CHUNK]), _TABLE.c.turns > 0))
            for conversation, hour, province, channel, service, *measures in found:
                held[conversation][(hour_of(hour), province, channel, service)] = list(measures)
        after = {c: {row: list(measures) for row, measures in rows.items()} for c, rows in held.items()}
        for key, (turns, answered, _, fallback, handoff) in self.counts.items():
            if key[0] in after:
                measures = after[key[0]].setdefault((key[1], key[2], key[3], key[4]), [0, 0, 0])
                measures[0] += turns
                measures[1] += answered
                measures[2] += fallback + handoff
        changes: dict[tuple[Any, ...], int] = {}
        for conversation in moved:
            old = conversation_cells(held[conversation])
            new = conversation_cells(after[conversation])
            for cell in new - old:
                changes[cell] = changes.get(cell, 0) + 1
            for cell in old - new:
                changes[cell] = changes.get(cell, 0) - 1
        return changes


async def _upsert(session: AsyncSession, table: Table, rows: list[dict[str, Any]],
                  measures: tuple[str, ...], lowest: tuple[str, ...] = ()) -> None:
    """Add ``measures`` to the rows (inserted as needed); ``lowest`` keep the lower value."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    keys = [c.name for c in table.primary_key.columns]
    columns = list(rows[0])
    if dialect == "postgresql":
        # One statement per chunk, each column one array parameter (unnest):
        # an executemany sends and the driver adapts every row on its own.
        source = select(*(func.unnest(bindparam(c, type_=ARRAY(table.c[c].type))).label(c) for c in columns))
        statement = postgresql.insert(table).from_select(columns, source)
    else:
        statement = sqlite.insert(table)
    # PostgreSQL's least() skips NULLs; SQLite's min() of two would return NULL.
    least = func.least if dialect == "postgresql" else func.min
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={**{m: table.c[m] + statement.excluded[m] for m in measures},
              **{c: least(func.coalesce(table.c[c], statement.excluded[c]),
                          func.coalesce(statement.excluded[c], table.c[c])) for c in lowest}},
    )
    # Sorted by key, so two writers touching the same rows take their locks in one order.
    rows.sort(key=lambda row: tuple(row[k] for k in keys))
    for i in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[i:i + WRITE_CHUNK]
        if dialect == "postgresql":
            await session.execute(statement, {c: [row[c] for row in chunk] for c in columns})
        else:
            await session.execute(statement, chunk)


async def _drop_emptied(session: AsyncSession, table: Table, lowered: list[dict[str, Any]],
                        measure: str = "turns") -> None:
    """Delete the rows a negative delta brought to no turns (``measure``; by their periods)."""
    periods: dict[str, set[datetime]] = {}
    for row in lowered:
        periods.setdefault(row["grain"], set()).add(row["period"])
    for grain, found in periods.items():
        ordered = sorted(found)
        for i in range(0, len(ordered), WRITE_CHUNK):
            await session.execute(delete(table).where(
                table.c.grain == grain, table.c.period.in_(ordered[i:i + WRITE_CHUNK]), table.c[measure] <= 0))


_CONTRIBUTING = (Turn.conversation_id, Turn.at, Turn.province_code, Turn.channel, Turn.service_code,
                 Turn.outcome, Turn.model_version, Turn.latency_ms, Turn.confidence, Turn.intent)


async def _delta_of(session: AsyncSession, where: list[ColumnElement[bool]], sign: int) -> RollupDelta:
    delta = RollupDelta()
    query = select(*_CONTRIBUTING).where(*where)
    result = await session.stream(query.execution_options(yield_per=20_000))
    async for row in result:
        delta.add(contribution_of(*row), sign)
    return delta


async def rebuild(session: AsyncSession) -> dict[str, int]:
    """Recompute every summary from ``turns``; returns the rows of each table.

    For a store that had turns before a table existed, and after anything
    that wrote ``turns`` without the projector (a bulk load).
    """
    for table in SUMMARIES:
        await session.execute(delete(table))
    delta = await _delta_of(session, [], 1)
    await delta.write(session)
    tables = [_TABLE, _CUBE, _LATENCIES, _INTENTS, _CONVERSATIONS]
    return {t.name: int(await session.scalar(select(func.count()).select_from(t)) or 0) for t in tables}


async def forget(session: AsyncSession, conversations: Any) -> None:
    """Take out of every summary what the turns of ``conversations`` (a list of keys
    or a SELECT of them) contributed; before those turns are deleted."""
    delta = await _delta_of(session, [Turn.conversation_id.in_(conversations)], -1)
    await delta.write(session)


async def rows(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(_TABLE)) or 0)


def piece_rows(model: Any, grain: str, start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    """The conditions on ``model``'s rows of grain (code) ``grain`` with ``period`` in ``[start, end)``."""
    conditions = [model.grain == grain]
    if start is not None:
        conditions.append(model.period >= start)
    if end is not None:
        conditions.append(model.period < end)
    return conditions


def in_pieces(model: Any, since: datetime | None, until: datetime | None,
              grains: tuple[str, ...] = GRAINS, codes: dict[str, str] | None = None) -> ColumnElement[bool]:
    """``model``'s rows that make up ``[since, until)`` piece by piece (``pieces``);
    ``codes`` maps a grain to the code its rows carry, where it differs."""
    return or_(*(and_(*piece_rows(model, (codes or {}).get(grain, grain), start, end))
                 for grain, start, end in pieces(since, until, grains)))


def read(model: type[TurnCube] | type[LatencyCube], since: datetime | None, until: datetime | None,
         needed: set[str], filters: dict[str, str | None], hours_only: bool = False) -> ColumnElement[bool]:
    """The rows of ``model`` that count each turn of ``[since, until)`` once, for a
    question that filters on ``filters`` (dimension: value, None for no filter)
    and groups by the other ``needed`` dimensions: per piece of the range, the
    coarsest cuboid that keeps them and has the piece's grain."""
    cuboids = [c for c in (CUBOIDS if model is TurnCube else LATENCY_CUBOIDS) if needed <= c[0]]
    kept_grains = {g for _, grains in cuboids for g in grains}
    found = []
    for grain, start, end in pieces(since, until, (HOUR,) if hours_only else
                                    tuple(g for g in GRAINS if g in kept_grains)):
        kept, _ = min((c for c in cuboids if grain in c[1]), key=lambda c: len(c[0]))
        conditions = piece_rows(model, grain, start, end)
        for dimension in DIMENSIONS:
            column = getattr(model, dimension)
            if dimension not in kept:
                conditions.append(column == ALL)
            elif (value := filters.get(dimension)) is not None:
                conditions.append(column == value)
            else:  # the coarser cuboids' rows have ALL here: not theirs to count
                conditions.append(column != ALL)
        found.append(and_(*conditions))
    return or_(*found) if len(found) > 1 else found[0]
