"""The dashboard's summary tables: the same figures as ``turns``, kept by the writers, rebuilt on demand."""
from __future__ import annotations

import math
import os
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from app.analytics import queries as q
from app.analytics import rollups
from app.analytics.db import create_engine, create_schema, sessionmaker
from app.analytics.models import (
    AnalyticsBase, Conversation, ConversationCube, ConversationHour, Handoff, IntentCube, LatencyCube, Turn,
    TurnCube,
)
from app.analytics.queries import Filter, Scope
from app.analytics.rights import Stores, apply_retention, delete_everywhere
from app.analytics.store import Message, apply_batch
from tests.app.analytics.events import conversation
from tests.app.console_dashboard.seed import ThrowawayPostgres
from tests.conftest import require_service

START = datetime(2026, 11, 1, tzinfo=timezone.utc)
PROVINCES = [None, "10", "50", "30"]
SERVICES = [None, "passport", "id_card_renewal"]
CHANNELS = ["line", "rest", "web"]
OUTCOMES = ["answered", "asked_back", "fallback", "handoff"]
View = Callable[..., Awaitable[Any]]
VIEWS: dict[str, View] = {
    "volume": q.volume,
    "volume-hour": lambda s, f, sc, **kw: q.volume(s, f, sc, bucket="hour", **kw),
    "channels": q.volume_by_channel,
    "provinces": q.volume_by_province,
    "services": q.volume_by_service,
    "intents": q.top_intents,
    "outcomes": q.outcomes,
    "containment": q.containment,
    "busiest-hours": q.busiest_hours,
    "latency": q.latency,
    "models": q.quality_by_model,
}
FILTERS = {
    "everything": Filter(),
    "30 days": Filter.for_dates(date(2026, 11, 5), date(2026, 12, 4)),
    "across a month's end": Filter.for_dates(date(2026, 11, 20), date(2027, 1, 2)),
    "since a day": Filter.for_dates(date(2026, 12, 2), None),
    "until a day": Filter.for_dates(None, date(2026, 11, 27)),
    "one day": Filter.for_dates(date(2026, 11, 10), date(2026, 11, 10)),
    "line + passport": Filter.for_dates(date(2026, 11, 1), date(2026, 11, 30), channel="line",
                                        service_code="passport"),
    "province 50 by filter": Filter(province_code="50"),
    "no service known": Filter.for_dates(date(2026, 11, 3), date(2026, 11, 20), channel="rest"),
    # Whole UTC hours, not local days: hours from the conversation cube, days from the hour rows.
    "off the local days": Filter(since=datetime(2026, 11, 3, 5, tzinfo=timezone.utc),
                                 until=datetime(2026, 12, 20, 13, tzinfo=timezone.utc)),
    "another zone": Filter.for_dates(date(2026, 11, 5), date(2026, 12, 4), tz="Asia/Tokyo"),
}
SCOPES = {"country": Scope.country(), "province 50": Scope("50"), "province 10": Scope("10")}


def _model_at(at: datetime) -> str | None:
    """A new version each fortnight, from an hour on: versions never first seen in one hour."""
    return None if at.minute % 7 == 0 else f"m{(at - START).days // 14 + 1}"


def random_rows(n_conversations: int = 120, seed: int = 11,
                whole_ms: bool = True) -> tuple[list[Conversation], list[Turn]]:
    """Conversations that change province and service between turns and cross hours, days and
    months, one in five coming back after days (a LINE chat lasts months); latencies in whole
    milliseconds (``whole_ms``: the histogram is then exact) or not."""
    rng = random.Random(seed)
    conversations, turns = [], []
    for c in range(n_conversations):
        cid = f"c{c:04d}"
        channel = rng.choice(CHANNELS)
        at = START + timedelta(minutes=rng.randrange(70 * 24 * 60))
        begin = at
        for i in range(rng.randint(1, 6)):
            turns.append(Turn(
                id=f"{cid}:{i}", conversation_id=cid, at=at, text="", intent=rng.choice(["a", "b", None]),
                confidence=rng.choice([None, round(rng.random(), 3)]), entities=[],
                service_code=rng.choice(SERVICES), province_code=rng.choice(PROVINCES), channel=channel,
                outcome=rng.choice(OUTCOMES), model_version=_model_at(at),
                latency_ms=rng.choice([None, float(rng.randrange(40, 3000)) if whole_ms
                                       else rng.lognormvariate(5.5, 0.8)])))
            at += timedelta(minutes=rng.randrange(1, 50) if rng.random() < 0.8 else rng.randrange(1, 30 * 24 * 60))
        conversations.append(Conversation(id=cid, citizen_key=cid, channel=channel, started_at=begin,
                                          ended_at=at, turns=i + 1))
    return conversations, turns


def _throwaway() -> ThrowawayPostgres:
    """A throwaway database, named with DASHBOARD_TEST_DB_PREFIX where sessions share one server."""
    database = ThrowawayPostgres()
    prefix = os.environ.get("DASHBOARD_TEST_DB_PREFIX")
    if prefix:
        database.name = f"{prefix}_{database.name}"
        database.url = database.url.rsplit("/", 1)[0] + "/" + database.name
    return database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        created = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'analytics.sqlite3'}")
        yield created
        await created.dispose()
        return
    require_service("PostgreSQL", "127.0.0.1", 5432)
    with _throwaway() as database:
        created = create_engine(database.url, poolclass=NullPool)
        yield created
        await created.dispose()


async def _loaded(engine: AsyncEngine, rows: tuple[list[Conversation], list[Turn]]) -> AsyncSession:
    """A session on ``engine`` with ``rows`` written past the projector, as a bulk load, and the summaries rebuilt."""
    async with engine.begin() as connection:
        await connection.run_sync(AnalyticsBase.metadata.create_all)
    conversations, turns = rows
    session = async_sessionmaker(engine)()
    session.add_all(conversations)
    await session.flush()
    session.add_all(turns)
    await session.flush()
    await rollups.rebuild(session)
    await session.commit()
    return session


@pytest.fixture
async def seeded(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with await _loaded(engine, random_rows()) as session:
        # Handoff requests, two for some conversations: containment leaves those out.
        session.add_all([Handoff(conversation_id=f"c{c:04d}", at=START, reason="asked")
                         for c in [*range(0, 120, 5), *range(0, 120, 15)]])
        await session.commit()
        yield session


def _same(summed: list[dict[str, Any]], raw: list[dict[str, Any]]) -> bool:
    """Equal, but for a mean confidence a float's last bit may round to the other 4th
    decimal (sums of the same numbers in another order: turns against the cube)."""
    if len(summed) != len(raw):
        return False
    for a, b in zip(summed, raw, strict=True):
        a, b = dict(a), dict(b)
        x, y = a.pop("mean_confidence", None), b.pop("mean_confidence", None)
        if a != b or (x is None) != (y is None) or (x is not None and abs(x - y) > 1.0001e-4):
            return False
    return True


async def _summary(session: AsyncSession) -> list[tuple[Any, ...]]:
    rows = await session.execute(select(ConversationHour).order_by(*ConversationHour.__table__.primary_key))
    return [(r.conversation_id, r.hour, r.province_code, r.channel, r.service_code, r.turns, r.answered,
             r.asked_back, r.fallback, r.handoff) for r in rows.scalars()]


async def _cubes(session: AsyncSession, first: bool = True) -> list[tuple[Any, ...]]:
    """Both cubes' rows, in key order (a confidence sum to 9 places: float sums in another order;
    ``first``: with the first turn's time, which an erasure may leave early)."""
    turn_cube = (await session.execute(select(TurnCube).order_by(*TurnCube.__table__.primary_key))).scalars()
    found = [(r.grain, hour_utc(r.period), r.province_code, r.channel, r.service_code, r.model_version,
              r.turns, r.answered, r.asked_back, r.fallback, r.handoff, round(r.confidence_sum, 9),
              r.confidence_turns, hour_utc(r.first_at) if first and r.first_at else None) for r in turn_cube]
    latency_cube = (await session.execute(
        select(LatencyCube).order_by(*LatencyCube.__table__.primary_key))).scalars()
    found += [(r.grain, hour_utc(r.period), r.province_code, r.channel, r.service_code,
               r.model_version, r.latency_ms, r.turns) for r in latency_cube]
    intent_cube = (await session.execute(select(IntentCube).order_by(*IntentCube.__table__.primary_key))).scalars()
    found += [("intent", r.grain, hour_utc(r.period), r.intent, r.turns, round(r.confidence_sum, 9),
               r.confidence_turns) for r in intent_cube]
    conversation_cube = (await session.execute(
        select(ConversationCube).order_by(*ConversationCube.__table__.primary_key))).scalars()
    return found + [("conversations", r.grain, hour_utc(r.period), r.province_code, r.channel, r.service_code,
                     r.conversations)
                    for r in conversation_cube]


def hour_utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("view", sorted(VIEWS))
async def test_summary_gives_the_figures_of_the_turns(seeded: AsyncSession, view: str) -> None:
    for filters in FILTERS.values():
        for scope in SCOPES.values():
            if scope.province_code and filters.province_code not in (None, scope.province_code):
                continue
            raw = await VIEWS[view](seeded, filters, scope, use_rollups=False)
            summed = await VIEWS[view](seeded, filters, scope)
            assert _same(summed, raw), (view, filters, scope, summed, raw)
    assert await q.volume(seeded, FILTERS["everything"], SCOPES["country"])  # not vacuous


async def test_a_range_off_the_hour_is_answered_from_the_turns(seeded: AsyncSession) -> None:
    since = START + timedelta(days=3, minutes=17)
    filters = Filter(since=since, until=since + timedelta(days=9))
    assert not q._uses_summary(filters, True)
    assert await q.volume(seeded, filters, Scope("50")) == await q.volume(
        seeded, filters, Scope("50"), use_rollups=False)


async def test_the_conversation_cube_answers_across_a_returning_conversation(seeded: AsyncSession) -> None:
    """Not vacuous: the cube answers these filters (the test above compares the
    figures), and conversations seen before the range come back in it."""
    filters = FILTERS["across a month's end"]
    since = filters.since
    assert since is not None
    assert await q._distinct_by(seeded, filters, "channel") is not None
    assert await q._distinct_by(seeded, replace(filters, province_code="50"), "province_code") is not None
    assert q._local_buckets(filters, "day") and q._conversation_cuboid(filters, set()) == frozenset()
    for name in ("everything", "across a month's end", "since a day", "province 50 by filter"):
        assert await q._containment_of_cubes(seeded, FILTERS[name]) is not None, name
    assert not q._local_buckets(FILTERS["off the local days"], "day")
    assert not q._local_buckets(FILTERS["another zone"], "hour")
    hours = ConversationHour
    came_back = await seeded.scalar(select(func.count(func.distinct(hours.conversation_id))).where(
        hours.hour < since, hours.conversation_id.in_(select(hours.conversation_id).where(hours.hour >= since))))
    assert came_back and came_back >= 3


async def test_province_scope_reads_only_its_rows_of_the_summary(seeded: AsyncSession) -> None:
    provinces = await q.volume_by_province(seeded, Filter(), Scope("50"))
    assert [row["province_code"] for row in provinces] == ["50"]
    with pytest.raises(Exception, match="scope is province 50"):
        await q.volume(seeded, Filter(province_code="10"), Scope("50"))


async def test_writers_keep_the_summary_equal_to_a_rebuild(engine: AsyncEngine) -> None:
    await create_schema(engine)
    sessions = sessionmaker(engine)
    events = [Message.of(e) for k in range(3)
              for e in conversation(key=f"{k:064x}", start=1_765_000_000.0 + 1800 * k)]
    # Turns opened in one batch get their reply, service and province in the next ones.
    for i in range(0, len(events), 7):
        await apply_batch(sessions, events[i:i + 7])
    # Redelivery after a crash: already applied, so the summaries must not move.
    async with sessions() as session:
        before_redelivery = await _summary(session), await _cubes(session)
    await apply_batch(sessions, events[3:20])
    async with sessions() as session:
        kept, cubes = await _summary(session), await _cubes(session)
        assert (kept, cubes) == before_redelivery
        turns = await session.scalar(select(func.count()).select_from(Turn))
        assert sum(row[5] for row in kept) == turns
        # Every turn once in each of the cube's cuboids and grains.
        cells = sum(len(grains) for _, grains in rollups.CUBOIDS)
        assert sum(row[6] for row in cubes if len(row) == 14) == turns * cells
        timed = await session.scalar(select(func.count()).select_from(Turn).where(Turn.latency_ms.is_not(None)))
        assert timed and sum(row[7] for row in cubes if len(row) == 8) == timed * sum(
            len(grains) for _, grains in rollups.LATENCY_CUBOIDS)
        with_intent = await session.scalar(select(func.count()).select_from(Turn).where(Turn.intent.is_not(None)))
        assert with_intent and sum(row[4] for row in cubes if row[0] == "intent") == with_intent * len(
            rollups.INTENT_GRAINS)
        # Each conversation once among the months of its first turn, and once in each hour it spoke in.
        everywhere = ("*", "*", "*")
        firsts = [row for row in cubes if row[0] == "conversations" and row[1] == "fm" and row[3:6] == everywhere]
        assert sum(row[6] for row in firsts) == len({row[0] for row in kept}) == 3
        in_hours = {(row[0], row[1]) for row in kept}
        assert sum(row[6] for row in cubes if row[0] == "conversations" and row[1] == "h"
                   and row[3:6] == everywhere) == len(in_hours)
    async with sessions() as session, session.begin():
        await rollups.rebuild(session)
    async with sessions() as session:
        assert await _summary(session) == kept
        assert await _cubes(session) == cubes
        assert {row[4] for row in kept} >= {"passport"}

    # Erasure and retention take the conversation's rows with it: what is left
    # is what a rebuild from the turns left gives.
    stores = Stores(sessions, None, None)
    await delete_everywhere(stores, [f"{0:064x}"])
    async with sessions() as session:
        assert {row[0] for row in await _summary(session)} == {f"{1:064x}", f"{2:064x}"}
        after_erasure = await _cubes(session, first=False)
        assert after_erasure and after_erasure != cubes
    async with sessions() as session, session.begin():
        await rollups.rebuild(session)
    async with sessions() as session:
        assert await _cubes(session, first=False) == after_erasure
    await apply_retention(stores, 1, now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    async with sessions() as session:
        assert await _summary(session) == []
        assert await _cubes(session) == []


async def _store_from_before_the_summaries(engine: AsyncEngine) -> list[Turn]:
    """Turns in a store whose summary tables do not exist yet; returns the turns."""
    async with engine.begin() as connection:
        await connection.run_sync(AnalyticsBase.metadata.create_all)
        for table in rollups.SUMMARIES:
            await connection.run_sync(table.drop)
    conversations, turns = random_rows(30)
    async with async_sessionmaker(engine)() as session:
        session.add_all(conversations)
        await session.flush()
        session.add_all(turns)
        await session.commit()
    return turns


async def test_a_store_from_before_the_summary_is_filled_when_opened(engine: AsyncEngine) -> None:
    turns = await _store_from_before_the_summaries(engine)
    await create_schema(engine)
    async with async_sessionmaker(engine)() as session:
        assert sum(row[5] for row in await _summary(session)) == len(turns)
        assert [row for row in await _cubes(session) if row[0] == "conversations"]
        assert await q.outcomes(session, Filter(), Scope.country()) == await q.outcomes(
            session, Filter(), Scope.country(), use_rollups=False)


async def test_a_store_from_before_the_summary_opens_without_the_rebuild_when_told(
        engine: AsyncEngine, caplog: pytest.LogCaptureFixture) -> None:
    turns = await _store_from_before_the_summaries(engine)
    await create_schema(engine, rebuild_summaries=False)
    assert "python -m app.analytics rollups" in caplog.text
    async with async_sessionmaker(engine)() as session:
        assert await _summary(session) == []
        assert await _cubes(session) == []
    async with async_sessionmaker(engine)() as session, session.begin():
        await rollups.rebuild(session)
    async with async_sessionmaker(engine)() as session:
        assert sum(row[5] for row in await _summary(session)) == len(turns)
        assert await q.outcomes(session, Filter(), Scope.country()) == await q.outcomes(
            session, Filter(), Scope.country(), use_rollups=False)


async def test_retention_of_some_conversations_leaves_the_cubes_a_rebuild_gives(seeded: AsyncSession,
                                                                                engine: AsyncEngine) -> None:
    sessions = sessionmaker(engine)
    counts = await apply_retention(Stores(sessions, None, None), 30, now=START + timedelta(days=50))
    assert counts["analytics_conversations"] > 0
    async with sessions() as session:
        kept = await _cubes(session, first=False)
        assert await session.scalar(select(func.count()).select_from(Turn))
    async with sessions() as session, session.begin():
        await rollups.rebuild(session)
    async with sessions() as session:
        assert await _cubes(session, first=False) == kept
        assert await q.quality_by_model(session, Filter(), Scope.country()) == await q.quality_by_model(
            session, Filter(), Scope.country(), use_rollups=False)


def _hours(since: datetime, until: datetime) -> list[datetime]:
    return [since + timedelta(hours=i) for i in range(int((until - since) / timedelta(hours=1)))]


@pytest.mark.parametrize("seed", range(40))
def test_pieces_cover_a_range_once(seed: int) -> None:
    rng = random.Random(seed)
    since = START + timedelta(hours=rng.randrange(24 * 90))
    until = since + timedelta(hours=rng.choice([1, 5, 24, 30, 24 * 31, rng.randrange(1, 24 * 200)]))
    found = rollups.pieces(since, until)
    for hour in _hours(since - timedelta(days=70), until + timedelta(days=70)):
        covering = [p for p in found if (p[1] is None or rollups.floor_to(hour, p[0]) >= p[1])
                    and (p[2] is None or rollups.floor_to(hour, p[0]) < p[2])
                    and (p[0] == rollups.HOUR or rollups.floor_to(hour, p[0]) >= since)
                    and (p[0] == rollups.HOUR or rollups.floor_to(hour, p[0]) < until)]
        assert len(covering) == (1 if since <= hour < until else 0), (hour, found)
    if until - since >= timedelta(days=70):
        assert any(p[0] == rollups.MONTH for p in found)


def test_pieces_of_open_ranges() -> None:
    mid_month = datetime(2026, 11, 17, 5, tzinfo=timezone.utc)
    assert rollups.pieces(None, None) == [("m", None, None)]
    assert rollups.pieces(None, mid_month) == [
        ("m", None, datetime(2026, 11, 1, tzinfo=timezone.utc)),
        ("d", datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 11, 17, tzinfo=timezone.utc)),
        ("h", datetime(2026, 11, 17, tzinfo=timezone.utc), mid_month),
    ]
    assert rollups.pieces(mid_month, None) == [
        ("m", datetime(2026, 12, 1, tzinfo=timezone.utc), None),
        ("d", datetime(2026, 11, 18, tzinfo=timezone.utc), datetime(2026, 12, 1, tzinfo=timezone.utc)),
        ("h", mid_month, datetime(2026, 11, 18, tzinfo=timezone.utc)),
    ]


def _percentile_cont(values: list[float], p: float) -> float:
    values = sorted(values)
    position = (len(values) - 1) * p
    lower = math.floor(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


@pytest.mark.parametrize("seed", range(200))
def test_histogram_percentiles_are_within_half_a_millisecond(seed: int) -> None:
    rng = random.Random(seed)
    exact = [rng.lognormvariate(5.5, 0.9) for _ in range(rng.randint(1, 300))]
    histogram: dict[int, int] = {}
    for value in exact:
        bucket = rollups.latency_bucket(value)
        assert bucket is not None
        histogram[bucket] = histogram.get(bucket, 0) + 1
    n, found = q.histogram_percentiles(histogram)
    assert n == len(exact)
    for p, value in zip(q.PERCENTILES, found, strict=True):
        assert value is not None
        assert abs(value - _percentile_cont(exact, p)) <= rollups.LATENCY_BOUND_MS
    whole = [float(round(v)) for v in exact]
    histogram = {int(v): whole.count(v) for v in set(whole)}
    assert q.histogram_percentiles(histogram)[1] == [_percentile_cont(whole, p) for p in q.PERCENTILES]
    assert q.histogram_percentiles({}) == (0, [None, None, None])


async def test_latency_views_from_fractional_latencies_stay_within_the_bound(engine: AsyncEngine) -> None:
    async with await _loaded(engine, random_rows(whole_ms=False, seed=5)) as session:
        # Each shown figure is rounded to 0.1 ms, which adds up to 0.1 to the bound.
        bound = rollups.LATENCY_BOUND_MS + 0.1 + 1e-9
        differed = False
        for filters in FILTERS.values():
            for view, fields in ((q.latency, ("p50_ms", "p95_ms", "p99_ms")), (q.quality_by_model, ("p95_ms",))):
                raw = await view(session, filters, Scope.country(), use_rollups=False)
                summed = await view(session, filters, Scope.country())
                assert len(raw) == len(summed)
                for a, b in zip(summed, raw, strict=True):
                    for field in fields:
                        assert (a[field] is None) == (b[field] is None)
                        if a[field] is not None:
                            assert abs(a[field] - b[field]) <= bound, (view, filters, field)
                            differed |= a[field] != b[field]
                    assert _same([{k: v for k, v in a.items() if k not in fields}],
                                 [{k: v for k, v in b.items() if k not in fields}])
        assert differed  # the bound is about something: whole milliseconds do move the figures
