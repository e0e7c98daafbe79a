"""Real SDK objects and a real SQLite knowledge base for the action tests.

The knowledge base is seeded once per session from the shared test data in
``tests/fixtures/kb`` and ``tests/fixtures/geo`` by the project's own seed, and every test
gets a fresh copy of the file, so a test that writes cannot affect another.
Settings come from the environment, as in production.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.kb import KnowledgeBase, close_knowledge_base
from app.kb.db import Database
from app.kb.seed import run_seed
from app.settings import Settings, get_settings, load_settings
from common.paths import ROOT
from tests.actions.support import PSEUDONYM_KEY
from tests.fixtures import FIXTURE_GEO, FIXTURE_KB
from tests.fixtures.card_contract import assert_valid_cards


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def seeded_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kb-template") / "kb.sqlite3"

    async def seed() -> None:
        db = Database(sqlite_url(path))
        try:
            await run_seed(db, FIXTURE_KB, FIXTURE_GEO)
        finally:
            await db.dispose()

    asyncio.run(seed())
    return path


# Nothing listens on port 9 of the loopback: a connection there is refused at once.
NOTHING_LISTENS = "postgresql+psycopg://postgres@127.0.0.1:9/kb"


def make_settings(**env: str) -> Settings:
    """Settings of a test environment, ``KEY=value`` overriding the defaults."""
    return load_settings({"APP_ENV": "test", "PSEUDONYM_KEY": PSEUDONYM_KEY,
                          "KB_TIMEOUT_SECONDS": "2", **env})


@pytest.fixture
def use_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Point the process settings at a test environment (``KEY=value`` overrides)."""

    def apply(**env: str) -> None:
        base = {"APP_ENV": "test", "PSEUDONYM_KEY": PSEUDONYM_KEY, "KB_TIMEOUT_SECONDS": "2"}
        for key, value in {**base, **env}.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


@pytest.fixture
async def kb_path(
    seeded_kb: Path, tmp_path: Path, use_settings: Callable[..., None]
) -> AsyncIterator[Path]:
    """A private copy of the seeded knowledge base, which the actions will use."""
    path = tmp_path / "kb.sqlite3"
    shutil.copyfile(seeded_kb, path)
    use_settings(KB_DATABASE_URL=sqlite_url(path))
    yield path
    await close_knowledge_base()


@pytest.fixture
async def kb(kb_path: Path) -> AsyncIterator[KnowledgeBase]:
    """The adapter the tests pass to the actions, on this test's copy of the knowledge base."""
    adapter = KnowledgeBase(make_settings(KB_DATABASE_URL=sqlite_url(kb_path)))
    yield adapter
    await adapter.close()


@pytest.fixture
def dispatcher() -> Iterator[CollectingDispatcher]:
    """The dispatcher an action answers to; every card it collected must keep the contract."""
    collecting = CollectingDispatcher()
    yield collecting
    assert_valid_cards(collecting.messages)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
