"""Alembic: the migrations build exactly the models' schema, and undo it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.kb import migrate
from app.kb.models import Base
from common.paths import ROOT
from tests.app.kb.conftest import TemporaryPostgres, sqlite_url


def _differences(connection: Connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _upgrade_downgrade(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        assert await connection.run_sync(_tables) == set(Base.metadata.tables) | {"alembic_version"}
    await migrate.downgrade(engine, "base")
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) == {"alembic_version"}
    await migrate.upgrade(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_upgrade_and_downgrade_on_sqlite(tmp_path: Path) -> None:
    engine = create_async_engine(sqlite_url(tmp_path / "kb.sqlite3"))
    try:
        await _upgrade_downgrade(engine)
    finally:
        await engine.dispose()


@pytest.mark.services
async def test_upgrade_and_downgrade_on_postgresql(temporary_postgres: TemporaryPostgres) -> None:
    engine = create_async_engine(temporary_postgres.url, poolclass=NullPool)
    try:
        await _upgrade_downgrade(engine)
    finally:
        await engine.dispose()


def test_alembic_command_line_reads_the_url_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "cli.sqlite3"
    env = {**os.environ, "KB_DATABASE_URL": sqlite_url(path), "PYTHONPATH": str(ROOT)}
    for args in (["upgrade", "head"], ["check"], ["current"]):
        result = subprocess.run(
            [sys.executable, "-m", "alembic", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    assert "0001 (head)" in result.stdout
