"""Property-based fuzz of the console API from its own OpenAPI document (schemathesis).

Every operation is called with generated paths, queries, headers and bodies,
as a role the operation allows and as one it does not: no answer may be a
5xx, and no request of a role the route does not allow may succeed (2xx).
The server runs in a thread of its own, since schemathesis calls it
synchronously.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, given, settings

from app.console.app import create_app
from app.console.auth import COOKIE_NAME, CSRF_HEADER
from tests.app.console.conftest import (
    ACCOUNTS,
    PASSWORD,
    ROLE_USERS,
    TOTP_ROLES,
    TOTP_SECRET,
    add_accounts,
    console_settings,
)
from tests.app.kb.conftest import sqlite_url

EXAMPLES = 12
# Signing out would end the session the rest of the fuzz uses; test_session covers it.
NOT_FUZZED = {("DELETE", "/api/session")}
# Would start a real retraining job (minutes of CPU): fuzzed only as a forbidden role.
ONLY_FORBIDDEN = {("POST", "/api/training")}


class Server:
    """The console app on a free port, in a thread with its own event loop."""

    def __init__(self, app: web.Application) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        self.loop.run_until_complete(site.start())
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self.runner.cleanup())

    def __enter__(self) -> str:
        self.thread.start()
        assert self.ready.wait(60)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seeded_sqlite: Path,
           password_hash: str) -> Iterator[str]:
    path = tmp_path_factory.mktemp("fuzz") / "kb.sqlite3"
    shutil.copyfile(seeded_sqlite, path)
    url = sqlite_url(path)
    asyncio.run(add_accounts(url, password_hash))
    with Server(create_app(console_settings(url))) as base:
        yield base


def _login(base: str, role: str) -> dict[str, str]:
    username = ROLE_USERS[role]
    body: dict[str, Any] = {"username": username, "password": PASSWORD}
    if ACCOUNTS[username][0] in TOTP_ROLES:
        body["totp"] = pyotp.TOTP(TOTP_SECRET).now()
    response = requests.post(f"{base}/api/session", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return {"Cookie": f"{COOKIE_NAME}={response.cookies[COOKIE_NAME]}",
            CSRF_HEADER: response.json()["csrf_token"]}


def _operations(base: str) -> list[Any]:
    document = requests.get(f"{base}/api/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(server: str, operation: Any, role: str | None, may: bool,
          headers: dict[str, str], problems: list[str]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def call(case: Any) -> None:
        response = case.call(base_url=server, headers={**(case.headers or {}), **headers},
                             timeout=30)
        where = f"{case.method} {case.formatted_path} as {role}: {response.status_code}"
        if response.status_code >= 500:
            problems.append(f"{where} {response.text[:200]}")
        if not may and 200 <= response.status_code < 300:
            problems.append(f"{where} succeeded for a forbidden role")

    call()


def test_fuzz_no_5xx_and_no_success_for_a_forbidden_role(server: str) -> None:
    sessions = {role: _login(server, role) for role in ROLE_USERS}
    problems: list[str] = []
    operations = _operations(server)
    assert len(operations) >= 26
    for operation in operations:
        key = (operation.method.upper(), operation.path)
        if key in NOT_FUZZED:
            continue
        roles = operation.definition.raw.get("x-roles")
        # One allowed role and one forbidden role (when some role is forbidden).
        callers: list[tuple[str | None, bool]] = [(None, roles is None)]
        if roles is not None:
            callers = [] if key in ONLY_FORBIDDEN else [(roles[0], True)]
            forbidden = [r for r in ROLE_USERS if r not in roles]
            if forbidden:
                callers.append((forbidden[0], False))

        for role, may in callers:
            _fuzz(server, operation, role, may, sessions[role] if role else {}, problems)
    assert problems == []
