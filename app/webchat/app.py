"""App factory of the web chat page."""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
from aiohttp import web

from app.errors import ConfigError
from common.paths import ROOT
from app.settings import Settings
from app.webchat.errors import error_middleware
from app.webchat.security import SocketEndpoint, headers_middleware, security_headers, socket_endpoint

logger = logging.getLogger(__name__)

WEB_DIST = ROOT / "web" / "dist"
RASA_HEALTH_TIMEOUT_SECONDS = 2.0

SETTINGS = web.AppKey("settings", Settings)
SOCKET = web.AppKey("socket", SocketEndpoint)
INDEX_HTML = web.AppKey("index_html", bytes)
HTTP = web.AppKey("http", aiohttp.ClientSession)


async def index(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[INDEX_HTML], content_type="text/html", charset="utf-8"
    )


async def client_config(request: web.Request) -> web.Response:
    """Where the widget connects; read at page load so one build fits every deployment."""
    endpoint = request.app[SOCKET]
    return web.json_response({"socket_url": endpoint.origin, "socket_path": endpoint.path})


async def health(request: web.Request) -> web.Response:
    """This server is up; ``rasa`` says whether the chat can answer right now."""
    url = request.app[SETTINGS].rasa_url.rstrip("/") + "/"
    try:
        async with request.app[HTTP].get(url) as reply:
            rasa = "up" if reply.status < 500 else "down"
    except (aiohttp.ClientError, TimeoutError):
        rasa = "down"
    return web.json_response({"status": "ok", "rasa": rasa})


async def http_client(app: web.Application) -> AsyncIterator[None]:
    timeout = aiohttp.ClientTimeout(total=RASA_HEALTH_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        app[HTTP] = session
        yield


def _files(files: dict[str, Path]) -> Callable[[web.Request], Awaitable[web.FileResponse]]:
    """Serve exactly the files found at start-up: no path ever reaches the disk."""

    async def handler(request: web.Request) -> web.FileResponse:
        path = files.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    return handler


def _listing(folder: Path, names: set[str] | None = None) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {
        path.name: path
        for path in folder.iterdir()
        if path.is_file() and (names is None or path.name in names)
    }


def create_app(settings: Settings, *, dist_dir: Path = WEB_DIST) -> web.Application:
    """The web chat app: the built page from ``dist_dir`` plus a small JSON API.

    Raises:
        ConfigError: the page is not built (run ``scripts/build_web.sh``), or
            the Rasa URL for browsers is not an http(s) URL.
    """
    index_file = dist_dir / "index.html"
    if not index_file.is_file():
        raise ConfigError(f"{index_file} is missing: build the page with scripts/build_web.sh")
    endpoint = socket_endpoint(settings.browser_rasa_url)

    app = web.Application(
        middlewares=[headers_middleware(security_headers(settings, endpoint)), error_middleware],
        client_max_size=64 * 1024,
    )
    app[SETTINGS] = settings
    app[SOCKET] = endpoint
    app[INDEX_HTML] = index_file.read_bytes()
    app.cleanup_ctx.append(http_client)

    app.router.add_get("/", index)
    app.router.add_get("/api/config", client_config)
    app.router.add_get("/api/health", health)
    app.router.add_get("/assets/{name}", _files(_listing(dist_dir / "assets")))
    app.router.add_get(
        r"/{name:[a-z]+\.(?:svg|css)}", _files(_listing(dist_dir, {"favicon.svg", "error.css"}))
    )
    return app
