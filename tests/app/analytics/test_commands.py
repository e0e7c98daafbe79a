"""backfill, retention, export and delete, on a tracker store written by Rasa's side of this project."""
from __future__ import annotations

import json
import subprocess
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.analytics import tracker
from app.analytics.backfill import backfill
from app.analytics.db import create_engine, create_schema, sessionmaker
from app.analytics.models import Conversation, Turn
from app.analytics.rights import Stores, apply_retention, delete_everywhere, export
from app.kb.models.feedback import Feedback as KbFeedback
from common.paths import ROOT
from common.privacy import pseudonymise
from tests.app.analytics.support import APP_PYTHON, PSEUDONYM_KEY, RASA_PYTHON, base_env

CONVERSATIONS = 3
SENDER = f"U{0:032x}"  # the LINE user ID of the publisher's first conversation
RAW = ("1101700230708", "081-234-5678", "สมชาย", SENDER)


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Conversations saved by the real CachingSQLTrackerStore (ID number, phone, name in each)."""
    path = tmp_path_factory.mktemp("tracker") / "tracker.db"
    done = subprocess.run([str(RASA_PYTHON), str(ROOT / "tests/bot/server/tracker_store_publisher.py"), str(path),
                           "none", str(CONVERSATIONS)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env=base_env())
    assert done.returncode == 0, done.stderr[-3000:]
    return path


@pytest.fixture
async def stores(tracker_db: Path, tmp_path: Path) -> AsyncIterator[Stores]:
    copy = tmp_path / "tracker.db"
    copy.write_bytes(tracker_db.read_bytes())
    analytics = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'analytics.sqlite3'}")
    await create_schema(analytics)
    kb = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'kb.sqlite3'}")
    async with kb.begin() as connection:
        await connection.run_sync(lambda c: KbFeedback.__table__.create(c))
        await connection.execute(sa.insert(KbFeedback.__table__), [
            {"conversation_pseudonym": pseudonymise(f"U{n:032x}", PSEUDONYM_KEY), "helpful": True,
             "topic": "id_card_new", "channel": "line", "created_at": datetime.now(timezone.utc)}
            for n in range(CONVERSATIONS)])
    opened = Stores(sessionmaker(analytics), tracker.create_engine(f"sqlite:///{copy}"),
                    async_sessionmaker(kb, expire_on_commit=False))
    yield opened
    opened.tracker_engine.dispose()
    await analytics.dispose()
    await kb.dispose()


async def _count(sessions: async_sessionmaker, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_backfill_loads_every_conversation_once(stores: Stores) -> None:
    read, applied = await backfill(stores.analytics, stores.tracker_engine, PSEUDONYM_KEY)
    assert read == applied > 0
    assert await backfill(stores.analytics, stores.tracker_engine, PSEUDONYM_KEY) == (read, 0)
    assert await _count(stores.analytics, Conversation) == CONVERSATIONS
    assert await _count(stores.analytics, Turn) == 2 * CONVERSATIONS
    async with stores.analytics() as session:
        conversation = await session.get(Conversation, pseudonymise(SENDER, PSEUDONYM_KEY))
    assert (conversation.channel, conversation.turns) == ("line", 2)


async def test_export_holds_everything_stored_and_nothing_personal(stores: Stores) -> None:
    await backfill(stores.analytics, stores.tracker_engine, PSEUDONYM_KEY)
    key = pseudonymise(SENDER, PSEUDONYM_KEY)
    exported = await export(stores, [key])
    entry = exported["conversations"][0]
    assert entry["analytics"]["conversation"]["id"] == key
    assert [t["intent"] for t in entry["analytics"]["turns"]] == ["ask_documents", "ask_fee"]
    assert entry["analytics"]["turns"][0]["text"] == (
        "ผมนาย<ชื่อ> เลขบัตร <เลขบัตรประชาชน> เบอร์ <เบอร์โทร> ทำบัตรใหม่ต้องใช้อะไรบ้าง")
    assert len(entry["tracker_store"]) == 11  # action_listen, then 2 turns of 5 events
    assert [f["topic"] for f in entry["kb_feedback"]] == ["id_card_new"]
    dumped = json.dumps(exported, ensure_ascii=False)
    for raw in RAW:
        assert raw not in dumped


async def test_delete_removes_the_conversation_from_every_store(stores: Stores) -> None:
    await backfill(stores.analytics, stores.tracker_engine, PSEUDONYM_KEY)
    key = pseudonymise(SENDER, PSEUDONYM_KEY)
    counts = await delete_everywhere(stores, [key])
    assert counts == {"analytics_conversations": 1, "tracker_events": 11, "kb_feedback": 1}
    assert stores.unavailable == []
    entry = (await export(stores, [key]))["conversations"][0]
    assert entry == {"key": key, "analytics": {"conversation": None, "turns": [], "feedback": [],
                                               "handoffs": []}, "tracker_store": [], "kb_feedback": []}
    # The others are untouched.
    assert await _count(stores.analytics, Conversation) == CONVERSATIONS - 1
    assert await _count(stores.analytics, Turn) == 2 * (CONVERSATIONS - 1)
    assert await _count(stores.kb, KbFeedback) == CONVERSATIONS - 1


async def test_retention_deletes_only_what_is_older_than_the_limit(stores: Stores) -> None:
    await backfill(stores.analytics, stores.tracker_engine, PSEUDONYM_KEY)
    assert await apply_retention(stores, 30) == {"analytics_conversations": 0, "tracker_events": 0,
                                                 "kb_feedback": 0}
    later = datetime.now(timezone.utc) + timedelta(days=31)
    assert await apply_retention(stores, 30, now=later) == {
        "analytics_conversations": CONVERSATIONS, "tracker_events": 11 * CONVERSATIONS,
        "kb_feedback": CONVERSATIONS}
    assert await _count(stores.analytics, Turn) == 0
    with pytest.raises(ValueError, match="at least 1 day"):
        await apply_retention(stores, 0)


def _cli(*args: str, tmp: Path, tracker_db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(APP_PYTHON), "-m", "app.analytics", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=base_env(ANALYTICS_DATABASE_URL=f"sqlite+aiosqlite:///{tmp / 'cli.sqlite3'}",
                     TRACKER_DATABASE_URL=f"sqlite:///{tracker_db}",
                     KB_DATABASE_URL=f"sqlite+aiosqlite:///{tmp / 'kb.sqlite3'}"))


def test_the_commands(tracker_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tracker.db"
    copy.write_bytes(tracker_db.read_bytes())
    first = _cli("backfill", tmp=tmp_path, tracker_db=copy)
    assert first.returncode == 0, first.stderr
    read = json.loads(first.stdout)["read"]
    assert json.loads(first.stdout) == {"read": read, "applied": read}
    assert json.loads(_cli("backfill", tmp=tmp_path, tracker_db=copy).stdout) == {"read": read, "applied": 0}
    exported = _cli("export", "--sender", SENDER, tmp=tmp_path, tracker_db=copy)
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(exported.stdout)["conversations"][0]["analytics"]["turns"]) == 2
    deleted = _cli("delete", "--citizen", pseudonymise(SENDER, PSEUDONYM_KEY), tmp=tmp_path, tracker_db=copy)
    assert json.loads(deleted.stdout) == {"analytics_conversations": 1, "tracker_events": 11, "kb_feedback": 0}
    retention = _cli("retention", "--days", "30", tmp=tmp_path, tracker_db=copy)
    assert json.loads(retention.stdout) == {"analytics_conversations": 0, "tracker_events": 0, "kb_feedback": 0}
    assert _cli("retention", "--days", "0", tmp=tmp_path, tracker_db=copy).returncode == 2
    assert _cli("export", tmp=tmp_path, tracker_db=copy).returncode == 2  # argparse: who is required
