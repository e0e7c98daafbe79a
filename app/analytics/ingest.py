"""The embedded default's ingest: Rasa's events over loopback HTTP into the analytics SQLite.

``POST /events`` with ``{"events": [...]}`` (bot/server/event_broker.py sends
them in order, redacted, under pseudonyms); each event is applied once
(``store.apply_batch``), in one transaction per request, before the answer:
a 200 means written. The same process runs the retention job.
"""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.analytics import db
from app.analytics.retention import retention_job
from app.analytics.store import Message, apply_batch
from app.settings import Settings

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
SESSIONS = web.AppKey("sessions", async_sessionmaker)
MAX_BODY_BYTES = 20 * 1024 * 1024


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def post_events(request: web.Request) -> web.Response:
    token = request.app[SETTINGS].analytics_ingest_token
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return _error(401, "unauthorised", "a valid bearer token is required")
    try:
        body = json.loads(await request.read())
    except ValueError:
        return _error(400, "invalid_json", "the body must be JSON")
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return _error(400, "invalid_request", "'events' must be a list of objects")
    try:
        applied = await apply_batch(request.app[SESSIONS], [Message.of(e) for e in events])
    except SQLAlchemyError as error:
        # The broker keeps the events and posts them again.
        logger.error("analytics write failed: %s", type(error).__name__)
        return _error(503, "store_unavailable", "the analytics store could not be written; retry")
    return web.json_response({"received": len(events), "applied": applied})


async def health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings

    async def database(app: web.Application) -> AsyncIterator[None]:
        engine = db.create_engine(settings.analytics_database_url)
        await db.create_schema(engine, rebuild_summaries=settings.analytics_rebuild_summaries)
        app[SESSIONS] = db.sessionmaker(engine)
        yield
        await engine.dispose()

    app.cleanup_ctx.append(database)
    app.cleanup_ctx.append(retention_job(settings, lambda: app[SESSIONS]))
    app.router.add_post("/events", post_events)
    app.router.add_get("/health", health)
    return app
