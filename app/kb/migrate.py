"""Alembic migrations of the knowledge base, run from Python.

The Alembic configuration is built here rather than read from ``alembic.ini``
so the seed and the tests work from any directory; ``alembic.ini`` at the
repository root points at the same scripts for the command line.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from common.paths import ROOT

MIGRATIONS = ROOT / "app" / "kb" / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # Passed as an attribute: ini-style interpolation would mangle a '%'
        # in a password.
        config.attributes["url"] = url
    return config


def _run(connection: Connection, action: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database of ``engine`` up to ``revision``."""
    async with engine.begin() as connection:
        await connection.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    """Migrate the database of ``engine`` down to ``revision``."""
    async with engine.begin() as connection:
        await connection.run_sync(_run, "downgrade", revision)
