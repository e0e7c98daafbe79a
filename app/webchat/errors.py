"""The web app's one error middleware: JSON for ``/api/``, a Thai page otherwise.

Never a stack trace to a citizen: unexpected errors are logged and answered
with a generic message.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape

from aiohttp import web

from app.errors import BotError, ConfigError, ExternalServiceError, NotFoundError, ValidationError

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_PREFIX = "/api/"

_STATUS_OF_ERROR: dict[type[BotError], int] = {
    NotFoundError: 404,
    ValidationError: 400,
    ExternalServiceError: 503,
    ConfigError: 500,
}
_CODE_OF_STATUS = {
    400: "invalid",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "internal",
    503: "external_service",
}
_API_MESSAGE = {
    404: "no such API endpoint",
    405: "method not allowed",
    500: "internal error",
}
_PAGE_TITLE = {
    404: "ไม่พบหน้าที่คุณต้องการค่ะ",
}
_PAGE_TEXT = {
    404: "ลิงก์นี้อาจพิมพ์ผิดหรือถูกย้ายไปแล้วค่ะ กลับไปที่หน้าแชทเพื่อสอบถามงานบริการประชาชนได้เลยนะคะ",
}
_GENERIC_TITLE = "ขออภัยค่ะ เกิดข้อผิดพลาด"
_GENERIC_TEXT = (
    "ระบบยังทำรายการนี้ไม่ได้ กรุณาลองใหม่อีกครั้ง "
    "หรือโทรศูนย์บริการข้อมูลภาครัฐเพื่อประชาชน 1111 ค่ะ"
)

_PAGE = """<!doctype html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/error.css">
</head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
<p><a href="/">กลับไปหน้าแชทผู้ช่วยงานบริการประชาชน</a></p>
</main>
</body>
</html>
"""


def error_page(status: int) -> str:
    return _PAGE.format(
        title=escape(_PAGE_TITLE.get(status, _GENERIC_TITLE)),
        text=escape(_PAGE_TEXT.get(status, _GENERIC_TEXT)),
    )


def error_response(request: web.Request, status: int, message: str | None = None) -> web.Response:
    if request.path.startswith(API_PREFIX):
        body = {
            "error": _CODE_OF_STATUS.get(status, "error"),
            "message": message or _API_MESSAGE.get(status, "request failed"),
        }
        response = web.json_response(body, status=status)
    else:
        response = web.Response(
            text=error_page(status), status=status, content_type="text/html", charset="utf-8"
        )
    response.headers["Cache-Control"] = "no-store"
    return response


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_response(request, exc.status)
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except BotError as exc:
        status = next(
            (code for kind, code in _STATUS_OF_ERROR.items() if isinstance(exc, kind)), 500
        )
        logger.warning("%s on %s: %s", exc.code, request.path, exc)
        return error_response(request, status, str(exc) if status < 500 else None)
    except Exception:
        logger.exception("unhandled error on %s", request.path)
        return error_response(request, 500)
