"""Console fixtures: the real app on a copy of the seeded fixture knowledge base
(all 1,082 offices), one account per role, a clock the test moves."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiohttp import DummyCookieJar, web
from aiohttp.test_utils import TestClient

from app.console.app import create_app
from app.console.auth import COOKIE_NAME, CSRF_HEADER, hash_password
from app.kb.db import Database
from app.kb.repositories import accounts
from app.settings import Settings, load_settings
from tests.app.kb.conftest import seeded_postgres, seeded_sqlite, sqlite_url  # noqa: F401

PASSWORD = "correct horse battery staple"
OWN, OTHER = "50", "10"
OWN_OFFICE = "district_office:5001"
OWN_OTHER_OFFICE = "district_office:5002"  # same province, another district's office
OTHER_OFFICE = "bangkok_district_office:1001"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
START = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)

# username -> (role, province, office); the ministry's roles sign in with TOTP.
ACCOUNTS: dict[str, tuple[str, str | None, str | None]] = {
    "admin1": ("admin", None, None),
    "editor1": ("content_editor", None, None),
    "editor2": ("content_editor", None, None),
    "analyst1": ("analyst", None, None),
    "cm.officer": ("province_officer", OWN, None),
    "bkk.officer": ("province_officer", OTHER, None),
    "cm.district": ("district_officer", None, OWN_OFFICE),
}
ROLE_USERS = {
    "admin": "admin1",
    "content_editor": "editor1",
    "analyst": "analyst1",
    "province_officer": "cm.officer",
    "district_officer": "cm.district",
}
TOTP_ROLES = {"admin", "content_editor", "analyst"}


class Clock:
    """The app's clock; tests move it forward."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def password_hash() -> str:
    # argon2id is slow on purpose: hash the one test password once.
    return hash_password(PASSWORD)


async def add_accounts(url: str, password_hash: str) -> None:
    db = Database(url)
    try:
        async with db.session() as session:
            for username, (role, province, office) in ACCOUNTS.items():
                await accounts.create_account(
                    session, username=username, password_hash=password_hash, role=role,
                    province_code=province, office_code=office,
                    totp_secret=TOTP_SECRET if role in TOTP_ROLES else None,
                )
    finally:
        await db.dispose()


def totp_now(clock: Clock) -> str:
    return pyotp.TOTP(TOTP_SECRET).at(clock.now)


@dataclass
class Session:
    """One signed-in (or not) browser: its cookie and CSRF token, sent by hand."""

    client: TestClient
    cookie: str | None = None
    csrf: str | None = None
    user: dict[str, Any] = field(default_factory=dict)

    async def request(
        self, method: str, path: str, *, csrf: bool = True, headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = f"{COOKIE_NAME}={self.cookie}"
        if csrf and self.csrf and method not in {"GET", "HEAD"}:
            sent[CSRF_HEADER] = self.csrf
        return await self.client.request(method, path, headers=sent, **kwargs)

    async def json(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = await self.request(method, path, **kwargs)
        body = await response.json() if response.status != 204 else None
        assert response.status == expect, (response.status, body)
        return body


@dataclass
class Console:
    client: TestClient
    app: web.Application
    clock: Clock
    settings: Settings
    url: str

    async def login(self, username: str) -> Session:
        role = ACCOUNTS[username][0]
        body: dict[str, Any] = {"username": username, "password": PASSWORD}
        if role in TOTP_ROLES:
            body["totp"] = totp_now(self.clock)
        response = await self.client.post("/api/session", json=body)
        payload = await response.json()
        assert response.status == 200, payload
        cookie = response.cookies[COOKIE_NAME].value
        return Session(self.client, cookie, payload["csrf_token"], payload["user"])

    async def as_role(self, role: str) -> Session:
        return await self.login(ROLE_USERS[role])

    def anonymous(self) -> Session:
        return Session(self.client)


def console_settings(url: str, **extra: str) -> Settings:
    return load_settings({
        "APP_ENV": "test",
        "KB_DATABASE_URL": url,
        "CONSOLE_SESSION_SECRET": "console-test-secret-" + "0" * 40,
        "CONSOLE_PUBLISH_INTERVAL_SECONDS": "0",
        "CONSOLE_LOGIN_RATE": "1000",
        **extra,
    })


@pytest.fixture
def make_console(
    aiohttp_client: Callable[..., Any], tmp_path: Path, seeded_sqlite: Path,  # noqa: F811
    password_hash: str,
) -> Callable[..., Any]:
    async def make(**extra: str) -> Console:
        path = tmp_path / "kb.sqlite3"
        shutil.copyfile(seeded_sqlite, path)
        url = sqlite_url(path)
        await add_accounts(url, password_hash)
        clock = Clock()
        settings = console_settings(url, **extra)
        app = create_app(settings, clock=clock)
        client = await aiohttp_client(app, cookie_jar=DummyCookieJar())
        return Console(client, app, clock, settings, url)

    return make


@pytest.fixture
async def console(make_console: Callable[..., Any]) -> AsyncIterator[Console]:
    yield await make_console()
