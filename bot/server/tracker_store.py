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

Nothing personal is stored (issue 11, PDPA): every event is redacted before
it is written or streamed (``redacted_event``: the citizen's words, entity
and slot values, the bot's texts, metadata), and rows are stored under a
keyed hash of the sender ID (``key_for``), never the LINE user ID or whatever
the channel sent. Rasa still finds a conversation by its sender ID: every
query hashes it the same way, and the tracker it returns carries the real ID
(in memory only) so replies reach the citizen. The tracker the next turn gets
from the cache keeps the raw text of its own turn; the database never sees it.

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

from bot.channels.settings import load_pseudonym_key
from bot.server import patches, speedups
from common.privacy import find_personal_data, pseudonymise, redact_event
from nlp import names

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
    (conversations kept in memory per process, default 2000). The HMAC key of
    sender IDs is ``pseudonym_key`` or else the ``PSEUDONYM_KEY`` environment
    variable (bot/channels/settings.py); ``redact_names: false`` leaves names
    to the shapes-only redaction (tests of the cache that do not need NER).
    """

    def __init__(self, *args: Any, cache_size: int | str = 2000, pseudonym_key: str = "",
                 redact_names: bool | str = True, **kwargs: Any) -> None:
        # Measured and tested with the speed-ups (bot/server/speedups.py keeps
        # its replays on the cached trackers): never run on a bare `rasa`.
        patches.require_applied("The caching tracker store (bot.server.tracker_store)")
        super().__init__(*args, **kwargs)
        self._pseudonym_key = pseudonym_key or load_pseudonym_key()
        self._redact_names = str(redact_names).lower() not in {"false", "0", "no"}
        if self._redact_names:
            names.warm_up()  # 5-10 s now rather than on a citizen's first message
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

    def key_for(self, sender_id: str) -> str:
        """The pseudonym rows of ``sender_id`` are stored under (HMAC-SHA256, hex)."""
        return pseudonymise(sender_id, self._pseudonym_key)

    def redacted_event(self, event: Event, known: dict[str, str] | None = None) -> dict[str, Any]:
        """``event.as_dict()`` with nothing personal left in it.

        ``known``: what the turn's user message held (filled by its user event),
        removed again from the slots, entities and bot texts that repeat it out
        of context; in memory for one save only.
        """
        # Names need the whole message (cues, NER): found once in the user's
        # text, then removed wherever they appear again in this turn (entities,
        # slots, the bot's echo). Other strings only lose the shapes: the
        # bot's own texts hold no citizen's prose, and NER on each would cost
        # milliseconds a turn (bench/analytics_worker.py).
        find = names.find_all if self._redact_names else find_personal_data
        return redact_event(event.as_dict(), find=find, known=known)

    def _event_query(self, session: Any, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        # Every query of Rasa's store goes through here with the sender ID it was given.
        return super()._event_query(session, self.key_for(sender_id), fetch_events_from_all_sessions)

    def _latest_event_id(self, sender_id: str) -> int | None:
        # A plain statement, not an ORM session: it runs twice every turn.
        with self.engine.connect() as connection:
            return connection.execute(self._latest_id_query,
                                      {"sender_id": self.key_for(sender_id)}).scalar()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        cached = self._cache.pop(sender_id, None)
        if cached is not None:
            latest_id, tracker = cached
            if self._latest_event_id(sender_id) == latest_id:
                _mark_stored(tracker)
                return tracker
        return await super().retrieve(sender_id)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        await self._publish(tracker.sender_id, self._redacted(self._new_events(tracker)))

    def _new_events(self, tracker: DialogueStateTracker) -> list[Event]:
        """Events of ``tracker`` not stored yet (Rasa's count of stored rows, unless cached)."""
        stored = tracker.__dict__.get(_STORED)
        if stored is None:
            with self.session_scope() as session:
                stored = self._event_query(session, tracker.sender_id,
                                           fetch_events_from_all_sessions=False).count()
        return list(itertools.islice(tracker.events, stored, None))

    def _redacted(self, events: Iterable[Event]) -> list[tuple[Event, dict[str, Any]]]:
        known: dict[str, str] = {}
        return [(event, self.redacted_event(event, known)) for event in events]

    async def _publish(self, sender_id: str, events: list[tuple[Event, dict[str, Any]]]) -> None:
        """The redacted events to the broker, under the pseudonym the rows are stored under."""
        if self.event_broker is None:
            return
        key = self.key_for(sender_id)
        for _, data in events:
            self.event_broker.publish({"sender_id": key, **data})

    def _append(self, sender_id: str, events: Iterable[tuple[Event, dict[str, Any]]]) -> None:
        """Rasa's rows for the redacted ``events``, in one statement instead of an ORM flush."""
        key = self.key_for(sender_id)
        rows = [{
            "sender_id": key,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        } for event, data in events]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(self.SQLEvent.__table__.insert(), rows)

    async def save(self, tracker: DialogueStateTracker) -> None:
        stored = tracker.__dict__.get(_STORED)
        # Redacted once, then streamed and stored: the broker carries exactly the rows.
        new_events = self._redacted(self._new_events(tracker))
        await self._publish(tracker.sender_id, new_events)
        self._append(tracker.sender_id, new_events)
        _mark_stored(tracker)
        # A tracker holding more than one session differs from what the
        # database returns (the latest session only): let the next turn read it.
        # A tracker from the cache holds one session, so only new events can start one.
        since = itertools.islice(tracker.events, 1 if stored is None else max(1, stored), None)
        if any(isinstance(e, SessionStarted) for e in since):
            self._cache.pop(tracker.sender_id, None)
            return
        latest_id = self._latest_event_id(tracker.sender_id)
        if latest_id is None:
            return
        self._cache[tracker.sender_id] = (latest_id, tracker)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

