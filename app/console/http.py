"""Request plumbing shared by the views: app keys, the route table's entry type,
the signed-in principal, JSON bodies checked against their schema, query parameters."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jsonschema
from aiohttp import web

from app.console.auth import (
    COOKIE_NAME,
    CSRF_HEADER,
    Clock,
    LoginRateLimit,
    same_secret,
    token_hash,
    unsign,
)
from app.console.errors import ApiError
from app.console.permissions import Principal, require_role
from app.console.validation import Geography, InvalidFields
from app.errors import ForbiddenError, ValidationError
from app.kb.db import Database
from app.kb.models import Role
from app.kb.repositories import accounts
from app.settings import Settings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
CLOCK = web.AppKey("clock", Clock)
LOGIN_LIMIT = web.AppKey("login_limit", LoginRateLimit)
GEOGRAPHY = web.AppKey("geography", Geography)
PRINCIPAL = web.RequestKey("principal", Principal)
CSRF = web.RequestKey("csrf", str)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NOT_SIGNED_IN = "กรุณาเข้าสู่ระบบ"
BAD_CSRF = "คำขอนี้ต้องมี X-CSRF-Token ที่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"


@dataclass(frozen=True)
class Param:
    """A query parameter, as OpenAPI and the parser both see it."""

    name: str
    schema: dict[str, Any]
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Route:
    """One API route: everything the router, the guard and the OpenAPI document need.

    ``roles`` None: no sign-in needed. Every other route checks the session,
    then (unless ``csrf`` is False) the CSRF token, then the role.
    """

    method: str
    path: str
    handler: Handler
    summary: str
    roles: frozenset[Role] | None
    body: dict[str, Any] | None = None
    body_type: str = "application/json"
    params: tuple[Param, ...] = ()
    responses: Mapping[int, str] = field(default_factory=dict)
    response_type: str = "application/json"
    csrf: bool = True
    tag: str = "content"


def now(request: web.Request) -> datetime:
    return request.app[CLOCK]()


def client_address(request: web.Request) -> str:
    return request.remote or "unknown"


async def load_principal(request: web.Request) -> tuple[Principal, str] | None:
    """The signed-in account and its CSRF token, from the signed session cookie."""
    token = unsign(request.app[SETTINGS].console_session_secret, request.cookies.get(COOKIE_NAME))
    if token is None:
        return None
    async with request.app[DATABASE].session() as session:
        found = await accounts.find_session(session, token_hash(token), now(request))
    if found is None:
        return None
    row, account = found
    return Principal.of(account), row.csrf_token


def guard(route: Route) -> Handler:
    """The route's handler behind its checks: 401 without a session, 403 without
    the CSRF token on a state-changing request, 403 for a role the route does not allow."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        if route.roles is not None:
            signed_in = await load_principal(request)
            if signed_in is None:
                raise ApiError(401, "unauthorized", NOT_SIGNED_IN)
            principal, csrf = signed_in
            if (route.csrf and request.method not in SAFE_METHODS
                    and not same_secret(request.headers.get(CSRF_HEADER), csrf)):
                raise ApiError(403, "csrf", BAD_CSRF)
            require_role(principal, route.roles)
            request[PRINCIPAL] = principal
            request[CSRF] = csrf
        return await route.handler(request)

    guarded.__name__ = route.handler.__name__
    return guarded


def _where(error: jsonschema.ValidationError) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [n for n in error.validator_value if n not in error.instance]
        path.append(missing[0] if missing else "")
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - allowed)
        path.append(extra[0] if extra else "")
    return ".".join(p for p in path if p) or "body"


_PROBLEM_TH = {
    "required": "ต้องกรอก",
    "type": "ชนิดข้อมูลไม่ถูกต้อง",
    "enum": "ค่าไม่อยู่ในตัวเลือกที่กำหนด",
    "additionalProperties": "ไม่รู้จักช่องนี้",
    "minLength": "ต้องไม่ว่าง",
    "maxLength": "ยาวเกินกำหนด",
    "minimum": "น้อยเกินไป",
    "maximum": "มากเกินไป",
    "pattern": "รูปแบบไม่ถูกต้อง",
    "format": "รูปแบบไม่ถูกต้อง",
}


def check_schema(value: Any, schema: dict[str, Any]) -> None:
    """Raises ``InvalidFields`` naming the first field that breaks ``schema``."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if errors:
        fields = {}
        for error in errors:
            where = _where(error)
            fields.setdefault(where, f"{_PROBLEM_TH.get(str(error.validator), 'ไม่ถูกต้อง')}: {where}")
        raise InvalidFields(fields)


async def json_body(request: web.Request, schema: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object, checked against ``schema`` (400 with the field otherwise)."""
    raw = await request.read()
    try:
        value = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError("เนื้อหาคำขอต้องเป็น JSON ที่ถูกต้อง") from exc
    if not isinstance(value, dict):
        raise ValidationError("เนื้อหาคำขอต้องเป็นออบเจกต์ JSON")
    check_schema(value, schema)
    return value


def query(request: web.Request, route_params: tuple[Param, ...]) -> dict[str, Any]:
    """The route's query parameters, converted and checked; unknown ones are ignored."""
    values: dict[str, Any] = {}
    for param in route_params:
        raw = request.query.get(param.name)
        if raw is None or raw == "":
            if param.required:
                raise InvalidFields({param.name: f"ต้องระบุ {param.name}"})
            values[param.name] = param.schema.get("default")
            continue
        kind = param.schema.get("type")
        value: Any = raw
        try:
            if kind == "integer":
                value = int(raw)
            elif kind == "boolean":
                if raw.lower() not in {"true", "false", "1", "0"}:
                    raise ValueError(raw)
                value = raw.lower() in {"true", "1"}
            elif param.schema.get("format") == "date-time":
                value = parse_datetime(raw, param.name)
        except ValueError as exc:
            raise InvalidFields({param.name: f"ค่า {param.name} ไม่ถูกต้อง"}) from exc
        if isinstance(value, str) and "\x00" in value:
            raise InvalidFields({param.name: f"ค่า {param.name} ไม่ถูกต้อง"})
        check_schema(
            value.isoformat() if isinstance(value, datetime) else value,
            {k: v for k, v in param.schema.items() if k != "default"},
        )
        values[param.name] = value
    return values


def parse_datetime(raw: str, name: str) -> datetime:
    """An ISO datetime with its time zone (a naive one is ambiguous: refused)."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidFields({name: f"{name} ต้องเป็นวันเวลาแบบ ISO เช่น 2026-12-10T08:00:00+07:00"}) from exc
    if value.tzinfo is None:
        raise InvalidFields({name: f"{name} ต้องระบุเขตเวลา เช่น +07:00"})
    return value


def principal(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def forbid(message: str) -> ForbiddenError:
    return ForbiddenError(message)


def json_response(body: Any, status: int = 200) -> web.Response:
    response = web.json_response(body, status=status, dumps=_dumps)
    response.headers["Cache-Control"] = "no-store"
    return response


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
