"""Publishes scheduled drafts when their time comes (holiday hours that start next week),
and forgets expired sessions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from app.console.http import CLOCK, DATABASE, SETTINGS
from app.kb.repositories import accounts, editing

logger = logging.getLogger(__name__)


async def publish_due_once(app: web.Application) -> int:
    """One pass: publish every draft whose time has come; returns how many."""
    async with app[DATABASE].session() as session:
        revisions = await editing.publish_due(session, app[CLOCK]())
        # Expired sign-ins are useless rows: drop them on the same beat.
        await accounts.purge_expired_sessions(session, app[CLOCK]())
    for revision in revisions:
        logger.info("scheduled %s %s published (revision %s)",
                    revision.kind, revision.record_key, revision.id)
    return len(revisions)


async def _loop(app: web.Application, interval: float) -> None:
    while True:
        try:
            await publish_due_once(app)
        except Exception:  # one bad pass must not stop later ones
            logger.exception("scheduled publishing failed; trying again in %s s", interval)
        await asyncio.sleep(interval)


async def scheduler(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the publishing task runs while the app runs."""
    interval = app[SETTINGS].console_publish_interval_seconds
    task = asyncio.create_task(_loop(app, interval)) if interval > 0 else None
    yield
    if task is not None:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
