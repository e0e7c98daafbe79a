"""The scheduled retention job, run by the worker and by the ingest (ANALYTICS_RETENTION_DAYS)."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.analytics import tracker
from app.analytics.rights import Stores, apply_retention
from app.settings import Settings

logger = logging.getLogger(__name__)

RETENTION_EVERY_SECONDS = 24 * 3600.0


@asynccontextmanager
async def stores(settings: Settings, analytics: async_sessionmaker, *,
                 with_tracker: bool = True, with_kb: bool = True) -> AsyncIterator[Stores]:
    """The three stores of a conversation, opened from the settings."""
    tracker_engine = tracker.create_engine(settings.tracker_database_url) if with_tracker else None
    kb_engine = create_async_engine(settings.kb_database_url) if with_kb else None
    try:
        yield Stores(analytics, tracker_engine,
                     async_sessionmaker(kb_engine, expire_on_commit=False) if kb_engine else None)
    finally:
        if tracker_engine is not None:
            tracker_engine.dispose()
        if kb_engine is not None:
            await kb_engine.dispose()


async def run_retention(settings: Settings, analytics: async_sessionmaker) -> dict[str, int]:
    async with stores(settings, analytics) as opened:
        counts = await apply_retention(opened, settings.analytics_retention_days)
        if opened.unavailable:
            logger.error("retention could not reach: %s", "; ".join(opened.unavailable))
    logger.info("retention (%d days): deleted %s", settings.analytics_retention_days, counts)
    return counts


def retention_job(settings: Settings, analytics: Callable[[], async_sessionmaker],
                  every_seconds: float = RETENTION_EVERY_SECONDS) -> Callable[[Any], Any]:
    """A ``cleanup_ctx`` (or plain async context) that applies retention now and every day."""

    async def loop() -> None:
        while True:
            try:
                await run_retention(settings, analytics())
            except Exception as error:  # noqa: BLE001 - a failed run is retried tomorrow, not fatal
                logger.error("retention failed: %s", type(error).__name__)
            await asyncio.sleep(every_seconds)

    async def context(_: Any = None) -> AsyncIterator[None]:
        task = asyncio.get_running_loop().create_task(loop())
        yield
        task.cancel()

    return context
