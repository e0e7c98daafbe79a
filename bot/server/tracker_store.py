"""Rasa's SQL tracker store, without re-reading a conversation on every turn.

Profiling (bench/README.md) showed Rasa's ``SQLTrackerStore`` loading and
deserialising every event of a conversation at the start of each turn: a
third of the server's time at turn 150, growing with the conversation. This
subclass keeps the tracker it has just saved in a bounded in-process cache and
hands it back on the next turn, after one indexed query proves the database
holds nothing newer (another replica, or the HTTP API, may have written).

A cached tracker is *checked out* by ``retrieve``: if the turn fails before
``save`` it is simply gone, and the next turn reads the database as before.
Everything else, the schema, the queries, the event broker, is Rasa's own, so
several replicas can share one PostgreSQL database as usual.

A tracker handed back from the cache also knows how many of its events are
stored, so saving it appends the new events (Rasa's rows, in one statement)
without Rasa's count of the conversation's rows, and streams them to the event
broker (production) without reading the whole conversation back from the
database: both grew with the conversation.

On SQLite (the embedded default) it also turns on write-ahead logging with
``synchronous=NORMAL``: a commit no longer waits for an fsync, which cost more
than the rest of a turn; a crash of the process loses nothing, a power cut may
lose the last turns. Connections are pooled instead of opened for every query
(SQLAlchemy 1.4's default for SQLite files). Production uses PostgreSQL.
"""
from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.server import patches, speedups

logger = logging.getLogger(__name__)

# How many of a tracker's events are stored: set when the cache hands it out
# and after every save.
_STORED = f"{speedups.PRIVATE_PREFIX}stored_events"


def _mark_stored(tracker: DialogueStateTracker) -> None:
    # A bounded history (``max_event_history``) drops old events, so positions
    # say nothing about what is stored: Rasa's own way is kept for it.
    if tracker._max_event_history is None:
        tracker.__dict__[_STORED] = len(tracker.events)


def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class CachingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with a checkout cache of recently saved trackers.

    Configured in endpoints.yml as ``type: bot.server.tracker_store.CachingSQLTrackerStore``
    with the parameters of Rasa's SQL tracker store, plus ``cache_size``
    (conversations kept in memory per process, default 2000).
    """

    def __init__(self, *args: Any, cache_size: int | str = 2000, **kwargs: Any) -> None:
        # Measured and tested with the speed-ups (bot/server/speedups.py keeps
        # its replays on the cached trackers): never run on a bare `rasa`.
        patches.require_applied("The caching tracker store (bot.server.tracker_store)")
        super().__init__(*args, **kwargs)
        self.cache_size = int(cache_size)
        self._cache: OrderedDict[str, tuple[int, DialogueStateTracker]] = OrderedDict()
        events = self.SQLEvent.__table__
        self._latest_id_query = sa.select(sa.func.max(events.c.id)).where(
            events.c.sender_id == sa.bindparam("sender_id"))
        if self.engine.dialect.name == "sqlite":
            # The store is only used from the event loop's thread.
            self.engine.dispose()
            self.engine = sa.create_engine(self.engine.url, poolclass=sa.pool.QueuePool,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)

    def _latest_event_id(self, sender_id: str) -> int | None:
        # A plain statement, not an ORM session: it runs twice every turn.
        with self.engine.connect() as connection:
            return connection.execute(self._latest_id_query, {"sender_id": sender_id}).scalar()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        cached = self._cache.pop(sender_id, None)
        if cached is not None:
            latest_id, tracker = cached
            if self._latest_event_id(sender_id) == latest_id:
                _mark_stored(tracker)
                return tracker
        return await super().retrieve(sender_id)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        stored = tracker.__dict__.get(_STORED)
        if self.event_broker is None or stored is None:
            await super().stream_events(tracker)
            return
        new_events = list(itertools.islice(tracker.events, stored, None))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _append(self, sender_id: str, events: Iterable[Event]) -> None:
        """Rasa's rows for ``events``, in one statement instead of an ORM flush."""
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append({
                "sender_id": sender_id,
                "type_name": event.type_name,
                "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"),
                "data": json.dumps(data),
            })
        if rows:
            with self.engine.begin() as connection:
                connection.execute(self.SQLEvent.__table__.insert(), rows)

    async def save(self, tracker: DialogueStateTracker) -> None:
        stored = tracker.__dict__.get(_STORED)
        if stored is None:
            await super().save(tracker)
        else:
            await self.stream_events(tracker)
            self._append(tracker.sender_id, itertools.islice(tracker.events, stored, None))
        _mark_stored(tracker)
        # A tracker holding more than one session differs from what the
        # database returns (the latest session only): let the next turn read it.
        # A tracker from the cache holds one session, so only new events can start one.
        new_events = itertools.islice(tracker.events, 1 if stored is None else max(1, stored), None)
        if any(isinstance(e, SessionStarted) for e in new_events):
            self._cache.pop(tracker.sender_id, None)
            return
        latest_id = self._latest_event_id(tracker.sender_id)
        if latest_id is None:
            return
        self._cache[tracker.sender_id] = (latest_id, tracker)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
