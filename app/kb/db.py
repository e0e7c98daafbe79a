"""Engine and sessions of the knowledge base."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.settings import Settings

logger = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, wal: bool) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, per connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    # The action server reads while a seed or the console writes: WAL lets
    # readers go on during a write, and busy_timeout waits out short locks.
    if wal:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """One async engine and its session factory.

    Create one per process (``create_database(settings)``), open sessions with
    ``async with db.session() as session``, and ``await db.dispose()`` at
    shutdown.
    """

    def __init__(self, url: str, *, echo: bool = False, **engine_kwargs: Any) -> None:
        self.url = make_url(url)
        if self.url.get_backend_name() == "sqlite":
            database = self.url.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            engine_kwargs.setdefault("pool_pre_ping", True)
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, **engine_kwargs)
        if self.url.get_backend_name() == "sqlite":
            wal = (self.url.database or ":memory:") != ":memory:"
            event.listen(
                self.engine.sync_engine,
                "connect",
                lambda conn, record: _sqlite_pragmas(conn, record, wal=wal),
            )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session that commits on success and rolls back on any error."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()


def create_database(settings: Settings, **engine_kwargs: Any) -> Database:
    """The knowledge base of ``settings.kb_database_url``."""
    db = Database(settings.kb_database_url, **engine_kwargs)
    logger.debug("knowledge base: %s", db.url.render_as_string(hide_password=True))
    return db
