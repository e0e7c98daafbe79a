"""The dashboard's summary table: the same figures as ``turns``, kept by the writers, rebuilt on demand."""
from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
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
from app.analytics.models import AnalyticsBase, Conversation, ConversationHour, Turn
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
}
FILTERS = {
    "everything": Filter(),
    "30 days": Filter.for_dates(date(2026, 11, 5), date(2026, 12, 4)),
    "one day": Filter.for_dates(date(2026, 11, 10), date(2026, 11, 10)),
    "line + passport": Filter.for_dates(date(2026, 11, 1), date(2026, 11, 30), channel="line",
                                        service_code="passport"),
    "province 50 by filter": Filter(province_code="50"),
    "no service known": Filter.for_dates(date(2026, 11, 3), date(2026, 11, 20), channel="rest"),
}
SCOPES = {"country": Scope.country(), "province 50": Scope("50"), "province 10": Scope("10")}


def random_rows(n_conversations: int = 120, seed: int = 11) -> tuple[list[Conversation], list[Turn]]:
    """Conversations that change province and service between turns and cross hours and days."""
    rng = random.Random(seed)
    conversations, turns = [], []
    for c in range(n_conversations):
        cid = f"c{c:04d}"
        channel = rng.choice(CHANNELS)
        at = START + timedelta(minutes=rng.randrange(40 * 24 * 60))
        begin = at
        for i in range(rng.randint(1, 6)):
            turns.append(Turn(
                id=f"{cid}:{i}", conversation_id=cid, at=at, text="", intent=rng.choice(["a", "b", None]),
                confidence=rng.choice([None, round(rng.random(), 3)]), entities=[],
                service_code=rng.choice(SERVICES), province_code=rng.choice(PROVINCES), channel=channel,
                outcome=rng.choice(OUTCOMES), latency_ms=None, model_version="m1"))
            at += timedelta(minutes=rng.randrange(1, 50))
        conversations.append(Conversation(id=cid, citizen_key=cid, channel=channel, started_at=begin,
                                          ended_at=at, turns=i + 1))
    return conversations, turns


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        created = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'analytics.sqlite3'}")
        yield created
        await created.dispose()
        return
    require_service("PostgreSQL", "127.0.0.1", 5432)
    with ThrowawayPostgres() as database:
        created = create_engine(database.url, poolclass=NullPool)
        yield created
        await created.dispose()


@pytest.fixture
async def seeded(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with engine.begin() as connection:
        await connection.run_sync(AnalyticsBase.metadata.create_all)
    conversations, turns = random_rows()
    async with async_sessionmaker(engine)() as session:
        session.add_all(conversations)
        await session.flush()
        session.add_all(turns)
        await session.flush()
        await rollups.rebuild(session)
        await session.commit()
        yield session


async def _summary(session: AsyncSession) -> list[tuple[Any, ...]]:
    rows = await session.execute(select(ConversationHour).order_by(*ConversationHour.__table__.primary_key))
    return [(r.conversation_id, r.hour, r.province_code, r.channel, r.service_code, r.turns, r.answered,
             r.asked_back, r.fallback, r.handoff) for r in rows.scalars()]


@pytest.mark.parametrize("view", sorted(VIEWS))
async def test_summary_gives_the_figures_of_the_turns(seeded: AsyncSession, view: str) -> None:
    for filters in FILTERS.values():
        for scope in SCOPES.values():
            if scope.province_code and filters.province_code not in (None, scope.province_code):
                continue
            raw = await VIEWS[view](seeded, filters, scope, use_rollups=False)
            summed = await VIEWS[view](seeded, filters, scope)
            assert summed == raw, (view, filters, scope)
    assert await q.volume(seeded, FILTERS["everything"], SCOPES["country"])  # not vacuous


async def test_a_range_off_the_hour_is_answered_from_the_turns(seeded: AsyncSession) -> None:
    since = START + timedelta(days=3, minutes=17)
    filters = Filter(since=since, until=since + timedelta(days=9))
    assert not q._uses_summary(filters, True)
    assert await q.volume(seeded, filters, Scope("50")) == await q.volume(
        seeded, filters, Scope("50"), use_rollups=False)


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
    # Redelivery after a crash: already applied, so the summary must not move.
    await apply_batch(sessions, events[3:20])
    async with sessions() as session:
        kept = await _summary(session)
        assert sum(row[5] for row in kept) == await session.scalar(select(func.count()).select_from(Turn))
    async with sessions() as session, session.begin():
        await rollups.rebuild(session)
    async with sessions() as session:
        assert await _summary(session) == kept
        assert {row[4] for row in kept} >= {"passport"}

    # Erasure and retention take the conversation's rows with it.
    stores = Stores(sessions, None, None)
    await delete_everywhere(stores, [f"{0:064x}"])
    async with sessions() as session:
        assert {row[0] for row in await _summary(session)} == {f"{1:064x}", f"{2:064x}"}
    await apply_retention(stores, 1, now=datetime(2030, 1, 1, tzinfo=timezone.utc))
    async with sessions() as session:
        assert await _summary(session) == []


async def test_a_store_from_before_the_summary_is_filled_when_opened(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(AnalyticsBase.metadata.create_all)
        await connection.run_sync(ConversationHour.__table__.drop)
    conversations, turns = random_rows(30)
    async with async_sessionmaker(engine)() as session:
        session.add_all(conversations)
        await session.flush()
        session.add_all(turns)
        await session.commit()
    await create_schema(engine)
    async with async_sessionmaker(engine)() as session:
        assert sum(row[5] for row in await _summary(session)) == len(turns)
        assert await q.outcomes(session, Filter(), Scope.country()) == await q.outcomes(
            session, Filter(), Scope.country(), use_rollups=False)
