"""App factory of the staff console (issue 10): JSON API under /api/, pages from static/."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import web

from actions.kb import KnowledgeBase
from app.console.auth import Clock, LoginRateLimit, utc_now
from app.console.errors import error_middleware
from app.console.http import (
    CLOCK,
    DATABASE,
    GEOGRAPHY,
    LOGIN_LIMIT,
    SETTINGS,
    Route,
    guard,
)
from app.console.openapi import openapi_handler
from app.console.dashboard import DASHBOARD_ROUTES, analytics_store
from app.console.routes import ROUTES
from app.console.scheduler import scheduler
from app.console.validation import geography
from app.console.views.drafts import KB
from app.kb.db import create_database
from app.kb.migrate import upgrade
from app.errors import ConfigError
from app.settings import Settings

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
# The chat page's card code the preview imports: copied from web/src at build time.
CHAT_MODULE = "chat/messages.js"
# CSV imports of every office fit comfortably; nothing bigger is a console request.
MAX_BODY_BYTES = 8 * 1024 * 1024
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}


async def database(app: web.Application) -> AsyncIterator[None]:
    db = create_database(app[SETTINGS])
    # The console may start before anything else has touched the database:
    # its tables (accounts, sessions) must exist. A no-op when already at head.
    await upgrade(db.engine)
    app[DATABASE] = db
    yield
    await db.dispose()


async def knowledge_base(app: web.Application) -> AsyncIterator[None]:
    """The actions' own adapter, for previews rendered by the actions' code."""
    kb = KnowledgeBase(app[SETTINGS], cache_ttl=0.0)
    app[KB] = kb
    yield
    await kb.close()


@web.middleware
async def headers_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _static_files(folder: Path) -> dict[str, Path]:
    """Every file under the page folder, by URL path: only these are ever served."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


def _static_handler(files: dict[str, Path]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def static(request: web.Request) -> web.StreamResponse:
        name = request.match_info.get("path") or "index.html"
        path = files.get(name)
        if path is None:
            raise web.HTTPNotFound(text="ไม่พบหน้านี้")
        response = web.FileResponse(path)
        response.headers["Cache-Control"] = "no-cache"
        return response

    return static


def create_app(
    settings: Settings,
    *,
    clock: Clock = utc_now,
    static_dir: Path = STATIC,
    routes: tuple[Route, ...] = ROUTES + DASHBOARD_ROUTES,
) -> web.Application:
    """The console: ``routes`` behind their guard, the OpenAPI document, the pages.

    Raises:
        ConfigError: no CONSOLE_SESSION_SECRET (production must set one).
    """
    if not settings.console_session_secret:
        raise ConfigError("CONSOLE_SESSION_SECRET must be set in production")
    app = web.Application(
        middlewares=[headers_middleware, error_middleware], client_max_size=MAX_BODY_BYTES
    )
    app[SETTINGS] = settings
    app[CLOCK] = clock
    app[LOGIN_LIMIT] = LoginRateLimit(settings.console_login_rate)
    app[GEOGRAPHY] = geography()
    app.cleanup_ctx.append(database)
    app.cleanup_ctx.append(knowledge_base)
    app.cleanup_ctx.append(scheduler)
    app.cleanup_ctx.append(analytics_store)
    for route in routes:
        app.router.add_route(route.method, route.path, guard(route))
    app.router.add_get("/api/openapi.json", openapi_handler(routes))
    files = _static_files(static_dir)
    if files and CHAT_MODULE not in files:
        # The page still works; only the preview cannot draw cards.
        logger.warning("%s/%s is missing: run scripts/build_web.sh (make web)",
                       static_dir, CHAT_MODULE)
    static = _static_handler(files)
    app.router.add_get("/", static)
    app.router.add_get("/{path:(?!api/).+}", static)
    return app
