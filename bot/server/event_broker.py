"""The embedded default's event broker: redacted events over HTTP to the analytics ingest.

No extra server to install and no raw event on disk: the tracker store
(bot/server/tracker_store.py) hands every event over already redacted and
under the sender's pseudonym; this broker keeps them in memory, in order, and
posts them in batches to ``python -m app.analytics ingest`` on loopback, which
writes the analytics SQLite database. While the ingest is down, events wait
in memory (at most ``max_queued``; beyond that the oldest are dropped and
counted in the log, never their contents) and are posted when it is back.
The ingest is idempotent per event, so a batch posted twice (a timeout after
it was written) is written once.

endpoints.yml::

    event_broker:
      type: bot.server.event_broker.HttpEventBroker

URL and token default to ANALYTICS_INGEST_HOST/PORT/TOKEN (bot/channels/settings.py);
``url``, ``token``, ``batch_size``, ``max_queued`` may be given in the block.
The production profile uses Rasa's own pika broker and the worker instead.
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

import aiohttp
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.channels.settings import load_analytics_ingest

logger = logging.getLogger(__name__)


class HttpEventBroker(EventBroker):
    """Posts events, in order, to the analytics ingest; retries until it answers."""

    def __init__(self, url: str, token: str = "", *, batch_size: int = 500,
                 max_queued: int = 100_000, timeout_seconds: float = 10.0,
                 retry_max_seconds: float = 10.0) -> None:
        self.url = url
        self.token = token
        self.batch_size = int(batch_size)
        self.timeout = aiohttp.ClientTimeout(total=float(timeout_seconds))
        self.retry_max_seconds = float(retry_max_seconds)
        self._queue: deque[dict[str, Any]] = deque()
        self.max_queued = int(max_queued)
        self.dropped = 0
        self.sent = 0
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig | None,
                                   event_loop: Any = None) -> HttpEventBroker | None:
        if broker_config is None:
            return None
        url, token = load_analytics_ingest()
        kwargs = dict(broker_config.kwargs)
        return cls(broker_config.url or url, kwargs.pop("token", "") or token, **kwargs)

    def publish(self, event: dict[str, Any]) -> None:
        if len(self._queue) >= self.max_queued:
            self._queue.popleft()
            self.dropped += 1
            if self.dropped in (1, 10, 100) or self.dropped % 10_000 == 0:
                logger.warning("Analytics ingest unreachable: %d events dropped so far", self.dropped)
        self._queue.append(event)
        self._ensure_sender()
        assert self._wake is not None
        self._wake.set()

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        """Give queued events a few seconds to go out, then stop."""
        if self._task is not None:
            try:
                await asyncio.wait_for(self.flushed(), timeout=5.0)
            except asyncio.TimeoutError:
                logger.warning("Analytics ingest: %d events not sent at shutdown", len(self._queue))
            self._task.cancel()
        if self._session is not None:
            await self._session.close()

    async def flushed(self) -> None:
        """Returns when every published event has been accepted by the ingest."""
        while self._queue:
            await asyncio.sleep(0.05)

    def _ensure_sender(self) -> None:
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.get_event_loop().create_task(self._send_forever())

    async def _send_forever(self) -> None:
        assert self._wake is not None
        delay = 0.25
        failing = False
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
            batch = [self._queue[i] for i in range(min(self.batch_size, len(self._queue)))]
            dropped_before = self.dropped
            try:
                await self._post(batch)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                if not failing:
                    logger.warning("Analytics ingest at %s unreachable (%s); %d events wait in memory",
                                   self.url, type(error).__name__, len(self._queue))
                failing = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max_seconds)
                continue
            if failing:
                logger.info("Analytics ingest reachable again")
            failing, delay = False, 0.25
            # Only now: what was posted is written. A publish() while we posted
            # appended behind the batch; an overflow meanwhile dropped from its front.
            for _ in range(max(0, min(len(batch) - (self.dropped - dropped_before), len(self._queue)))):
                self._queue.popleft()
            self.sent += len(batch)

    async def _post(self, batch: list[dict[str, Any]]) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self._session.post(self.url, json={"events": batch}, headers=headers) as reply:
            if reply.status >= 500:
                raise aiohttp.ClientResponseError(reply.request_info, (), status=reply.status)
            if reply.status >= 400:
                # A batch the ingest refuses will be refused again: log why, move on.
                logger.error("Analytics ingest refused %d events: %s %s", len(batch), reply.status,
                             (await reply.text())[:200])
