"""Drafts: write, preview, publish (now, later, or after a second editor's approval),
the audit log and restoring an earlier version."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from actions.kb import KnowledgeBase
from app.console.http import (
    DATABASE,
    GEOGRAPHY,
    Param,
    json_body,
    json_response,
    now,
    parse_datetime,
    principal,
    query,
)
from app.console.permissions import (
    FORBIDDEN_PROVINCE,
    Principal,
    can_read_kind,
    check_edit,
    check_read,
)
from app.console.preview import render
from app.console.validation import InvalidFields, validate_record
from app.console.views.content import LIMIT, OFFSET
from app.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from app.kb.content import spec
from app.kb.models import ContentKind, Draft, DraftStatus, Revision, Role
from app.kb.repositories import editing
from app.kb.repositories.editing import Published

KB = web.AppKey("knowledge_base", KnowledgeBase)

KINDS = ["office", "faq", "service", "service_note"]
REASON = {"type": "string", "minLength": 1, "maxLength": 1000}
DRAFT_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "key", "data"],
    "additionalProperties": False,
    "properties": {
        "kind": {"type": "string", "enum": KINDS},
        "key": {"type": "string", "minLength": 1, "maxLength": 200},
        "data": {"type": "object"},
        "base_version": {"type": ["integer", "null"]},
        "reason": {"type": "string", "maxLength": 1000},
    },
}
UPDATE_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["data"],
    "additionalProperties": False,
    "properties": {"data": {"type": "object"}, "reason": {"type": "string", "maxLength": 1000}},
}
PUBLISH_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["reason"],
    "additionalProperties": False,
    "properties": {"reason": REASON, "publish_at": {"type": ["string", "null"], "maxLength": 40}},
}
REASON_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["reason"],
    "additionalProperties": False,
    "properties": {"reason": REASON},
}
KIND_PARAM = Param("kind", {"type": "string", "enum": KINDS})
STATUS_PARAM = Param("status", {"type": "string", "enum": [s.value for s in DraftStatus]})
ASPECT_PARAM = Param(
    "aspect",
    {"type": "string", "enum": ["overview", "documents", "fee", "deadline", "processing_time",
                                "steps", "eligibility", "where_to_apply", "online"]},
    "หัวข้อของบริการที่จะดูตัวอย่าง",
)
AUDIT_PARAMS = (
    KIND_PARAM,
    Param("key", {"type": "string", "maxLength": 200}),
    Param("account", {"type": "string", "maxLength": 100}),
    Param("province", {"type": "string", "pattern": "^[0-9]{2}$"}),
    Param("since", {"type": "string", "format": "date-time"}),
    Param("until", {"type": "string", "format": "date-time"}),
    LIMIT,
    OFFSET,
)
CONFLICT = (
    "มีผู้อื่นเผยแพร่{what}ฉบับใหม่กว่า (ฉบับที่ {current}) หลังจากที่คุณเริ่มแก้ไขจากฉบับที่ {base} "
    "กรุณาเปิดข้อมูลล่าสุดแล้วแก้ไขอีกครั้ง"
)
KIND_TH = {"office": "ข้อมูลสำนักงาน", "faq": "คำตอบ", "service": "ข้อมูลบริการ",
           "service_note": "หมายเหตุของจังหวัด"}


def draft_json(draft: Draft) -> dict[str, Any]:
    return {
        "id": draft.id,
        "kind": draft.kind,
        "key": draft.record_key,
        "data": draft.data,
        "base_version": draft.base_version,
        "created_by": draft.created_by,
        "updated_by": draft.updated_by,
        "status": draft.status,
        "province_code": draft.province_code,
        "publish_at": draft.publish_at.isoformat() if draft.publish_at else None,
        "requested_by": draft.requested_by,
        "created_at": draft.created_at.isoformat() if draft.created_at else None,
        "updated_at": draft.updated_at.isoformat() if draft.updated_at else None,
    }


def key_data(kind: ContentKind, key: str) -> dict[str, Any]:
    """The key fields a record key stands for: ``code``, or ``key`` and ``province_code``
    (``service_code`` and ``province_code`` for a province's note on a service)."""
    if kind is ContentKind.SERVICE_NOTE:
        code, _, province = key.partition("@")
        if not code or not (len(province) == 2 and province.isdigit()):
            raise ValidationError(
                f"รหัสหมายเหตุ (key) {key} ไม่ถูกต้อง ใช้ รหัสบริการ@รหัสจังหวัด เช่น id_card_renewal@50"
            )
        return {"service_code": code, "province_code": province}
    if kind is ContentKind.FAQ:
        name, _, province = key.partition("@")
        if not name or (province and not (len(province) == 2 and province.isdigit())):
            raise ValidationError(f"รหัสคำถาม (key) {key} ไม่ถูกต้อง ใช้ชื่อ หรือ ชื่อ@รหัสจังหวัด")
        return {"key": name, "province_code": province or None}
    if "@" in key:
        raise ValidationError(f"รหัส (key) {key} ไม่ถูกต้อง")
    return {"code": key}


def changed_fields(data: dict[str, Any], published: Published | None) -> set[str]:
    if published is None:
        return set(data)
    return {k for k, v in data.items() if published.data.get(k) != v}


def conflict(kind: str, current: int | None, base: int | None) -> ConflictError:
    return ConflictError(CONFLICT.format(what=KIND_TH.get(kind, ""), current=current, base=base))


def check_draft_edit(
    user: Principal, draft: Draft, published: Published | None
) -> None:
    kind = ContentKind(draft.kind)
    check_read(user, kind, draft.province_code, draft.record_key)
    check_edit(user, kind, draft.province_code, draft.record_key,
               changed_fields(draft.data, published))


async def _draft_and_record(request: web.Request) -> tuple[Draft, Published | None]:
    try:
        draft_id = int(request.match_info["id"])
    except ValueError as exc:
        raise NotFoundError("ไม่พบฉบับร่างนี้") from exc
    async with request.app[DATABASE].session() as session:
        try:
            draft = await editing.get_draft(session, draft_id)
        except NotFoundError as exc:
            raise NotFoundError(f"ไม่พบฉบับร่างหมายเลข {draft_id}") from exc
        published = await editing.published_record(session, ContentKind(draft.kind), draft.record_key)
    check_read(principal(request), ContentKind(draft.kind), draft.province_code, draft.record_key)
    return draft, published


async def create(request: web.Request) -> web.Response:
    user = principal(request)
    body = await json_body(request, DRAFT_BODY)
    kind = ContentKind(body["kind"])
    key = body["key"]
    keys = key_data(kind, key)
    data = dict(body["data"])
    for name, value in keys.items():
        if name in data and data[name] != value:
            raise ValidationError(f"ข้อมูล ({name}) ไม่ตรงกับรหัส (key) {key}")
        data[name] = value
    async with request.app[DATABASE].session() as session:
        published = await editing.published_record(session, kind, key)
        if published is not None:
            check_read(user, kind, published.province_code, key)
            base = body.get("base_version")
            if base is not None and base != published.version:
                raise conflict(kind.value, published.version, base)
            province = published.province_code
        else:
            province = data.get("province_code")
        changed = changed_fields(data, published)
        check_edit(user, kind, province, key, changed)
        if data.get("province_code", province) != province:
            check_edit(user, kind, data.get("province_code"), key, changed)
        full = {**(published.data if published else {}), **data}
        if published is None and kind is ContentKind.FAQ and keys["province_code"]:
            national = await editing.published_record(session, kind, keys["key"])
            full = {**(national.data if national else {}), **data}
        validate_record(kind, full, request.app[GEOGRAPHY])
        if kind is ContentKind.SERVICE_NOTE and published is None:
            service = keys["service_code"]
            if await editing.published_record(session, ContentKind.SERVICE, service) is None:
                raise InvalidFields({"service_code": f"ไม่พบบริการรหัส {service} (service_code)"})
        existing = await editing.list_drafts_scoped(session, kind=kind, record_key=key)
        if existing:
            raise ConflictError(
                f"มีฉบับร่างของรายการนี้อยู่แล้ว (ฉบับร่างหมายเลข {existing[0].id}) กรุณาแก้ไขฉบับร่างนั้น"
            )
        draft = await editing.create_draft(session, kind, data, user.editor())
        if body.get("reason"):
            draft.publish_reason = body["reason"]
        result = draft_json(draft)
    return json_response(result, status=201)


async def list_drafts(request: web.Request) -> web.Response:
    user = principal(request)
    args = query(request, (KIND_PARAM, STATUS_PARAM))
    kind = ContentKind(args["kind"]) if args["kind"] else None
    province = user.province_code if user.is_local else None
    record_key = None
    if user.role is Role.DISTRICT_OFFICER:
        if kind not in (None, ContentKind.OFFICE):
            return json_response({"items": []})
        kind, record_key = ContentKind.OFFICE, user.office_code
    async with request.app[DATABASE].session() as session:
        drafts = await editing.list_drafts_scoped(
            session, kind=kind, status=args["status"], province_code=province, record_key=record_key
        )
    return json_response({"items": [draft_json(d) for d in drafts if can_read_kind(user, d.kind)]})


async def get(request: web.Request) -> web.Response:
    draft, _ = await _draft_and_record(request)
    return json_response(draft_json(draft))


async def update(request: web.Request) -> web.Response:
    user = principal(request)
    draft, published = await _draft_and_record(request)
    body = await json_body(request, UPDATE_BODY)
    kind = ContentKind(draft.kind)
    merged = {**draft.data, **body["data"]}
    if any(merged.get(k) != v for k, v in key_data(kind, draft.record_key).items()):
        raise ValidationError("ฉบับร่างเปลี่ยนรหัสหรือจังหวัดของรายการไม่ได้")
    check_edit(user, kind, draft.province_code, draft.record_key, changed_fields(merged, published))
    validate_record(kind, merged, request.app[GEOGRAPHY])
    async with request.app[DATABASE].session() as session:
        updated = await editing.update_draft(session, draft.id, body["data"], user.editor())
        result = draft_json(updated)
    return json_response(result)


async def discard(request: web.Request) -> web.Response:
    user = principal(request)
    draft, published = await _draft_and_record(request)
    check_edit(user, ContentKind(draft.kind), draft.province_code, draft.record_key)
    async with request.app[DATABASE].session() as session:
        await editing.discard_draft(session, draft.id, user.editor())
    return web.Response(status=204)


async def preview(request: web.Request) -> web.Response:
    draft, _ = await _draft_and_record(request)
    aspect = query(request, (ASPECT_PARAM,))["aspect"] or "overview"
    agency = service = None
    async with request.app[DATABASE].session() as session:
        if draft.kind == ContentKind.SERVICE_NOTE:
            # The note is previewed in the answer it joins: the published service's.
            found = await editing.published_record(
                session, ContentKind.SERVICE, str(draft.data.get("service_code"))
            )
            if found is None:
                raise NotFoundError(f"ไม่พบบริการรหัส {draft.data.get('service_code')}")
            service = found.data
        if draft.kind in (ContentKind.SERVICE, ContentKind.SERVICE_NOTE):
            code = str((service or draft.data).get("agency_code"))
            found = await editing.published_record(session, ContentKind.AGENCY, code)
            agency = found.data if found else {"code": code, "name_th": ""}
    return json_response(await render(
        request.app[KB], draft, now(request), agency=agency, aspect=aspect, service=service,
    ))


async def publish(request: web.Request) -> web.Response:
    user = principal(request)
    draft, published = await _draft_and_record(request)
    body = await json_body(request, PUBLISH_BODY)
    check_draft_edit(user, draft, published)
    kind = ContentKind(draft.kind)
    validate_record(kind, draft.data, request.app[GEOGRAPHY])
    current = published.version if published else None
    if current != draft.base_version:
        raise conflict(draft.kind, current, draft.base_version)
    if draft.status == DraftStatus.AWAITING_APPROVAL:
        raise ValidationError("ฉบับร่างนี้รอบรรณาธิการคนที่สองอนุมัติอยู่ (approve)")
    at = now(request)
    publish_at = parse_datetime(body["publish_at"], "publish_at") if body.get("publish_at") else None
    if publish_at is not None and publish_at <= at:
        publish_at = None
    approval = editing.needs_approval(draft, published)
    async with request.app[DATABASE].session() as session:
        if approval or publish_at is not None:
            updated = await editing.request_publication(
                session, draft.id, user.editor(), body["reason"],
                publish_at=publish_at, approval=approval,
            )
            result: dict[str, Any] = {"status": updated.status, "draft": draft_json(updated)}
            if publish_at is not None:
                result["publish_at"] = publish_at.isoformat()
            return json_response(result, status=202)
        revision = await editing.publish(session, draft.id, user.editor(), body["reason"])
        result = {"status": "published", "revision_id": revision.id}
    return json_response(result)


async def approve(request: web.Request) -> web.Response:
    user = principal(request)
    draft, published = await _draft_and_record(request)
    body = await json_body(request, REASON_BODY)
    if draft.status != DraftStatus.AWAITING_APPROVAL:
        raise ValidationError("ฉบับร่างนี้ไม่ได้รอการอนุมัติ")
    if user.username in {draft.created_by, draft.updated_by, draft.requested_by}:
        raise ForbiddenError("ต้องให้บรรณาธิการคนที่สองอนุมัติ ผู้เขียนหรือผู้ขอเผยแพร่อนุมัติเองไม่ได้")
    current = published.version if published else None
    if current != draft.base_version:
        raise conflict(draft.kind, current, draft.base_version)
    async with request.app[DATABASE].session() as session:
        outcome = await editing.approve(session, draft.id, user.editor(), body["reason"], now(request))
        if isinstance(outcome, Revision):
            result: dict[str, Any] = {"status": "published", "revision_id": outcome.id}
            status = 200
        else:
            result = {"status": outcome.status, "publish_at": outcome.publish_at.isoformat()
                      if outcome.publish_at else None, "draft": draft_json(outcome)}
            status = 202
    return json_response(result, status=status)


def revision_json(revision: Revision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "kind": revision.kind,
        "key": revision.record_key,
        "province_code": revision.province_code,
        "account": revision.author,
        "origin": revision.origin,
        "at": revision.created_at.isoformat(),
        "reason": revision.reason,
        "before": revision.before,
        "after": revision.after,
    }


async def audit(request: web.Request) -> web.Response:
    user = principal(request)
    args = query(request, AUDIT_PARAMS)
    province = args["province"]
    kind = ContentKind(args["kind"]) if args["kind"] else None
    key = args["key"]
    if user.is_local:
        if province is not None and province != user.province_code:
            raise ForbiddenError(FORBIDDEN_PROVINCE)
        province = user.province_code
    if user.role is Role.DISTRICT_OFFICER:
        if kind not in (None, ContentKind.OFFICE) or key not in (None, user.office_code):
            raise ForbiddenError("เจ้าหน้าที่อำเภอดูประวัติได้เฉพาะสำนักงานของตน")
        kind, key = ContentKind.OFFICE, user.office_code
    if kind is not None and not can_read_kind(user, kind):
        raise ForbiddenError("บทบาทของคุณไม่มีสิทธิ์ดูประวัติของรายการประเภทนี้")
    hidden = [k for k in ContentKind if not can_read_kind(user, k)]
    async with request.app[DATABASE].session() as session:
        items, total = await editing.search_revisions(
            session, kind=kind, exclude_kinds=hidden, record_key=key, account=args["account"],
            province_code=province,
            since=args["since"], until=args["until"], limit=args["limit"], offset=args["offset"],
        )
    return json_response({"items": [revision_json(r) for r in items], "total": total})


async def restore(request: web.Request) -> web.Response:
    user = principal(request)
    try:
        revision_id = int(request.match_info["id"])
    except ValueError as exc:
        raise NotFoundError("ไม่พบประวัติการแก้ไขนี้") from exc
    await json_body(request, REASON_BODY)
    async with request.app[DATABASE].session() as session:
        try:
            revision = await editing.get_revision(session, revision_id)
        except NotFoundError as exc:
            raise NotFoundError(f"ไม่พบประวัติการแก้ไขหมายเลข {revision_id}") from exc
        kind = ContentKind(revision.kind)
        if kind.value not in KINDS:
            raise ForbiddenError("รายการประเภทนี้กู้คืนจากหน้าจัดการไม่ได้")
        check_read(user, kind, revision.province_code, revision.record_key)
        published = await editing.published_record(session, kind, revision.record_key)
        changed = changed_fields(dict(revision.after or {}), published)
        check_edit(user, kind, revision.province_code, revision.record_key, changed)
        if await editing.list_drafts_scoped(session, kind=kind, record_key=revision.record_key):
            raise ConflictError("มีฉบับร่างของรายการนี้อยู่แล้ว กรุณาเผยแพร่หรือลบฉบับร่างนั้นก่อนกู้คืน")
        if revision.after is None:
            raise ValidationError("ประวัตินี้เป็นการลบรายการ กรุณาเลือกฉบับก่อนหน้า")
        draft = await editing.restore(session, revision_id, user.editor())
        result = draft_json(draft)
    return json_response(result, status=201)
