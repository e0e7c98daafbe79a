"""Conversations held over REST and LINE reach the dashboard within seconds.

The whole embedded default runs (action server, Rasa with the project's
tracker store and event broker, the analytics ingest) with LINE's API stood in
locally; the console reads the ingest's store, and an analyst sees both
channels on the dashboard while the LINE user's ID is stored nowhere.
"""
from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import DummyCookieJar

from app.console.app import create_app
from app.console.dashboard import ANALYTICS
from app.kb.db import Database
from tests.app.analytics.support import PSEUDONYM_KEY, free_port, ingest
from tests.app.console.conftest import Clock, Console, add_accounts, console_settings, password_hash  # noqa: F401
from tests.app.kb.conftest import seeded_sqlite, sqlite_url  # noqa: F401
from tests.e2e.conftest import (  # noqa: F401
    LINE_SECRET, LINE_TOKEN, Chat, LineStandIn, line_api, post_json, running_stack,
)
from tests.e2e.test_line_webhook import REPLY, _sign, _webhook

pytestmark = [pytest.mark.e2e, pytest.mark.model]


async def test_rest_and_line_conversations_appear_on_the_dashboard_within_seconds(
    aiohttp_client: Callable[..., Any], tmp_path: Path, seeded_sqlite: Path,  # noqa: F811
    password_hash: str, line_api: LineStandIn,  # noqa: F811
) -> None:
    kb = tmp_path / "console-kb.sqlite3"
    shutil.copyfile(seeded_sqlite, kb)
    await add_accounts(sqlite_url(kb), password_hash)
    analytics_db = tmp_path / "analytics.sqlite3"
    analytics_url = f"sqlite+aiosqlite:///{analytics_db}"
    port = free_port()
    line_user = "U" + uuid.uuid4().hex
    env = {"ANALYTICS_INGEST_PORT": str(port), "PSEUDONYM_KEY": PSEUDONYM_KEY,
           "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
           "LINE_API_BASE_URL": line_api.url}
    with ingest(analytics_url, tmp_path / "ingest.log", port=port), \
            running_stack(tmp_path, tmp_path / "logs", extra_env=env) as stack:
        Chat(stack, f"e2e-{uuid.uuid4().hex}").send("ทำพาสปอร์ตใช้เอกสารอะไรบ้างคะ")
        body = _webhook(line_user, "ต่อใบขับขี่ต้องใช้อะไรบ้างครับ")
        before = len(line_api.bodies(REPLY))
        status, _ = post_json(f"{stack.rasa_url}/webhooks/line/webhook", None,
                              {"X-Line-Signature": _sign(body)}, raw=body)
        assert status == 200
        line_api.wait_for(REPLY, before + 1)
        answered = time.monotonic()

        analytics = Database(analytics_url)
        clock, settings = Clock(), console_settings(sqlite_url(kb))
        app = create_app(settings, clock=clock)
        app[ANALYTICS] = analytics
        console = Console(await aiohttp_client(app, cookie_jar=DummyCookieJar()), app, clock,
                          settings, sqlite_url(kb))
        analyst = await console.as_role("analyst")
        channels: dict[str, int] = {}
        while time.monotonic() - answered < 30 and not {"rest", "line"} <= channels.keys():
            rows = (await analyst.json("GET", "/api/dashboard/channels"))["rows"]
            channels = {row["channel"]: row["conversations"] for row in rows}
            await asyncio.sleep(0.5)
        await analytics.dispose()

    assert channels == {"rest": 1, "line": 1}
    with sqlite3.connect(analytics_db) as connection:
        stored = "\n".join(str(cell) for table in ("conversations", "turns")
                           for row in connection.execute(f"SELECT * FROM {table}")  # noqa: S608
                           for cell in row)
    assert line_user not in stored
    assert line_user not in (tmp_path / "tracker.sqlite3").read_bytes().decode("utf-8", "replace")
