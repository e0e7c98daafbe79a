"""Which LINE webhook events were already answered, shared by every replica.

LINE redelivers an event (same ``webhookEventId``, ``isRedelivery``) when it
did not get our 200, for example because a replica stopped or the network
dropped the answer. The redelivery may reach another replica, or the same one
after a restart, so an in-process set cannot recognise it. This ledger keeps
one Redis key per event with an expiry:

1. ``claim``: ``SET key NX EX claim_seconds`` before the turn. Only one
   replica wins; the others drop the event. The short expiry means a replica
   that dies in the middle of a turn does not swallow the event for a day: a
   redelivery after ``claim_seconds`` is answered.
2. ``settle``: ``SET key EX ttl_seconds`` once the answer is sent: every
   redelivery within the TTL is dropped.

Keys are ``<prefix><sha256 of the event ID>``: no LINE user ID, no text.

When Redis cannot be reached the citizen still gets an answer: the event
counts as new (the caller's in-process check has already dropped duplicates
within this process), and the outage is logged once, when it starts, and once
more when Redis answers again. A redelivery to another replica during an
outage may then be answered twice, which is better than not at all.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import math
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "thaiassistant:line:event:"
_CLAIMED, _ANSWERED = b"claimed", b"answered"


class EventLedger(Protocol):
    """Remembers answered webhook events beyond this process."""

    async def claim(self, event_id: str) -> bool:
        """True if this process should answer the event (nobody claimed it yet)."""

    async def settle(self, event_id: str) -> None:
        """The event was answered: remember it for the whole TTL."""

    async def close(self) -> None: ...


class NoLedger:
    """The embedded default: nothing beyond the in-process check."""

    async def claim(self, event_id: str) -> bool:
        return True

    async def settle(self, event_id: str) -> None:
        return None

    async def close(self) -> None:
        return None


def event_key(event_id: str, prefix: str = DEFAULT_KEY_PREFIX) -> str:
    """The Redis key of an event: a namespace and a hash, nothing readable."""
    return prefix + hashlib.sha256(event_id.encode("utf-8")).hexdigest()[:32]


class RedisLedger:
    """Event ledger in Redis; see the module docstring for the two steps."""

    def __init__(
        self,
        url: str,
        ttl_seconds: float,
        claim_seconds: float,
        timeout_seconds: float = 0.5,
        key_prefix: str = DEFAULT_KEY_PREFIX,
    ) -> None:
        # Redis wants whole seconds; rounding up never forgets early.
        self.ttl_seconds = max(1, math.ceil(ttl_seconds))
        self.claim_seconds = max(1, math.ceil(claim_seconds))
        self.key_prefix = key_prefix
        self._url = url
        self._timeout = timeout_seconds
        self._client: Redis | None = None
        self._down = False

    def _redis(self) -> Redis:
        # Opened on first use, inside the server's event loop.
        if self._client is None:
            self._client = Redis.from_url(
                self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close(close_connection_pool=True)
        self._client = None

    async def claim(self, event_id: str) -> bool:
        key = event_key(event_id, self.key_prefix)
        try:
            won = await self._redis().set(key, _CLAIMED, nx=True, ex=self.claim_seconds)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self._outage(exc)
            return True  # an answer, possibly a second one, rather than none
        self._recovered()
        return bool(won)

    async def settle(self, event_id: str) -> None:
        key = event_key(event_id, self.key_prefix)
        try:
            await self._redis().set(key, _ANSWERED, ex=self.ttl_seconds)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self._outage(exc)
            return
        self._recovered()

    def _outage(self, exc: BaseException) -> None:
        # The URL may hold a password: only the error's type is logged.
        if not self._down:
            logger.warning(
                "Redis for LINE redeliveries unreachable (%s): answering without the shared "
                "check; a redelivery to another replica may be answered twice",
                type(exc).__name__,
            )
        self._down = True

    def _recovered(self) -> None:
        if self._down:
            logger.warning("Redis for LINE redeliveries reachable again")
        self._down = False
