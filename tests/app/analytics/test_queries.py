"""Every dashboard query on the hand-counted store (tests/app/console_dashboard/seed.py),
on SQLite and on PostgreSQL, and the province scope applied by the query layer."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from app.analytics import queries as q
from app.analytics.queries import Filter, Scope
from app.errors import ForbiddenError, ValidationError
from tests.app.console_dashboard.seed import BANGKOK, CHIANG_MAI, ThrowawayPostgres, seed_analytics
from tests.conftest import require_service

COUNTRY = Scope.country()
ALL = Filter()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncSession]:
    if request.param == "sqlite":
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'analytics.sqlite3'}")
        await seed_analytics(engine)
        async with async_sessionmaker(engine)() as s:
            yield s
        await engine.dispose()
        return
    require_service("PostgreSQL", "127.0.0.1", 5432)
    with ThrowawayPostgres() as database:
        engine = create_async_engine(database.url, poolclass=NullPool)
        await seed_analytics(engine)
        async with async_sessionmaker(engine)() as s:
            yield s
        await engine.dispose()


async def test_volume_per_local_day(session: AsyncSession) -> None:
    # c1 talked at 18:30 UTC on 30 November: 01:30 on 1 December in Bangkok.
    assert await q.volume(session, ALL, COUNTRY) == [
        {"period": "2026-12-01", "turns": 5, "conversations": 2},
        {"period": "2026-12-02", "turns": 6, "conversations": 3},
        {"period": "2026-12-03", "turns": 5, "conversations": 3},
    ]


async def test_volume_per_hour_and_date_range(session: AsyncSession) -> None:
    december_first = Filter.for_dates(date(2026, 12, 1), date(2026, 12, 1))
    assert await q.volume(session, december_first, COUNTRY, bucket="hour") == [
        {"period": "2026-12-01 01:00", "turns": 3, "conversations": 1},
        {"period": "2026-12-01 10:00", "turns": 2, "conversations": 1},
    ]
    with pytest.raises(ValidationError):
        await q.volume(session, ALL, COUNTRY, bucket="week")  # type: ignore[arg-type]


async def test_volume_by_channel_province_service(session: AsyncSession) -> None:
    assert await q.volume_by_channel(session, ALL, COUNTRY) == [
        {"channel": "line", "turns": 7, "conversations": 3, "share": 0.4375},
        {"channel": "rest", "turns": 4, "conversations": 2, "share": 0.25},
        {"channel": "web", "turns": 4, "conversations": 2, "share": 0.25},
        {"channel": "socketio", "turns": 1, "conversations": 1, "share": 0.0625},
    ]
    by_province = await q.volume_by_province(session, ALL, COUNTRY)
    assert [(r["province_code"], r["turns"], r["conversations"]) for r in by_province] == [
        (CHIANG_MAI, 8, 4), (BANGKOK, 6, 3), (None, 2, 1),
    ]
    by_service = await q.volume_by_service(session, ALL, COUNTRY)
    assert {r["service_code"]: r["turns"] for r in by_service} == {
        None: 8, "driving_licence": 4, "passport": 3, "id_card": 1,
    }


async def test_filters_channel_and_service(session: AsyncSession) -> None:
    line = Filter(channel="line")
    assert [r["turns"] for r in await q.volume(session, line, COUNTRY)] == [3, 4]
    licence = Filter(service_code="driving_licence")
    assert await q.volume_by_province(session, licence, COUNTRY) == [
        {"province_code": CHIANG_MAI, "turns": 4, "conversations": 3, "share": 1.0},
    ]


async def test_top_intents(session: AsyncSession) -> None:
    top = await q.top_intents(session, ALL, COUNTRY, limit=3)
    assert top == [
        {"intent": "office_search", "turns": 5, "mean_confidence": 0.67, "share": 0.3125},
        {"intent": "nlu_fallback", "turns": 4, "mean_confidence": 0.2, "share": 0.25},
        {"intent": "service_documents", "turns": 3, "mean_confidence": 0.6933, "share": 0.1875},
    ]


async def test_outcome_rates(session: AsyncSession) -> None:
    assert await q.outcomes(session, ALL, COUNTRY) == [
        {"outcome": "answered", "turns": 8, "rate": 0.5},
        {"outcome": "asked_back", "turns": 2, "rate": 0.125},
        {"outcome": "fallback", "turns": 5, "rate": 0.3125},
        {"outcome": "handoff", "turns": 1, "rate": 0.0625},
    ]


async def test_containment_counts_handoff_requests(session: AsyncSession) -> None:
    # Only c1 (all answered) and c8 (asked back, then answered) were handled
    # alone; c6 was answered but its citizen asked for a person.
    assert await q.containment(session, ALL, COUNTRY) == [
        {"conversations": 8, "contained": 2, "containment_rate": 0.25},
    ]
    assert await q.containment(session, Filter(channel="socketio"), COUNTRY) == [
        {"conversations": 1, "contained": 0, "containment_rate": 0.0},
    ]


async def test_satisfaction_by_service_and_province(session: AsyncSession) -> None:
    assert await q.satisfaction_by_province(session, ALL, COUNTRY) == [
        {"province_code": CHIANG_MAI, "thumbs_up": 2, "thumbs_down": 1, "ratings": 3, "satisfaction": 0.6667},
        {"province_code": BANGKOK, "thumbs_up": 1, "thumbs_down": 0, "ratings": 1, "satisfaction": 1.0},
        {"province_code": None, "thumbs_up": 0, "thumbs_down": 1, "ratings": 1, "satisfaction": 0.0},
    ]
    by_service = await q.satisfaction_by_service(session, ALL, COUNTRY)
    assert [(r["service_code"], r["thumbs_up"], r["thumbs_down"]) for r in by_service] == [
        ("driving_licence", 2, 1), ("passport", 1, 0), (None, 0, 1),
    ]


async def test_busiest_hours_in_local_time(session: AsyncSession) -> None:
    cells = {(r["weekday"], r["hour"]): r["turns"] for r in await q.busiest_hours(session, ALL, COUNTRY)}
    # 1 December 2026 is a Tuesday (1), 2 December a Wednesday, 3 December a Thursday.
    assert cells == {
        (1, 1): 3, (1, 10): 2,
        (2, 9): 2, (2, 12): 2, (2, 13): 2,
        (3, 8): 1, (3, 9): 2, (3, 10): 2,
    }


async def test_latency_percentiles_interpolate_like_percentile_cont(session: AsyncSession) -> None:
    # 15 turns with a latency (c5's second has none): 100 … 1000 ms.
    rows = await q.latency(session, ALL, COUNTRY)
    assert rows[0] == {"channel": None, "turns": 15, "p50_ms": 350.0, "p95_ms": 930.0, "p99_ms": 986.0}
    per_channel = {r["channel"]: r for r in rows[1:]}
    # line: 100, 200, 300, 800, 900, 1000
    assert per_channel["line"] == {"channel": "line", "turns": 6, "p50_ms": 550.0, "p95_ms": 975.0, "p99_ms": 995.0}
    assert per_channel["socketio"]["p99_ms"] == 150.0
    assert sorted(per_channel) == ["line", "rest", "socketio", "web"]


async def test_quality_by_model_version(session: AsyncSession) -> None:
    assert await q.quality_by_model(session, ALL, COUNTRY) == [
        {"model_version": "v2", "turns": 9, "mean_confidence": 0.5089, "answered_rate": 0.3333,
         "asked_back_rate": 0.1111, "fallback_rate": 0.4444, "p95_ms": 860.0,
         "thumbs_up": 1, "thumbs_down": 2, "satisfaction": 0.3333},
        {"model_version": "v1", "turns": 7, "mean_confidence": 0.7429, "answered_rate": 0.7143,
         "asked_back_rate": 0.1429, "fallback_rate": 0.1429, "p95_ms": 825.0,
         "thumbs_up": 2, "thumbs_down": 0, "satisfaction": 1.0},
    ]


async def test_unanswered_turns_are_fallbacks_and_asked_back(session: AsyncSession) -> None:
    rows = await q.unanswered_turns(session, ALL, COUNTRY)
    assert [r["id"] for r in rows] == ["c8:0", "c7:0", "c5:0", "c4:0", "c3:1", "c3:0", "c2:1"]
    assert rows[0]["at"].utcoffset() is not None


# The province scope, applied by the query layer to every view.
VIEWS = [
    q.volume, q.volume_by_channel, q.volume_by_province, q.volume_by_service, q.top_intents,
    q.outcomes, q.containment, q.satisfaction_by_service, q.satisfaction_by_province,
    q.busiest_hours, q.latency, q.quality_by_model, q.unanswered_turns,
]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
async def test_province_scope_refuses_another_province(session: AsyncSession, view: object) -> None:
    with pytest.raises(ForbiddenError):
        await view(session, Filter(province_code=BANGKOK), Scope(CHIANG_MAI))  # type: ignore[operator]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
async def test_province_scope_equals_filtering_on_own_province(session: AsyncSession, view: object) -> None:
    scoped = await view(session, ALL, Scope(CHIANG_MAI))  # type: ignore[operator]
    filtered = await view(session, Filter(province_code=CHIANG_MAI), COUNTRY)  # type: ignore[operator]
    everything = await view(session, ALL, COUNTRY)  # type: ignore[operator]
    assert scoped == filtered
    assert scoped != everything


async def test_province_scope_sees_only_its_rows(session: AsyncSession) -> None:
    scope = Scope(CHIANG_MAI)
    assert [r["province_code"] for r in await q.volume_by_province(session, ALL, scope)] == [CHIANG_MAI]
    assert [r["province_code"] for r in await q.satisfaction_by_province(session, ALL, scope)] == [CHIANG_MAI]
    assert {r["province_code"] for r in await q.unanswered_turns(session, ALL, scope)} == {CHIANG_MAI}
    assert sum(r["turns"] for r in await q.volume(session, ALL, scope)) == 8
    assert sum(r["turns"] for r in await q.volume(session, Filter(province_code=CHIANG_MAI), scope)) == 8


def test_filter_needs_aware_times_in_order() -> None:
    from datetime import datetime

    with pytest.raises(ValidationError):
        Filter(since=datetime(2026, 12, 1))
    with pytest.raises(ValidationError):
        Filter.for_dates(date(2026, 12, 3), date(2026, 12, 1))
