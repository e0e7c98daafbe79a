"""The console with the dashboard's routes, on the hand-counted analytics store
(seed.py) and the console's own fixtures: one account per role."""
from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import DummyCookieJar
from sqlalchemy.ext.asyncio import create_async_engine

from app.console.app import create_app
from app.console.dashboard import ANALYTICS
from app.kb.db import Database
from tests.app.console.conftest import (  # noqa: F401
    Clock, Console, add_accounts, console_settings, password_hash,
)
from tests.app.console_dashboard.seed import seed_analytics
from tests.app.kb.conftest import seeded_sqlite, sqlite_url  # noqa: F401


async def seeded_store(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_async_engine(url)
    await seed_analytics(engine)
    await engine.dispose()
    return url


@pytest.fixture
async def dashboard(
    aiohttp_client: Callable[..., Any], tmp_path: Path, seeded_sqlite: Path,  # noqa: F811
    password_hash: str,  # noqa: F811
) -> AsyncIterator[Console]:
    path = tmp_path / "kb.sqlite3"
    shutil.copyfile(seeded_sqlite, path)
    url = sqlite_url(path)
    await add_accounts(url, password_hash)
    analytics = Database(await seeded_store(tmp_path / "analytics.sqlite3"))
    clock = Clock()
    settings = console_settings(url)
    app = create_app(settings, clock=clock)
    app[ANALYTICS] = analytics
    client = await aiohttp_client(app, cookie_jar=DummyCookieJar())
    yield Console(client, app, clock, settings, url)
    await analytics.dispose()
