"""The caching tracker store returns exactly what Rasa's SQL tracker store would."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from common.paths import ROOT
from bot.server.tracker_store import CachingSQLTrackerStore


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def _store(domain: Domain, path: Path) -> CachingSQLTrackerStore:
    return CachingSQLTrackerStore(domain, dialect="sqlite", db=str(path))


def _turn(text: str) -> list:
    return [UserUttered(text, {"name": "ask_fee", "confidence": 1.0}), SlotSet("service", "passport"),
            ActionExecuted("action_answer_service"), BotUttered("ok"), ActionExecuted("action_listen")]


async def _conversation(store: CachingSQLTrackerStore, sender: str, turns: int):
    tracker = await store.get_or_create_tracker(sender)
    await store.save(tracker)
    for index in range(turns):
        tracker = await store.retrieve(sender)
        for event in _turn(f"turn {index}"):
            tracker.update(event)
        await store.save(tracker)
    return tracker


async def test_next_turn_gets_the_saved_tracker_object_back(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path / "t.db")
    saved = await _conversation(store, "a", 3)
    assert await store.retrieve("a") is saved  # no database read of the events
    # and it equals what Rasa's own store reads from the database
    fresh = await _store(domain, tmp_path / "t.db").retrieve("a")
    assert [e.as_dict() for e in fresh.events] == [e.as_dict() for e in saved.events]
    assert fresh.get_slot("service") == "passport"


async def test_a_write_by_another_replica_is_never_hidden(domain: Domain, tmp_path: Path) -> None:
    replica_a, replica_b = _store(domain, tmp_path / "t.db"), _store(domain, tmp_path / "t.db")
    await _conversation(replica_a, "a", 2)
    tracker_b = await replica_b.retrieve("a")
    for event in _turn("from replica b"):
        tracker_b.update(event)
    await replica_b.save(tracker_b)
    seen_by_a = await replica_a.retrieve("a")
    assert [e.text for e in seen_by_a.events if isinstance(e, UserUttered)][-1] == "from replica b"


async def test_a_turn_that_fails_before_saving_leaves_no_trace(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path / "t.db")
    await _conversation(store, "a", 2)
    checked_out = await store.retrieve("a")
    checked_out.update(UserUttered("never saved"))  # the turn dies here
    again = await store.retrieve("a")
    assert again is not checked_out
    assert "never saved" not in [e.text for e in again.events if isinstance(e, UserUttered)]


async def test_sqlite_runs_in_wal_mode(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path / "t.db")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


class _RecordingBroker(EventBroker):
    """An in-process event broker: keeps what it is given."""

    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


async def test_checked_out_tracker_saves_and_streams_only_its_new_events(
    domain: Domain, tmp_path: Path
) -> None:
    broker = _RecordingBroker()
    store = CachingSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"),
                                   event_broker=broker)
    await _conversation(store, "a", 3)
    tracker = await store.retrieve("a")
    before, published_before = len(tracker.events), len(broker.published)
    for event in _turn("turn 4"):
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)  # Rasa may save twice in one turn: nothing is stored twice

    fresh = await _store(domain, tmp_path / "t.db").retrieve("a")
    assert [e.as_dict() for e in fresh.events] == [e.as_dict() for e in tracker.events]
    new = broker.published[published_before:]
    assert [(e["sender_id"], e["event"]) for e in new] == \
        [("a", e.type_name) for e in list(tracker.events)[before:]]
    assert len(broker.published) == len(tracker.events)  # every event exactly once


async def test_sqlite_connections_are_pooled(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path / "t.db")
    await _conversation(store, "a", 3)
    assert isinstance(store.engine.pool, sa.pool.QueuePool)
    assert store.engine.pool.checkedin() == 1  # one connection, reused by every query
