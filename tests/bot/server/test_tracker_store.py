"""The caching tracker store returns exactly what Rasa's SQL tracker store would."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from common.paths import ROOT
from bot.server.tracker_store import CachingSQLTrackerStore
from tests.conftest import require_service

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


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


Replica = Callable[[], CachingSQLTrackerStore]


@pytest.fixture
def sqlite_replica(domain: Domain, tmp_path: Path) -> Replica:
    return lambda: _store(domain, tmp_path / "t.db")


@pytest.fixture
def postgres_replica(domain: Domain) -> Iterator[Replica]:
    """Replicas of the production profile: one PostgreSQL database, a store per replica."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    name = f"tracker_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    stores: list[CachingSQLTrackerStore] = []

    def replica() -> CachingSQLTrackerStore:
        store = CachingSQLTrackerStore(domain, dialect="postgresql", host="127.0.0.1",
                                       port=5432, db=name, username="postgres")
        stores.append(store)
        return store

    yield replica
    for store in stores:
        store.engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _user_texts(tracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


async def _take_turn(store: CachingSQLTrackerStore, sender: str, text: str):
    tracker = await store.retrieve(sender)
    for event in _turn(text):
        tracker.update(event)
    await store.save(tracker)
    return tracker


@pytest.mark.parametrize(
    "replica",
    ["sqlite_replica", pytest.param("postgres_replica", marks=pytest.mark.services)],
)
async def test_a_to_b_to_a_each_replica_sees_the_others_turn(
    replica: str, request: pytest.FixtureRequest
) -> None:
    new_replica: Replica = request.getfixturevalue(replica)
    replica_a, replica_b = new_replica(), new_replica()
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    saved_by_a = await _conversation(replica_a, sender, 2)
    assert replica_a._cache[sender][1] is saved_by_a  # A holds the conversation in memory

    await _take_turn(replica_b, sender, "from replica b")
    # A's cached tracker is stale now: the indexed query on events.sender_id
    # finds B's newer row, so A reads the database instead of its cache.
    back_on_a = await replica_a.retrieve(sender)
    assert back_on_a is not saved_by_a
    assert _user_texts(back_on_a) == ["turn 0", "turn 1", "from replica b"]
    for event in _turn("back on a"):
        back_on_a.update(event)
    await replica_a.save(back_on_a)

    # B's own cache is stale in turn, and the database holds every turn once, in order.
    assert _user_texts(await replica_b.retrieve(sender)) == [
        "turn 0", "turn 1", "from replica b", "back on a"]
    fresh = await new_replica().retrieve(sender)
    assert [e.as_dict() for e in fresh.events] == [e.as_dict() for e in back_on_a.events]
    # With nobody else writing, A's next turn is served from its cache again.
    assert await replica_a.retrieve(sender) is back_on_a


@pytest.mark.services
def test_postgres_has_the_index_the_cache_check_relies_on(postgres_replica: Replica) -> None:
    store = postgres_replica()
    indexes = sa.inspect(store.engine).get_indexes("events")
    assert ["sender_id"] in [index["column_names"] for index in indexes]


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
        [(store.key_for("a"), e.type_name) for e in list(tracker.events)[before:]]
    assert len(broker.published) == len(tracker.events)  # every event exactly once


async def test_sqlite_connections_are_pooled(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path / "t.db")
    await _conversation(store, "a", 3)
    assert isinstance(store.engine.pool, sa.pool.QueuePool)
    assert store.engine.pool.checkedin() == 1  # one connection, reused by every query
