"""The console opens the analytics store from ANALYTICS_DATABASE_URL: a store with
no conversation yet gives empty tables, not errors."""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import DummyCookieJar

from app.console.app import create_app
from tests.app.console.conftest import Clock, Console, add_accounts, console_settings, password_hash  # noqa: F401
from tests.app.kb.conftest import seeded_sqlite, sqlite_url  # noqa: F401


async def test_empty_store_from_settings(
    aiohttp_client: Callable[..., Any], tmp_path: Path, seeded_sqlite: Path,  # noqa: F811
    password_hash: str,  # noqa: F811
) -> None:
    kb = tmp_path / "kb.sqlite3"
    shutil.copyfile(seeded_sqlite, kb)
    await add_accounts(sqlite_url(kb), password_hash)
    store = tmp_path / "fresh" / "analytics.sqlite3"
    settings = console_settings(sqlite_url(kb), ANALYTICS_DATABASE_URL=f"sqlite+aiosqlite:///{store}")
    app = create_app(settings, clock=Clock())
    client = await aiohttp_client(app, cookie_jar=DummyCookieJar())
    console = Console(client, app, Clock(), settings, sqlite_url(kb))
    analyst = await console.as_role("analyst")
    assert (await analyst.json("GET", "/api/dashboard/volume"))["rows"] == []
    outcomes = await analyst.json("GET", "/api/dashboard/outcomes")
    assert [r["turns"] for r in outcomes["rows"]] == [0, 0, 0, 0]
    assert (await analyst.json("GET", "/api/dashboard/unanswered"))["groups"] == []
    assert store.exists()
