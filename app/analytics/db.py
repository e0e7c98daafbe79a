"""Engine, schema and sessions of the analytics store (ANALYTICS_DATABASE_URL)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from app.analytics import rollups
from app.analytics.models import AnalyticsBase

logger = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE of delete/retention
    cursor.execute("PRAGMA journal_mode=WAL")  # the dashboard reads while the ingest writes
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (sqlite+aiosqlite or postgresql+psycopg)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(parsed, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(parsed, **kwargs)


async def create_schema(engine: AsyncEngine, *, rebuild_summaries: bool = True) -> None:
    """Create every table that does not exist yet (no migrations: the store is derived data).

    A summary table added to a store that already holds turns is filled from
    them here, in the transaction that creates it, so the dashboard never
    reads an empty summary of a full store. (This is the store's migration:
    it is derived data, so a new summary is rebuilt rather than migrated.)
    With ``rebuild_summaries`` false (``ANALYTICS_REBUILD_SUMMARIES=0``) the
    table is created empty and the rebuild is left to ``python -m
    app.analytics rollups``: on a large store it takes minutes, and the
    process opening the store (worker, ingest, console) would wait for it.
    """
    summaries = [table.name for table in rollups.SUMMARIES]
    async with engine.begin() as connection:
        had_all = await connection.run_sync(lambda c: all(inspect(c).has_table(t) for t in summaries))
        await connection.run_sync(AnalyticsBase.metadata.create_all)
        if not had_all and not rebuild_summaries:
            logger.warning("analytics: a summary table was created empty (ANALYTICS_REBUILD_SUMMARIES=0); "
                           "the dashboard undercounts until `python -m app.analytics rollups` has run")
        elif not had_all:
            async with AsyncSession(bind=connection) as session:
                await rollups.rebuild(session)
                await session.flush()


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
