"""Knowledge-base fixtures: a seeded SQLite template copied per test, and the
same data in a temporary PostgreSQL database rolled back per test."""

from __future__ import annotations

import asyncio
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from app.kb.db import Database
from app.kb.seed import run_seed
from common.paths import GEO
from tests.conftest import require_service
# The shared fixture set, re-exported under the names these tests use.
from tests.fixtures import FIXTURE_GEO, FIXTURE_KB, FIXTURES  # noqa: F401

PG_HOST, PG_PORT = "127.0.0.1", 5432
# Local test service: trust auth, user postgres, maintenance database "test".
PG_ADMIN_DSN = f"host={PG_HOST} port={PG_PORT} user=postgres dbname=test"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def seed(url: str, kb_dir: Path = FIXTURE_KB, geo_dir: Path = GEO) -> None:
    db = Database(url)
    try:
        await run_seed(db, kb_dir, geo_dir)
    finally:
        await db.dispose()


def seed_once(url: str) -> None:
    """Seed from a session fixture, which may be first requested inside a test's
    running event loop: a thread of its own gets a loop of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, seed(url)).result()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture KB on the real geography (all 1,082 offices), seeded once."""
    path = tmp_path_factory.mktemp("kb") / "template.sqlite3"
    seed_once(sqlite_url(path))
    return path


class TemporaryPostgres:
    """A throwaway database ``kb_test_<random>`` on the local PostgreSQL."""

    def __init__(self) -> None:
        self.name = f"kb_test_{secrets.token_hex(6)}"
        self.url = f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{self.name}"

    def _admin(self, sql: str) -> None:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def temporary_postgres() -> Iterator[TemporaryPostgres]:
    """An empty PostgreSQL database for this test only."""
    require_service("PostgreSQL", PG_HOST, PG_PORT)
    database = TemporaryPostgres()
    database.create()
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture(scope="session")
def seeded_postgres() -> Iterator[str]:
    require_service("PostgreSQL", PG_HOST, PG_PORT)
    database = TemporaryPostgres()
    database.create()
    try:
        seed_once(database.url)
        yield database.url
    finally:
        database.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncSession]:
    """A session on the seeded fixture KB; nothing one test does reaches another.

    SQLite: a fresh copy of the seeded file. PostgreSQL: one outer transaction
    rolled back after the test, the session's commits turned into savepoints.
    """
    if request.param == "sqlite":
        path = tmp_path / "kb.sqlite3"
        shutil.copyfile(request.getfixturevalue("seeded_sqlite"), path)
        db = Database(sqlite_url(path))
        try:
            async with db.sessionmaker() as s:
                yield s
        finally:
            await db.dispose()
        return
    engine = create_async_engine(request.getfixturevalue("seeded_postgres"), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            s = AsyncSession(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
            try:
                yield s
            finally:
                await s.close()
                await transaction.rollback()
    finally:
        await engine.dispose()
