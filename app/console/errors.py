"""The console's one error middleware: every failure becomes a 4xx JSON body in Thai.

``{"error": code, "message": Thai text naming the field, "fields": {...}}``.
The project's errors (``app.errors``) map to their statuses; a database that
refuses a value is a 400, never a stack trace. Only a bug reaches the last
branch, which logs it and answers a generic 500 that the fuzz test hunts for.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web
from sqlalchemy.exc import DBAPIError, StatementError

from app.errors import (
    BotError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ValidationError,
)

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_THAI = re.compile(r"[\u0e00-\u0e7f]")


class ApiError(BotError):
    """An answer with its own status and code (401 bad credentials, 429 too many attempts)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


_STATUS: dict[type[BotError], int] = {
    NotFoundError: 404,
    ValidationError: 400,
    ForbiddenError: 403,
    ConflictError: 409,
}
_CODE = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
         429: "too_many_attempts", 500: "internal"}
# Thai fallbacks for messages that came from a layer below in English.
_MESSAGE_TH = {
    400: "ข้อมูลที่ส่งมาไม่ถูกต้อง",
    401: "กรุณาเข้าสู่ระบบ",
    403: "คุณไม่มีสิทธิ์ทำรายการนี้",
    404: "ไม่พบข้อมูลที่ต้องการ",
    405: "ไม่รองรับวิธีเรียกนี้",
    409: "มีผู้อื่นแก้ไขหรือเผยแพร่ข้อมูลนี้ก่อนคุณ กรุณาเปิดฉบับล่าสุดแล้วแก้ไขอีกครั้ง",
    413: "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป",
    415: "ชนิดข้อมูลที่ส่งมาไม่รองรับ",
    429: "พยายามเข้าสู่ระบบหลายครั้งเกินไป กรุณารอสักครู่แล้วลองใหม่",
    500: "ระบบขัดข้อง กรุณาลองใหม่อีกครั้ง",
}


def _thai(status: int, message: str) -> str:
    if _THAI.search(message):
        return message
    fallback = _MESSAGE_TH.get(status, _MESSAGE_TH[400])
    return f"{fallback} ({message})" if message else fallback


def error_response(
    status: int, message: str = "", *, code: str | None = None, fields: dict[str, str] | None = None
) -> web.Response:
    body: dict[str, object] = {
        "error": code or _CODE.get(status, "error"),
        "message": _thai(status, message),
    }
    if fields:
        body["fields"] = fields
    response = web.json_response(
        body, status=status, dumps=lambda value: json.dumps(value, ensure_ascii=False)
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
        if not request.path.startswith("/api/"):
            raise
        response = error_response(exc.status, exc.text if exc.text and _THAI.search(exc.text) else "")
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except ApiError as exc:
        return error_response(exc.status, str(exc), code=exc.code)
    except BotError as exc:
        status = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), 400)
        logger.info("%s on %s %s: %s", exc.code, request.method, request.path, exc)
        return error_response(status, str(exc), fields=getattr(exc, "fields", None))
    except (DBAPIError, StatementError) as exc:
        # A value the validation let through but the database refused.
        logger.warning("database refused a request on %s: %s", request.path, type(exc).__name__)
        return error_response(400, "ฐานข้อมูลไม่รับค่าที่ส่งมา กรุณาตรวจสอบข้อมูล")
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
