"""The OpenAPI 3.1 document of the console's API, built from the route table.

Built, not written: a route added to ``app.console.routes.ROUTES`` is in the
document (and in the tests that walk it) without anyone remembering to add it.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from app.console.auth import COOKIE_NAME, CSRF_HEADER
from app.console.http import Route, json_response

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string", "description": "ข้อความภาษาไทยที่ระบุช่องที่ผิด"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_STATUS_TEXT = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
                400: "ข้อมูลไม่ถูกต้อง", 401: "ยังไม่ได้เข้าสู่ระบบ", 403: "ไม่มีสิทธิ์หรือไม่มี CSRF token",
                404: "ไม่พบ", 409: "มีผู้อื่นเผยแพร่ฉบับใหม่กว่า", 429: "พยายามเข้าสู่ระบบบ่อยเกินไป"}
_PATH_PARAM = re.compile(r"{([a-z_]+)(?::[^}]*)?}")


def openapi_path(path: str) -> str:
    return _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.handler.__module__.rsplit(".", 1)[-1] + "_" + route.handler.__name__,
        "summary": route.summary,
        "tags": [route.tag],
        "x-roles": sorted(r.value for r in route.roles) if route.roles is not None else None,
    }
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 200}}
        for name in _PATH_PARAM.findall(route.path)
    ]
    parameters += [
        {"name": p.name, "in": "query", "required": p.required, "schema": p.schema,
         **({"description": p.description} if p.description else {})}
        for p in route.params
    ]
    if route.roles is not None and route.csrf and route.method not in {"GET", "HEAD"}:
        parameters.append({"name": CSRF_HEADER, "in": "header", "required": True,
                           "schema": {"type": "string"}})
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {route.body_type: {"schema": route.body}},
        }
    responses: dict[str, Any] = {}
    for status, description in {**route.responses}.items():
        entry: dict[str, Any] = {"description": description or _STATUS_TEXT.get(status, "")}
        if status != 204:
            entry["content"] = {route.response_type: {"schema": {}}}
        responses[str(status)] = entry
    errors = [400, 404]
    if route.roles is not None:
        errors += [401, 403]
    if route.method in {"POST", "PUT", "PATCH"}:
        errors.append(409)
    for status in errors:
        responses.setdefault(str(status), {
            "description": _STATUS_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        })
    operation["responses"] = responses
    if route.roles is not None:
        operation["security"] = [{"session": []}]
    return operation


def build_document(routes: tuple[Route, ...]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(openapi_path(route.path), {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Staff console API (ระบบจัดการข้อมูลสำหรับเจ้าหน้าที่)",
            "version": "1.0.0",
            "description": "JSON API of the staff console. Every route is listed with the roles "
            "that may call it (x-roles). State-changing requests need the X-CSRF-Token header.",
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": COOKIE_NAME},
            },
        },
    }


def openapi_handler(routes: tuple[Route, ...]) -> Any:
    document = build_document(routes)

    async def openapi(request: web.Request) -> web.Response:
        return json_response(document)

    return openapi
