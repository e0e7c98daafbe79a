"""The model server's aiohttp app: ``GET /models/current`` with ETag, as Rasa expects.

Rasa 3.6 (``rasa.core.agent._pull_model_and_fingerprint``) sends
``If-None-Match: <fingerprint it holds>`` and treats 304 (and 204, 404) as "no
new model", 200 as a new model: it saves the body under the ``filename``
header and keeps the ``ETag`` header as the new fingerprint. The ETag is the
model file's SHA-256, quoted as HTTP wants; Rasa sends back exactly what it
was given, and a bare fingerprint is accepted too.

Routes: ``GET|HEAD /models/current`` (the file), ``GET /models/current/info``
(JSON: fingerprint, filename, size, published_at, metrics; for the console and
the tests), ``GET /health``.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from app.errors import NotFoundError
from app.modelserver.store import ModelStore, PublishedModel

logger = logging.getLogger(__name__)

STORE = web.AppKey("store", ModelStore)
_CHUNK = 1 << 20

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def etag_of(model: PublishedModel) -> str:
    return f'"{model.fingerprint}"'


def _matches(header: str | None, model: PublishedModel) -> bool:
    """Whether ``If-None-Match`` names this model (quoted, weak or bare; a list or ``*``)."""
    if not header:
        return False
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if tag.removeprefix("W/").strip('"') == model.fingerprint:
            return True
    return False


def _model(request: web.Request) -> PublishedModel:
    return request.app[STORE].current()


async def current_model(request: web.Request) -> web.StreamResponse:
    model = _model(request)
    headers = {"ETag": etag_of(model), "Cache-Control": "no-cache"}
    if _matches(request.headers.get("If-None-Match"), model):
        return web.Response(status=304, headers=headers)
    headers["filename"] = model.filename
    headers["Content-Type"] = "application/gzip"
    response = web.StreamResponse(headers=headers)
    response.content_length = model.size
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    # The file is named by its content and never rewritten: a publication
    # during this download replaces the pointer, not these bytes.
    with model.path.open("rb") as file:
        while chunk := await asyncio.to_thread(file.read, _CHUNK):
            await response.write(chunk)
    await response.write_eof()
    return response


async def model_info(request: web.Request) -> web.Response:
    model = _model(request)
    return web.json_response(model.describe(), headers={"ETag": etag_of(model)})


async def health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """JSON errors with a reason; never a stack trace."""
    try:
        return await handler(request)
    except NotFoundError as exc:
        return web.json_response({"error": "not_found", "message": str(exc)}, status=404)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return web.json_response({"error": "http", "message": exc.reason}, status=exc.status)
    except Exception:
        logger.exception("model server failed on %s", request.path)
        return web.json_response({"error": "internal", "message": "internal error"}, status=500)


def create_app(store: ModelStore) -> web.Application:
    app = web.Application(middlewares=[error_middleware])
    app[STORE] = store
    app.router.add_get("/models/current", current_model)  # also answers HEAD
    app.router.add_get("/models/current/info", model_info)
    app.router.add_get("/health", health)
    return app
