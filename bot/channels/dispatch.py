"""Webhook event bookkeeping: drop redeliveries, keep one user's events in order."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


class RecentKeys:
    """Keys seen in the last ``ttl_seconds``, at most ``max_keys`` of them (LRU).

    Bounded so a flood of distinct IDs costs memory proportional to
    ``max_keys``, never more.
    """

    def __init__(
        self, max_keys: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_keys = max_keys
        self._ttl = ttl_seconds
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def seen_before(self, key: str) -> bool:
        """Record ``key``; True if it was already recorded and has not expired."""
        now = self._clock()
        while self._seen:
            oldest, stamp = next(iter(self._seen.items()))
            if now - stamp < self._ttl:
                break
            del self._seen[oldest]
        if key in self._seen:
            self._seen.move_to_end(key)
            return True
        self._seen[key] = now
        if len(self._seen) > self._max_keys:
            self._seen.popitem(last=False)
        return False


class SerialPerKey:
    """Run jobs of one key strictly one after another; different keys concurrently.

    Each key with pending jobs has one worker task that drains its queue and
    ends when the queue is empty, so idle users cost nothing.
    """

    def __init__(self) -> None:
        self._queues: dict[str, deque[Callable[[], Awaitable[None]]]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}

    def submit(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        self._queues.setdefault(key, deque()).append(job)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._drain(key))

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                job = queue.popleft()
                try:
                    await job()
                except Exception:  # noqa: BLE001 - one failed job must not stall the user
                    logger.exception("a queued webhook event failed")
        finally:
            del self._queues[key]
            del self._workers[key]

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    async def join(self) -> None:
        """Wait until every submitted job has finished (tests, shutdown)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)
