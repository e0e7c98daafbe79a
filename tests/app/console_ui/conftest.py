"""Console browser tests: the real console app (app.console.create_app) on a
temporary SQLite knowledge base seeded from tests/fixtures/kb, in a thread of
its own, with a province officer made by the accounts command's own function."""
from __future__ import annotations

import asyncio
import subprocess
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from app.kb.db import Database
from app.kb.seed import run_seed
from app.settings import Settings, load_settings
from common.paths import GEO, ROOT
from tests.app.webchat.support import CHROMIUM, CHROMIUM_ARGS, free_port, require_chromium
from tests.fixtures import FIXTURE_KB

ARTIFACTS = ROOT / "test-artifacts" / "console"
PROVINCE = "50"  # Chiang Mai: the fixture KB has its own answer to complaint_channels
OFFICER = "cm_officer"
PASSWORD = "ทดสอบ-Console-2026!"

T = TypeVar("T")


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine in a thread with its own loop: Playwright's sync API keeps
    one running in the test's thread."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(factory()))
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


class ServerThread:
    """An aiohttp app served from a background thread's event loop."""

    def __init__(self, app_factory: Callable[[], web.Application], port: int) -> None:
        self._factory = app_factory
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._runner: web.AppRunner | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._runner = web.AppRunner(self._factory(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def __enter__(self) -> str:
        self._thread.start()
        self._ready.wait(60)
        if self._error is not None:
            raise self._error
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)


@dataclass(frozen=True)
class Console:
    url: str
    settings: Settings
    office_code: str

    def database(self) -> Database:
        return Database(self.settings.kb_database_url)


async def _seed(url: str) -> None:
    db = Database(url)
    try:
        await run_seed(db, FIXTURE_KB, GEO)
    finally:
        await db.dispose()


async def _first_office(url: str, province: str) -> str:
    from app.kb.models import ContentKind
    from app.kb.repositories.published import all_published

    db = Database(url)
    try:
        async with db.session() as session:
            offices = await all_published(session, ContentKind.OFFICE)
        ours = [o for o in offices if o.province_code == province]  # type: ignore[attr-defined]
        codes = [o.code for o in ours]  # type: ignore[attr-defined]
        # A district office: what a province officer edits most.
        return next((c for c in codes if c.startswith("district_office:")), codes[0])
    finally:
        await db.dispose()


def build_console_chat() -> None:
    """The preview's card code, copied from web/src as ``make run`` and ``make test`` do
    (a clean clone has none): the console lists its files when the app is made."""
    subprocess.run(["bash", str(ROOT / "scripts" / "build_console_chat.sh")], check=True,
                   capture_output=True, timeout=60)


# Package scope, not session: Playwright's sync API keeps an event loop
# running in the main thread while it is open, and later tests call asyncio.run.
@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    from app.console.app import create_app
    from app.console.users import create_user

    path: Path = tmp_path_factory.mktemp("console") / "kb.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    settings = load_settings({
        "APP_ENV": "test",
        "KB_DATABASE_URL": url,
        "CONSOLE_SESSION_SECRET": "console-ui-browser-test-secret-0123456789",
        # Every test signs in from 127.0.0.1: the per-address limit is tested in tests/app/console.
        "CONSOLE_LOGIN_RATE": "1000",
    })
    build_console_chat()
    run_async(lambda: _seed(url))
    run_async(lambda: create_user(settings, username=OFFICER, role="province_officer",
                                  password=PASSWORD, province_code=PROVINCE))
    office = run_async(lambda: _first_office(url, PROVINCE))
    with ServerThread(lambda: create_app(settings), free_port()) as base:
        yield Console(base, settings, office)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A desktop-sized browser context, Thai locale."""
    context = browser.new_context(locale="th-TH", viewport={"width": 1024, "height": 900})
    yield context
    context.close()


EDITORS = ("editor_a", "editor_b", "editor_c")


@pytest.fixture(scope="package")
def editor_secrets(console: Console) -> dict[str, str]:
    """Two ministry content editors (TOTP sign-in): a change to a service's national
    facts by one needs the other's approval."""
    from app.console.users import create_user

    secrets: dict[str, str] = {}
    for name in EDITORS:
        secret = run_async(lambda name=name: create_user(  # type: ignore[misc]
            console.settings, username=name, role="content_editor", password=PASSWORD
        ))
        assert secret, "content editors sign in with TOTP"
        secrets[name] = secret
    return secrets
