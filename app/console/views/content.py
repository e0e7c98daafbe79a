"""Reading published content: offices, FAQs and services, scoped to the signed-in officer."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from app.console.http import DATABASE, Param, json_response, principal, query
from app.console.permissions import FORBIDDEN_PROVINCE, Principal, can_edit, check_read
from app.errors import ForbiddenError, NotFoundError
from app.kb.content import spec
from app.kb.models import ContentKind, Role
from app.kb.repositories import editing
from app.kb.repositories.editing import Published

PROVINCE = Param("province", {"type": "string", "pattern": "^[0-9]{2}$"}, "รหัสจังหวัด 2 หลัก")
Q = Param("q", {"type": "string", "maxLength": 200}, "คำค้น (รหัสหรือชื่อ)")
LIMIT = Param("limit", {"type": "integer", "minimum": 1, "maximum": 2000, "default": 50})
OFFSET = Param("offset", {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 0})
LIST_PARAMS = (PROVINCE, Q, LIMIT, OFFSET)
SERVICE = Param("service", {"type": "string", "maxLength": 100}, "รหัสบริการ")
NOTE_PARAMS = (PROVINCE, SERVICE, LIMIT, OFFSET)
NOTE_PROVINCE = Param(
    "province", {"type": "string", "pattern": "^[0-9]{2}$"}, "รหัสจังหวัด 2 หลัก", required=True
)
FAQ_PROVINCE = Param(
    "province", {"type": "string", "pattern": "^[0-9]{2}$"}, "คำตอบเฉพาะจังหวัด (ว่าง = ระดับประเทศ)"
)


def record_json(user: Principal, kind: ContentKind, record: Published) -> dict[str, Any]:
    key = spec(kind).key(record.data)
    return {
        **record.data,
        "key": key,
        "version": record.version,
        "editable": can_edit(user, kind, record.province_code, key),
    }


def scope_of(user: Principal, asked: str | None) -> str | None:
    """The province a listing covers: a local officer's own (asking for another is 403)."""
    if not user.is_local:
        return asked
    if asked is not None and asked != user.province_code:
        raise ForbiddenError(FORBIDDEN_PROVINCE)
    return user.province_code


async def _list(
    request: web.Request, kind: ContentKind, params: tuple[Param, ...], **scope: Any
) -> web.Response:
    user = principal(request)
    args = query(request, params)
    async with request.app[DATABASE].session() as session:
        items, total = await editing.list_published(
            session, kind, q=args.get("q"), limit=args["limit"], offset=args["offset"], **scope
        )
    return json_response({"items": [record_json(user, kind, r) for r in items], "total": total})


async def list_offices(request: web.Request) -> web.Response:
    user = principal(request)
    province = scope_of(user, query(request, (PROVINCE,))["province"])
    office = user.office_code if user.role is Role.DISTRICT_OFFICER else None
    return await _list(
        request, ContentKind.OFFICE, LIST_PARAMS, province_code=province, record_key=office
    )


async def list_faqs(request: web.Request) -> web.Response:
    user = principal(request)
    province = scope_of(user, query(request, (PROVINCE,))["province"])
    return await _list(
        request, ContentKind.FAQ, LIST_PARAMS, province_code=province, include_national=True
    )


async def list_services(request: web.Request) -> web.Response:
    return await _list(request, ContentKind.SERVICE, (Q, LIMIT, OFFSET))


async def get_record(request: web.Request, kind: ContentKind, key: str) -> Published:
    """The published record, after the read check (403 before 404 is not revealed:
    a guessed key of another province gets 403 only when the record exists)."""
    async with request.app[DATABASE].session() as session:
        record = await editing.published_record(session, kind, key)
    if record is None:
        raise NotFoundError(f"ไม่พบ{_KIND_TH[kind]} {key}")
    check_read(principal(request), kind, record.province_code, key)
    return record


_KIND_TH = {ContentKind.OFFICE: "สำนักงาน", ContentKind.FAQ: "คำถามที่พบบ่อย",
            ContentKind.SERVICE: "บริการ", ContentKind.SERVICE_NOTE: "หมายเหตุของจังหวัด"}


async def get_office(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    record = await get_record(request, ContentKind.OFFICE, code)
    return json_response(record_json(principal(request), ContentKind.OFFICE, record))


async def get_faq(request: web.Request) -> web.Response:
    province = query(request, (FAQ_PROVINCE,))["province"]
    key = request.match_info["key"] + (f"@{province}" if province else "")
    record = await get_record(request, ContentKind.FAQ, key)
    return json_response(record_json(principal(request), ContentKind.FAQ, record))


async def get_service(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    record = await get_record(request, ContentKind.SERVICE, code)
    return json_response(record_json(principal(request), ContentKind.SERVICE, record))


async def list_service_notes(request: web.Request) -> web.Response:
    """Province notes on services: a provincial officer's own province's only."""
    user = principal(request)
    args = query(request, NOTE_PARAMS)
    province = scope_of(user, args["province"])
    async with request.app[DATABASE].session() as session:
        items, total = await editing.list_published(
            session, ContentKind.SERVICE_NOTE, province_code=province,
            record_key=args["service"], limit=args["limit"], offset=args["offset"],
        )
    return json_response({
        "items": [record_json(user, ContentKind.SERVICE_NOTE, r) for r in items], "total": total,
    })


async def get_service_note(request: web.Request) -> web.Response:
    province = query(request, (NOTE_PROVINCE,))["province"]
    user = principal(request)
    # Asked for another province: 403 whether or not that province has a note.
    check_read(user, ContentKind.SERVICE_NOTE, province, request.match_info["code"])
    key = f"{request.match_info['code']}@{province}"
    record = await get_record(request, ContentKind.SERVICE_NOTE, key)
    return json_response(record_json(user, ContentKind.SERVICE_NOTE, record))
