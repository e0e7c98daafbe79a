"""The dashboard's questions to the analytics store, one repository function per view.

Every function takes a session, a ``Filter`` (date range, province, channel,
service) and the caller's ``Scope``. The scope is a required argument, not a
default: a provincial officer's scope narrows every query to their province
here, in the query layer, so no route can forget it. Asking for another
province than the scope allows raises ``ForbiddenError``.

Times are stored in UTC; days, hours and weekdays are counted in the
dashboard's time zone (Asia/Bangkok by default, which has no daylight saving,
so SQLite can shift by a fixed offset). The views read the summaries
(``rollups``) when they answer exactly: a range on whole UTC hours (every
range of local days in a zone a whole number of hours from UTC); otherwise,
and with ``use_rollups=False``, ``turns``. Views that count distinct
conversations read the conversation cube ``rollup_conversation_cube`` where
one of its cuboids keeps exactly what they filter and group by (volume per
hour, and per local day of Asia/Bangkok; per province, channel or service
over a range, as the conversations first seen in the range plus those seen
before it that come back), else ``rollup_conversation_hours``, as
containment does; sums of turns, outcomes and confidence read the cube
``rollup_turn_cube`` (per intent ``rollup_intent_cube``, for the whole
country), latency percentiles its histogram ``rollup_latency_cube``. Both
give the same figures (a test compares them), but for latency percentiles, which the histogram of whole
milliseconds gives within ``rollups.LATENCY_BOUND_MS``. On ``turns``,
PostgreSQL computes percentiles with ``percentile_cont``; SQLite, which has
none, reads the two neighbouring values by offset and interpolates the same
way, so both backends agree; the histogram is interpolated the same way.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, Select, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from app.analytics import rollups
from app.analytics.models import (
    ALL, Conversation, ConversationCube, ConversationHour, Feedback, Handoff, IntentCube, LatencyCube, Turn,
    TurnCube,
)
from app.errors import ForbiddenError, ValidationError

OUTCOMES = ("answered", "asked_back", "fallback", "handoff")
CHANNELS = ("rest", "line", "socketio", "web", "unknown")
PERCENTILES = (0.5, 0.95, 0.99)
DEFAULT_TIMEZONE = "Asia/Bangkok"
Row = dict[str, Any]
Bucket = Literal["day", "hour"]


@dataclass(frozen=True)
class Filter:
    """What the dashboard's filters ask for; ``None`` means no restriction.

    ``since`` is inclusive and ``until`` exclusive, both aware datetimes.
    """

    since: datetime | None = None
    until: datetime | None = None
    province_code: str | None = None
    channel: str | None = None
    service_code: str | None = None
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValidationError(f"{name} must carry a time zone")
        if self.since and self.until and self.since >= self.until:
            raise ValidationError("since must be before until")

    @classmethod
    def for_dates(
        cls, first: date | None, last: date | None, tz: str = DEFAULT_TIMEZONE, **kwargs: Any
    ) -> Filter:
        """The local days ``first`` to ``last``, both included."""
        zone = ZoneInfo(tz)
        since = datetime.combine(first, time(), zone) if first else None
        until = datetime.combine(last + timedelta(days=1), time(), zone) if last else None
        return cls(since=since, until=until, timezone=tz, **kwargs)


@dataclass(frozen=True)
class Scope:
    """What the caller may see: the whole country (``None``) or one province."""

    province_code: str | None = None

    @classmethod
    def country(cls) -> Scope:
        return cls(None)

    def apply(self, filters: Filter) -> Filter:
        """``filters`` narrowed to this scope.

        Raises:
            ForbiddenError: the filter names a province outside the scope.
        """
        if self.province_code is None:
            return filters
        if filters.province_code not in (None, self.province_code):
            raise ForbiddenError(
                f"scope is province {self.province_code}, not {filters.province_code}"
            )
        return replace(filters, province_code=self.province_code)


def _backend(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _bound(session: AsyncSession, value: datetime) -> datetime:
    """The UTC datetime the column's type binds (as UTC text on SQLite)."""
    return value.astimezone(timezone.utc)


def _conditions(
    session: AsyncSession, model: type[Turn] | type[Feedback] | type[ConversationHour], filters: Filter
) -> list[ColumnElement[bool]]:
    at = model.hour if model is ConversationHour else model.at  # type: ignore[union-attr]
    conditions: list[ColumnElement[bool]] = []
    if filters.since is not None:
        conditions.append(at >= _bound(session, filters.since))
    if filters.until is not None:
        conditions.append(at < _bound(session, filters.until))
    if filters.province_code is not None:
        conditions.append(model.province_code == filters.province_code)
    if filters.channel is not None:
        conditions.append(model.channel == filters.channel)
    if filters.service_code is not None:
        conditions.append(model.service_code == filters.service_code)
    return conditions


def _uses_summary(filters: Filter, use_rollups: bool) -> bool:
    """Whether the hourly summary answers ``filters`` exactly (see the module's docstring)."""
    if not use_rollups:
        return False
    for value in (filters.since, filters.until):
        utc = value.astimezone(timezone.utc) if value is not None else None
        if utc is not None and (utc.minute, utc.second, utc.microsecond) != (0, 0, 0):
            return False
    offset = ZoneInfo(filters.timezone).utcoffset(filters.since or datetime.now(timezone.utc))
    return (offset or timedelta()).total_seconds() % 3600 == 0


def _turn_count(session: AsyncSession, filters: Filter, summary: bool) -> tuple[Any, list[ColumnElement[bool]]]:
    """The expression counting turns and the conditions, on the summary or on ``turns``."""
    if summary:
        return func.coalesce(func.sum(ConversationHour.turns), 0), _conditions(session, ConversationHour, filters)
    return func.count(), _conditions(session, Turn, filters)


_FILTERED = ("province_code", "channel", "service_code")  # the cube's dimensions a Filter names


def _cube(
    session: AsyncSession, model: type[TurnCube] | type[LatencyCube], filters: Filter,
    grouped: Sequence[str] = (), hours_only: bool = False,
) -> list[ColumnElement[bool]]:
    """The conditions that read ``filters`` from the cube ``model``, each turn once
    (``rollups.read``: the coarsest cuboid keeping the filtered and ``grouped`` dimensions)."""
    values = {d: getattr(filters, d) for d in _FILTERED}
    needed = {d for d, v in values.items() if v is not None} | set(grouped)
    since = _bound(session, filters.since) if filters.since is not None else None
    until = _bound(session, filters.until) if filters.until is not None else None
    return [rollups.read(model, since, until, needed, values, hours_only)]


def _sqlite_shift(filters: Filter) -> str:
    """The SQLite date modifier from UTC to the filter's zone (a fixed offset)."""
    offset = ZoneInfo(filters.timezone).utcoffset(filters.since or datetime.now(timezone.utc))
    minutes = int((offset or timedelta()).total_seconds() // 60)
    return f"{minutes:+d} minutes"


def _inline(value: str) -> Any:
    """``value`` written into the statement, not bound: PostgreSQL evaluates
    ``timezone($1, x)`` and ``to_char(x, $2)`` row by row more slowly than
    with constants (bench/README.md, 2026-12-07). SQLAlchemy quotes it."""
    return literal(value, literal_execute=True)


def _local_text(session: AsyncSession, column: Any, filters: Filter, bucket: Bucket) -> Any:
    """The local day (``YYYY-MM-DD``) or hour (``YYYY-MM-DD HH:00``) of ``column``."""
    if _backend(session) == "postgresql":
        pattern = "YYYY-MM-DD" if bucket == "day" else "YYYY-MM-DD HH24:00"
        return func.to_char(func.timezone(_inline(filters.timezone), column), _inline(pattern))
    pattern = "%Y-%m-%d" if bucket == "day" else "%Y-%m-%d %H:00"
    return func.strftime(pattern, column, _sqlite_shift(filters))


def _local_weekday_hour(session: AsyncSession, column: Any, filters: Filter) -> tuple[Any, Any]:
    """Local weekday (Monday 0 … Sunday 6, as Python counts) and hour of ``column``."""
    if _backend(session) == "postgresql":
        local = func.timezone(_inline(filters.timezone), column)
        return (
            cast(func.extract("isodow", local), Integer) - 1,
            cast(func.extract("hour", local), Integer),
        )
    shift = _sqlite_shift(filters)
    # strftime('%w') counts Sunday as 0.
    weekday = (cast(func.strftime("%w", column, shift), Integer) + 6) % 7
    return weekday, cast(func.strftime("%H", column, shift), Integer)


def _rate(part: int | None, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole and part is not None else None


async def _rows(session: AsyncSession, query: Select[Any]) -> list[Row]:
    result = await session.execute(query)
    return [dict(row._mapping) for row in result]


async def volume(
    session: AsyncSession, filters: Filter, scope: Scope, *, bucket: Bucket = "day",
    use_rollups: bool = True,
) -> list[Row]:
    """Turns and conversations per local day or hour, oldest first."""
    if bucket not in ("day", "hour"):
        raise ValidationError(f"bucket must be day or hour, not {bucket!r}")
    filters = scope.apply(filters)
    summary = _uses_summary(filters, use_rollups)
    if summary and _conversation_cuboid(filters, set()) is not None and _local_buckets(filters, bucket):
        return await _volume_of_cubes(session, filters, bucket)
    model: Any = ConversationHour if summary else Turn
    period = _local_text(session, model.hour if summary else Turn.at, filters, bucket).label("period")
    turns, conditions = _turn_count(session, filters, summary)
    query = (
        select(
            period,
            turns.label("turns"),
            func.count(func.distinct(model.conversation_id)).label("conversations"),
        )
        .where(*conditions)
        .group_by(period)
        .order_by(period)
    )
    return await _rows(session, query)


def _conversation_cuboid(filters: Filter, grouped: set[str]) -> frozenset[str] | None:
    """The conversation cube's cuboid that keeps exactly what ``filters`` filter
    and ``grouped`` groups by, if it keeps one (``rollups.CONVERSATION_CUBOIDS``)."""
    needed = frozenset({d for d in _FILTERED if getattr(filters, d) is not None} | grouped)
    return needed if needed in rollups.CONVERSATION_CUBOIDS else None


def _local_buckets(filters: Filter, bucket: Bucket) -> bool:
    """Whether the conversation cube's hours or local days are the volume view's buckets:
    its zone's days, every bucket whole (the summary already needs whole hours)."""
    if filters.timezone != rollups.LOCAL_ZONE:
        return False
    return bucket == "hour" or all(
        value is None or rollups.local_day_of(rollups.hour_of(value)) == value
        for value in (filters.since, filters.until))


def _cuboid_cells(model: type[ConversationCube] | type[TurnCube], cuboid: frozenset[str], filters: Filter,
                  dimensions: Sequence[str] = rollups.CONVERSATION_DIMENSIONS) -> list[ColumnElement[bool]]:
    """The rows of ``cuboid`` in ``model`` that ``filters`` select (by dimension, not time)."""
    conditions = []
    for dimension in dimensions:
        column = getattr(model, dimension)
        if dimension not in cuboid:
            conditions.append(column == ALL)
        elif (value := getattr(filters, dimension, None)) is not None:
            conditions.append(column == (value or ""))
        else:
            conditions.append(column != ALL)
    return conditions


def _in_range(session: AsyncSession, column: Any, filters: Filter) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.since is not None:
        conditions.append(column >= _bound(session, filters.since))
    if filters.until is not None:
        conditions.append(column < _bound(session, filters.until))
    return conditions


async def _volume_of_cubes(session: AsyncSession, filters: Filter, bucket: Bucket) -> list[Row]:
    """The volume view from the cubes: turns per bucket summed from the turn cube's
    hours, conversations per bucket read from the conversation cube (a distinct
    count per hour or local day, ``models.ConversationCube``)."""
    cuboid = _conversation_cuboid(filters, set())
    assert cuboid is not None
    period = _local_text(session, TurnCube.period, filters, bucket).label("period")
    turns_query = (
        select(period, func.sum(TurnCube.turns).label("turns"))
        .where(*_cube(session, TurnCube, filters, hours_only=True))
        .group_by(period)
    )
    turns = {row.period: int(row.turns) for row in await session.execute(turns_query) if row.turns}
    grain = rollups.IN_HOUR if bucket == "hour" else rollups.IN_LOCAL_DAY
    cell = _local_text(session, ConversationCube.period, filters, bucket).label("period")
    conversations_query = select(cell, ConversationCube.conversations).where(
        ConversationCube.grain == grain, *_in_range(session, ConversationCube.period, filters),
        *_cuboid_cells(ConversationCube, cuboid, filters))
    counted = {row.period: int(row.conversations) for row in await session.execute(conversations_query)}
    return [{"period": p, "turns": t, "conversations": counted.get(p, 0)} for p, t in sorted(turns.items())]


async def _turns_around(session: AsyncSession, filters: Filter) -> tuple[int, int, int]:
    """Turns before the range, after it and in it (the turn cube; 0 for an open end)."""
    total = func.coalesce(func.sum(TurnCube.turns), 0)

    async def turns(since: datetime | None, until: datetime | None) -> int:
        ranged = replace(filters, since=since, until=until)
        return int(await session.scalar(select(total).where(*_cube(session, TurnCube, ranged))) or 0)

    before = await turns(None, filters.since) if filters.since is not None else 0
    after = await turns(filters.until, None) if filters.until is not None else 0
    return before, after, await turns(filters.since, filters.until)


async def _distinct_by(session: AsyncSession, filters: Filter, name: str) -> dict[str, int] | None:
    """Distinct conversations per value of the dimension ``name`` in the range, from the
    conversation cube: those whose first turn in the cell falls in the range
    (``fm``, ``fd``, ``fh`` rows over its whole months, days and hours) and
    those seen before it that come back in it (from ``ConversationHour``).
    None where the second part would read more rows than the range itself
    (the turns before it outnumber those in it): ``ConversationHour`` then answers."""
    cuboid = _conversation_cuboid(filters, {name})
    if cuboid is None:
        return None
    since = _bound(session, filters.since) if filters.since is not None else None
    until = _bound(session, filters.until) if filters.until is not None else None
    if since is not None:
        before, _, within = await _turns_around(session, filters)
        if before > within:
            return None
    column = getattr(ConversationCube, name)
    first_seen = (
        select(column.label("key"), func.sum(ConversationCube.conversations).label("n"))
        .where(rollups.in_pieces(ConversationCube, since, until, codes=rollups.FIRST_IN),
               *_cuboid_cells(ConversationCube, cuboid, filters))
        .group_by(column)
    )
    found = {row.key: int(row.n) for row in await session.execute(first_seen)}
    if since is None:
        return found
    # Seen before the range and again in it: the cell's first turn is before it.
    hours = ConversationHour
    later = ConversationHour.__table__.alias("later")
    cells = _conditions(session, hours, replace(filters, since=None, until=None))
    seen_before = (
        select(hours.conversation_id, getattr(hours, name).label("key"))
        .where(hours.hour < since, *cells)
        .distinct()
        .subquery()
    )
    back = [later.c.conversation_id == seen_before.c.conversation_id, later.c[name] == seen_before.c.key,
            later.c.hour >= since]
    if until is not None:
        back.append(later.c.hour < until)
    returning = (
        select(seen_before.c.key, func.count().label("n"))
        .where(exists().where(*back))
        .group_by(seen_before.c.key)
    )
    for row in await session.execute(returning):
        found[row.key] = found.get(row.key, 0) + int(row.n)
    return found


async def _volume_by_cubes(session: AsyncSession, filters: Filter, name: str) -> list[Row] | None:
    """``_volume_by`` from the cubes (turns from the turn cube, conversations from
    ``_distinct_by``), or None where they do not answer."""
    counted = await _distinct_by(session, filters, name)
    if counted is None:
        return None
    column = getattr(TurnCube, name)
    turns = func.sum(TurnCube.turns)
    query = select(column.label("key"), turns.label("turns")).where(
        *_cube(session, TurnCube, filters, [name])).group_by(column)
    rows = []
    for row in await session.execute(query):
        if not row.turns:
            continue
        value = row.key if name == "channel" else row.key or None  # the cubes keep "not known" as ''
        rows.append({name: value, "turns": int(row.turns), "conversations": counted.get(row.key, 0)})
    rows.sort(key=lambda r: (-r["turns"], r[name] is None, r[name] or ""))
    return rows


async def _volume_by(
    session: AsyncSession, filters: Filter, scope: Scope, name: str, use_rollups: bool
) -> list[Row]:
    filters = scope.apply(filters)
    summary = _uses_summary(filters, use_rollups)
    rows = await _volume_by_cubes(session, filters, name) if summary else None
    if rows is not None:
        total = sum(r["turns"] for r in rows)
        for row in rows:
            row["share"] = _rate(row["turns"], total)
        return rows
    model: Any = ConversationHour if summary else Turn
    column = getattr(model, name)
    if summary and name != "channel":
        column = func.nullif(column, "")  # the summary keeps "not known" as ''
    turns, conditions = _turn_count(session, filters, summary)
    query = (
        select(
            column.label(name),
            turns.label("turns"),
            func.count(func.distinct(model.conversation_id)).label("conversations"),
        )
        .where(*conditions)
        .group_by(column)
        .order_by(turns.desc(), column.asc().nulls_last())
    )
    rows = await _rows(session, query)
    total = sum(r["turns"] for r in rows)
    for row in rows:
        row["share"] = _rate(row["turns"], total)
    return rows


async def volume_by_channel(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Turns and conversations per channel, busiest first."""
    return await _volume_by(session, filters, scope, "channel", use_rollups)


async def volume_by_province(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Turns and conversations per province (``None``: not known), busiest first."""
    return await _volume_by(session, filters, scope, "province_code", use_rollups)


async def volume_by_service(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Turns and conversations per service (``None``: no service), busiest first."""
    return await _volume_by(session, filters, scope, "service_code", use_rollups)


async def top_intents(
    session: AsyncSession, filters: Filter, scope: Scope, *, limit: int = 20, use_rollups: bool = True
) -> list[Row]:
    """The most frequent intents with their share of turns and mean confidence."""
    filters = scope.apply(filters)
    conditions = _conditions(session, Turn, filters)
    if _uses_summary(filters, use_rollups):
        total = await session.scalar(
            select(func.coalesce(func.sum(TurnCube.turns), 0)).where(*_cube(session, TurnCube, filters)))
    else:
        total = await session.scalar(select(func.count()).select_from(Turn).where(*conditions))
    if _uses_summary(filters, use_rollups) and all(getattr(filters, d) is None for d in _FILTERED):
        rows = await _top_intents_of_cube(session, filters, limit)
    else:
        query = (
            select(
                Turn.intent.label("intent"),
                func.count().label("turns"),
                func.avg(Turn.confidence).label("mean_confidence"),
            )
            .where(*conditions, Turn.intent.is_not(None))
            .group_by(Turn.intent)
            .order_by(func.count().desc(), Turn.intent)
            .limit(limit)
        )
        rows = await _rows(session, query)
    for row in rows:
        row["share"] = _rate(row["turns"], total)
        if row["mean_confidence"] is not None:
            row["mean_confidence"] = round(float(row["mean_confidence"]), 4)
    return rows


async def _top_intents_of_cube(session: AsyncSession, filters: Filter, limit: int) -> list[Row]:
    """The top intents of the whole country from ``rollup_intent_cube`` (each turn once:
    its range as whole months, days and hours, ``rollups.pieces``)."""
    since = _bound(session, filters.since) if filters.since is not None else None
    until = _bound(session, filters.until) if filters.until is not None else None
    turns = func.sum(IntentCube.turns)
    query = (
        select(
            IntentCube.intent.label("intent"),
            turns.label("turns"),
            func.sum(IntentCube.confidence_sum).label("confidence_sum"),
            func.sum(IntentCube.confidence_turns).label("confidence_turns"),
        )
        .where(rollups.in_pieces(IntentCube, since, until, rollups.INTENT_GRAINS))
        .group_by(IntentCube.intent)
        .having(turns > 0)
        .order_by(turns.desc(), IntentCube.intent)
        .limit(limit)
    )
    rows = await _rows(session, query)
    for row in rows:
        total, counted = row.pop("confidence_sum"), row.pop("confidence_turns")
        row["turns"] = int(row["turns"])
        row["mean_confidence"] = total / counted if counted else None
    return rows


async def outcomes(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Turns answered, asked back, fallen back and handed off, with their rates."""
    filters = scope.apply(filters)
    if _uses_summary(filters, use_rollups):
        sums = [func.coalesce(func.sum(getattr(TurnCube, o)), 0) for o in ("turns", *OUTCOMES)]
        found = (await session.execute(select(*sums).where(*_cube(session, TurnCube, filters)))).one()
        total, counts = found[0], dict(zip(OUTCOMES, found[1:], strict=True))
    else:
        query = (
            select(Turn.outcome, func.count().label("turns"))
            .where(*_conditions(session, Turn, filters))
            .group_by(Turn.outcome)
        )
        counts = {row.outcome: row.turns for row in await session.execute(query)}
        total = sum(counts.values())
    return [
        {"outcome": outcome, "turns": counts.get(outcome, 0), "rate": _rate(counts.get(outcome, 0), total)}
        for outcome in OUTCOMES
    ]


async def containment(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Conversations the assistant handled alone: at least one answered turn,
    no fallback and no handoff (neither a handoff turn nor a handoff request)."""
    filters = scope.apply(filters)
    if _uses_summary(filters, use_rollups):
        return await _containment_of_cubes(session, filters) or await _containment_of_summary(session, filters)
    failed = func.max(case((Turn.outcome.in_(("fallback", "handoff")), 1), else_=0))
    answered = func.max(case((Turn.outcome == "answered", 1), else_=0))
    key, conditions = Turn.conversation_id, _conditions(session, Turn, filters)
    per_conversation = (
        select(
            key.label("conversation_id"),
            failed.label("failed"),
            answered.label("answered"),
        )
        .where(*conditions)
        .group_by(key)
        .subquery()
    )
    handed_off = exists().where(Handoff.conversation_id == per_conversation.c.conversation_id)
    contained = and_(
        per_conversation.c.failed == 0, per_conversation.c.answered == 1, ~handed_off
    )
    query = select(
        func.count().label("conversations"),
        func.coalesce(func.sum(case((contained, 1), else_=0)), 0).label("contained"),
    ).select_from(per_conversation)
    row = (await session.execute(query)).one()
    return [{
        "conversations": row.conversations,
        "contained": row.contained,
        "containment_rate": _rate(row.contained, row.conversations),
    }]


async def _containment_of_cubes(session: AsyncSession, filters: Filter) -> list[Row] | None:
    """``containment`` from the conversation cube: the conversations first seen in
    the range (``fm``, ``fd``, ``fh``) and those of them handled alone over
    all their turns (``cm``, ``cd``, ``ch``), corrected, from
    ``ConversationHour``, for the conversations whose turns in the range are
    not all their turns (some before or after it) or which asked for a
    handoff. None where the turns outside the range outnumber those in it
    (the corrections would read more than the range): ``_containment_of_summary``."""
    cuboid = _conversation_cuboid(filters, set())
    if cuboid is None:
        return None
    before, after, within = await _turns_around(session, filters)
    if before + after > within:
        return None
    since = _bound(session, filters.since) if filters.since is not None else None
    until = _bound(session, filters.until) if filters.until is not None else None
    codes = {**{code: "conversations" for code in rollups.FIRST_IN.values()},
             **{code: "contained" for code in rollups.CONTAINED_FIRST_IN.values()}}
    counted = {"conversations": 0, "contained": 0}
    sums = (
        select(ConversationCube.grain, func.sum(ConversationCube.conversations).label("n"))
        .where(or_(rollups.in_pieces(ConversationCube, since, until, codes=rollups.FIRST_IN),
                   rollups.in_pieces(ConversationCube, since, until, codes=rollups.CONTAINED_FIRST_IN)),
               *_cuboid_cells(ConversationCube, cuboid, filters))
        .group_by(ConversationCube.grain)
    )
    for row in await session.execute(sums):
        counted[codes[row.grain]] += int(row.n or 0)
    hours = ConversationHour
    cell = _conditions(session, hours, replace(filters, since=None, until=None))
    outside = [c for c in (hours.hour < since if since is not None else None,
                           hours.hour >= until if until is not None else None) if c is not None]
    handed_off = select(Handoff.conversation_id)
    corrected = handed_off if not outside else handed_off.union(
        select(hours.conversation_id).where(or_(*outside), *cell))
    in_range = and_(*_in_range(session, hours.hour, filters)) if since or until else literal(True)
    failed = hours.fallback + hours.handoff
    per_conversation = (
        select(
            hours.conversation_id,
            func.min(hours.hour).label("first"),
            func.max(case((in_range, 1), else_=0)).label("seen"),
            func.sum(case((in_range, hours.answered), else_=0)).label("answered"),
            func.sum(case((in_range, failed), else_=0)).label("failed"),
            func.sum(hours.answered).label("all_answered"),
            func.sum(failed).label("all_failed"),
        )
        .where(hours.conversation_id.in_(corrected), *cell)
        .group_by(hours.conversation_id)
    )
    handoffs = set(await session.scalars(select(Handoff.conversation_id).distinct()))
    for row in await session.execute(per_conversation):
        first = rollups.hour_of(row.first)
        first_seen = (since is None or first >= since) and (until is None or first < until)
        # What the cube counted for this conversation, and what the range really holds.
        alone = first_seen and row.all_answered > 0 and row.all_failed == 0
        contained = bool(row.seen) and row.answered > 0 and row.failed == 0 and row.conversation_id not in handoffs
        counted["conversations"] += int(row.seen) - int(first_seen)
        counted["contained"] += int(contained) - int(alone)
    return [{
        "conversations": counted["conversations"],
        "contained": counted["contained"],
        "containment_rate": _rate(counted["contained"], counted["conversations"]),
    }]


async def _containment_of_summary(session: AsyncSession, filters: Filter) -> list[Row]:
    """``containment`` from ``rollup_conversation_hours``: sums per conversation, and
    the conversations with a handoff request joined once (a hash join), not
    looked up per conversation. PostgreSQL costs that lookup so high that a
    year's query is compiled (JIT) first, which took longer than the query
    (bench/README.md, 2026-12-07 14:13)."""
    hours = ConversationHour
    per_conversation = (
        select(
            hours.conversation_id.label("conversation_id"),
            func.sum(hours.fallback + hours.handoff).label("failed"),
            func.sum(hours.answered).label("answered"),
        )
        .where(*_conditions(session, hours, filters))
        .group_by(hours.conversation_id)
        .subquery()
    )
    handed_off = select(Handoff.conversation_id.label("conversation_id")).distinct().subquery()
    contained = and_(per_conversation.c.failed == 0, per_conversation.c.answered > 0,
                     handed_off.c.conversation_id.is_(None))
    query = select(
        func.count().label("conversations"),
        func.coalesce(func.sum(case((contained, 1), else_=0)), 0).label("contained"),
    ).select_from(per_conversation.outerjoin(
        handed_off, handed_off.c.conversation_id == per_conversation.c.conversation_id))
    row = (await session.execute(query)).one()
    return [{
        "conversations": row.conversations,
        "contained": int(row.contained),
        "containment_rate": _rate(row.contained, row.conversations),
    }]


async def _satisfaction_by(
    session: AsyncSession, filters: Filter, scope: Scope, column: Any, name: str
) -> list[Row]:
    filters = scope.apply(filters)
    up = func.sum(case((Feedback.rating > 0, 1), else_=0))
    down = func.sum(case((Feedback.rating < 0, 1), else_=0))
    query = (
        select(column.label(name), up.label("thumbs_up"), down.label("thumbs_down"))
        .where(*_conditions(session, Feedback, filters))
        .group_by(column)
        .order_by(func.count().desc(), column.asc().nulls_last())
    )
    rows = await _rows(session, query)
    for row in rows:
        row["ratings"] = row["thumbs_up"] + row["thumbs_down"]
        row["satisfaction"] = _rate(row["thumbs_up"], row["ratings"])
    return rows


async def satisfaction_by_service(session: AsyncSession, filters: Filter, scope: Scope) -> list[Row]:
    """Thumbs up and down per service, and the share of thumbs up."""
    return await _satisfaction_by(session, filters, scope, Feedback.service_code, "service_code")


async def satisfaction_by_province(session: AsyncSession, filters: Filter, scope: Scope) -> list[Row]:
    """Thumbs up and down per province, and the share of thumbs up."""
    return await _satisfaction_by(session, filters, scope, Feedback.province_code, "province_code")


async def busiest_hours(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Turns per local weekday (Monday 0) and hour; only cells with turns."""
    filters = scope.apply(filters)
    if _uses_summary(filters, use_rollups):
        at: Any = TurnCube.period
        turns: Any = func.coalesce(func.sum(TurnCube.turns), 0)
        conditions = _cube(session, TurnCube, filters, hours_only=True)
    else:
        at, turns, conditions = Turn.at, func.count(), _conditions(session, Turn, filters)
    weekday, hour = _local_weekday_hour(session, at, filters)
    weekday, hour = weekday.label("weekday"), hour.label("hour")
    query = (
        select(weekday, hour, turns.label("turns"))
        .where(*conditions)
        .group_by(weekday, hour)
        .order_by(weekday, hour)
    )
    return await _rows(session, query)


async def _percentiles(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], group: Any | None
) -> dict[Any, tuple[int, list[float | None]]]:
    """``{group value: (count, [p50, p95, p99])}`` of ``latency_ms`` (one key, None, without a group)."""
    conditions = [*conditions, Turn.latency_ms.is_not(None)]
    key = group if group is not None else literal(None)
    if _backend(session) == "postgresql":
        columns = [
            func.percentile_cont(p).within_group(Turn.latency_ms).label(f"p{i}")
            for i, p in enumerate(PERCENTILES)
        ]
        query = select(key.label("key"), func.count().label("n"), *columns).where(*conditions)
        if group is not None:
            query = query.group_by(group)
        return {
            row.key: (row.n, [row[2 + i] for i in range(len(PERCENTILES))])
            for row in await session.execute(query)
            if row.n
        }
    counts_query = select(key.label("key"), func.count().label("n")).where(*conditions)
    if group is not None:
        counts_query = counts_query.group_by(group)
    found: dict[Any, tuple[int, list[float | None]]] = {}
    for row in await session.execute(counts_query):
        if not row.n:
            continue
        where = [*conditions] + ([group == row.key] if group is not None else [])
        found[row.key] = (row.n, [
            await _sqlite_percentile(session, where, row.n, p) for p in PERCENTILES
        ])
    return found


async def _sqlite_percentile(
    session: AsyncSession, conditions: Sequence[ColumnElement[bool]], n: int, p: float
) -> float:
    """percentile_cont on SQLite: interpolate between the two neighbouring ranks."""
    position = (n - 1) * p
    lower = math.floor(position)
    values = list(await session.scalars(
        select(Turn.latency_ms).where(*conditions).order_by(Turn.latency_ms)
        .offset(lower).limit(2)
    ))
    if len(values) == 1:
        return float(values[0])
    return float(values[0] + (values[1] - values[0]) * (position - lower))


def _latency_row(name: str, value: str | None, found: tuple[int, list[float | None]]) -> Row:
    n, values = found
    row: Row = {name: value, "turns": n}
    for p, v in zip(PERCENTILES, values, strict=True):
        row[f"p{round(p * 100)}_ms"] = round(float(v), 1) if v is not None else None
    return row


def histogram_percentiles(histogram: dict[int, int]) -> tuple[int, list[float | None]]:
    """``(count, [p50, p95, p99])`` of a ``{value: turns}`` histogram, as
    ``percentile_cont`` interpolates: between the values at ranks
    ``floor((n - 1) p)`` and the next."""
    values = sorted((v, c) for v, c in histogram.items() if c > 0)
    n = sum(c for _, c in values)
    if not n:
        return 0, [None] * len(PERCENTILES)

    def at_rank(rank: int) -> float:
        seen = 0
        for value, count in values:
            seen += count
            if rank < seen:
                return float(value)
        return float(values[-1][0])

    found: list[float | None] = []
    for p in PERCENTILES:
        position = (n - 1) * p
        lower = math.floor(position)
        low, high = at_rank(lower), at_rank(min(lower + 1, n - 1))
        found.append(low + (high - low) * (position - lower))
    return n, found


async def _histograms(
    session: AsyncSession, filters: Filter, group: str | None
) -> dict[Any, dict[int, int]]:
    """``{group value: {latency_ms: turns}}`` from the latency cube (one key, None, without a group)."""
    key: Any = getattr(LatencyCube, group) if group else literal(None)
    if group in ("model_version", "province_code", "service_code"):
        key = func.nullif(key, "")  # the cube keeps "not known" as ''
    turns = func.sum(LatencyCube.turns)
    query = (
        select(key.label("key"), LatencyCube.latency_ms, turns.label("turns"))
        .where(*_cube(session, LatencyCube, filters, [group] if group else []))
        .group_by(key, LatencyCube.latency_ms)
    )
    found: dict[Any, dict[int, int]] = {}
    for row in await session.execute(query):
        if row.turns:
            found.setdefault(row.key, {})[row.latency_ms] = int(row.turns)
    return found


async def latency(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Response-latency percentiles (p50, p95, p99, milliseconds): all turns
    first (``channel`` None), then per channel."""
    filters = scope.apply(filters)
    if _uses_summary(filters, use_rollups):
        histograms = await _histograms(session, filters, "channel")
        per_channel = {k: histogram_percentiles(h) for k, h in histograms.items()}
        overall: dict[int, int] = {}
        for histogram in histograms.values():
            for value, count in histogram.items():
                overall[value] = overall.get(value, 0) + count
        rows = [_latency_row("channel", None, histogram_percentiles(overall))] if overall else []
        return rows + [_latency_row("channel", k, v) for k, v in sorted(per_channel.items())]
    conditions = _conditions(session, Turn, filters)
    exact = await _percentiles(session, conditions, None)
    rows = [_latency_row("channel", None, found) for found in exact.values()]
    by_channel = await _percentiles(session, conditions, Turn.channel)
    rows += [_latency_row("channel", k, v) for k, v in sorted(by_channel.items())]
    return rows


def _share(outcome: str) -> Any:
    return func.sum(case((Turn.outcome == outcome, 1), else_=0))


async def _per_model(session: AsyncSession, filters: Filter, summary: bool) -> tuple[list[Row], dict[Any, float | None]]:
    """Per model version, newest (by its first turn) first: turns, outcome counts,
    mean confidence; and the p95 latency of each."""
    if not summary:
        conditions = _conditions(session, Turn, filters)
        query = (
            select(
                Turn.model_version.label("model_version"),
                func.count().label("turns"),
                _share("answered").label("answered"),
                _share("asked_back").label("asked_back"),
                _share("fallback").label("fallback"),
                func.avg(Turn.confidence).label("mean_confidence"),
            )
            .where(*conditions)
            .group_by(Turn.model_version)
            .order_by(func.min(Turn.at).desc())
        )
        exact = await _percentiles(session, conditions, Turn.model_version)
        return await _rows(session, query), {k: v[1][1] for k, v in exact.items()}
    model = func.nullif(TurnCube.model_version, "")
    query = (
        select(
            model.label("model_version"),
            func.sum(TurnCube.turns).label("turns"),
            func.sum(TurnCube.answered).label("answered"),
            func.sum(TurnCube.asked_back).label("asked_back"),
            func.sum(TurnCube.fallback).label("fallback"),
            func.sum(TurnCube.confidence_sum).label("confidence_sum"),
            func.sum(TurnCube.confidence_turns).label("confidence_turns"),
        )
        .where(*_cube(session, TurnCube, filters, ["model_version"]))
        .group_by(model)
        .order_by(func.min(TurnCube.first_at).desc())
    )
    rows = await _rows(session, query)
    for row in rows:
        total, counted = row.pop("confidence_sum"), row.pop("confidence_turns")
        row["mean_confidence"] = total / counted if counted else None
        for name in ("turns", "answered", "asked_back", "fallback"):
            row[name] = int(row[name])
    histograms = await _histograms(session, filters, "model_version")
    return rows, {k: histogram_percentiles(h)[1][1] for k, h in histograms.items()}


async def quality_by_model(
    session: AsyncSession, filters: Filter, scope: Scope, *, use_rollups: bool = True
) -> list[Row]:
    """Per model version: turns, outcome rates, mean confidence, p95 latency and
    the thumbs its conversations got; newest version (by its first turn) first."""
    filters = scope.apply(filters)
    rows, p95 = await _per_model(session, filters, _uses_summary(filters, use_rollups))
    up = func.sum(case((Feedback.rating > 0, 1), else_=0))
    down = func.sum(case((Feedback.rating < 0, 1), else_=0))
    thumbs_query = (
        select(Conversation.model_version, up.label("up"), down.label("down"))
        .join(Conversation, Conversation.id == Feedback.conversation_id)
        .where(*_conditions(session, Feedback, filters))
        .group_by(Conversation.model_version)
    )
    thumbs = {r.model_version: (r.up, r.down) for r in await session.execute(thumbs_query)}
    for row in rows:
        turns = row["turns"]
        for outcome in ("answered", "asked_back", "fallback"):
            row[f"{outcome}_rate"] = _rate(row.pop(outcome), turns)
        if row["mean_confidence"] is not None:
            row["mean_confidence"] = round(float(row["mean_confidence"]), 4)
        found = p95.get(row["model_version"])
        row["p95_ms"] = round(float(found), 1) if found is not None else None
        thumbs_up, thumbs_down = thumbs.get(row["model_version"], (0, 0))
        row["thumbs_up"], row["thumbs_down"] = thumbs_up, thumbs_down
        row["satisfaction"] = _rate(thumbs_up, thumbs_up + thumbs_down)
    return rows


async def unanswered_turns(
    session: AsyncSession, filters: Filter, scope: Scope, *, limit: int = 5000
) -> list[Row]:
    """The newest fallback and asked-back turns (redacted texts), for grouping."""
    filters = scope.apply(filters)
    query = (
        select(
            Turn.id.label("id"),
            Turn.at.label("at"),
            Turn.text.label("text"),
            Turn.province_code.label("province_code"),
            Turn.outcome.label("outcome"),
            Turn.intent.label("intent"),
        )
        .where(*_conditions(session, Turn, filters), Turn.outcome.in_(("fallback", "asked_back")))
        .order_by(Turn.at.desc())
        .limit(limit)
    )
    rows = await _rows(session, query)
    for row in rows:
        if row["at"].tzinfo is None:  # SQLite gives back the naive UTC it stored
            row["at"] = row["at"].replace(tzinfo=timezone.utc)
    return rows

