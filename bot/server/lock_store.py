"""Rasa's Redis lock store, with its ticket updates made atomic.

Rasa 3.6's ``RedisLockStore`` issues and returns tickets by reading the lock
from Redis, changing it in Python and writing it back. Two replicas that
receive messages of one conversation at the same moment can both read the
same lock, both take the same ticket and process the conversation at once:
the production-profile test caught one of four simultaneous messages lost
this way. Here every such read-modify-write runs in a Redis ``WATCH``/``MULTI``
transaction and is retried when another replica changed the lock in between,
so tickets are unique and every message is processed in turn.

Configured in endpoints.production.yml as
``type: bot.server.lock_store.AtomicRedisLockStore`` with the parameters of
Rasa's Redis lock store.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar


from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose ticket changes are Redis transactions."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds custom lock stores from the endpoint config alone.
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _atomically(self, conversation_id: str, change: Callable[[TicketLock], T],
                    keep: Callable[[TicketLock], bool]) -> T:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = (TicketLock.from_dict(json.loads(raw)) if raw
                            else TicketLock(conversation_id))
                    result = change(lock)
                    pipe.multi()
                    if keep(lock):
                        pipe.set(key, lock.dumps())
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another replica changed the lock: read it again

    def issue_ticket(self, conversation_id: str,
                     lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self._atomically(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime),
                                keep=lambda _: True)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._atomically(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number),
                         keep=lambda lock: bool(lock.tickets))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Returning the ticket and deleting an idle lock happen in one step.
        self._atomically(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number),
                         keep=lambda lock: lock.is_someone_waiting())
