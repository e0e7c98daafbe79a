"""Every route of the OpenAPI document × every role × own and other province.

The route list comes from /api/openapi.json, which is built from the route
table: a new route without a request here fails ``test_every_route_has_a_case``.
Allowed requests must succeed (2xx); forbidden ones must get 403 and change
nothing. A province officer of Chiang Mai (50) tries Bangkok's (10) records by
the JSON API, by a guessed key or id, and by a CSV row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.console.dashboard import DASHBOARD_ROUTES
from app.kb.db import Database
from app.kb.models import ContentKind
from app.kb.repositories import editing
from app.kb.repositories.editing import Editor
from tests.app.console.conftest import (
    OTHER_OFFICE,
    OWN_OFFICE,
    ROLE_USERS,
    Console,
)

ROLES = tuple(ROLE_USERS)
LOCAL = {"province_officer", "district_officer"}
OWN_PROVINCE_OFFICE = "district_office:5002"


@dataclass
class Ids:
    drafts: dict[str, int]
    revisions: dict[str, int]


async def _publish(db: Database, kind: ContentKind, data: dict[str, Any], reason: str) -> int:
    async with db.session() as session:
        draft = await editing.create_draft(session, kind, data, Editor("admin1"))
        return (await editing.publish(session, draft.id, Editor("admin1"), reason)).id


async def _draft(db: Database, kind: ContentKind, data: dict[str, Any]) -> int:
    async with db.session() as session:
        return (await editing.create_draft(session, kind, data, Editor("admin1"))).id


async def prepare(console: Console, *, drafts: bool) -> Ids:
    """Revisions to restore and (``drafts``) one draft per target; earlier drafts go."""
    db = Database(console.url)
    try:
        async with db.session() as session:
            for draft in await editing.list_drafts_scoped(session):
                await editing.discard_draft(session, draft.id, Editor("admin1"))
        revisions = {
            "own": await _publish(db, ContentKind.OFFICE,
                                  {"code": "district_office:5003", "phone": "053-111-111"}, "ทดสอบ"),
            "district": await _publish(db, ContentKind.OFFICE,
                                       {"code": OWN_OFFICE, "hours": [[0, "08:00", "16:00"]]}, "ทดสอบ"),
            "national": await _publish(db, ContentKind.FAQ,
                                       {"key": "id_card_lost", "answer": "คำตอบเดิม"}, "ทดสอบ"),
            "other": await _publish(db, ContentKind.OFFICE,
                                    {"code": "bangkok_district_office:1002",
                                     "phone": "02-111-1111"}, "ทดสอบ"),
            "note_own": await _publish(db, ContentKind.SERVICE_NOTE, NOTES["own"], "ทดสอบ"),
            "note_other": await _publish(db, ContentKind.SERVICE_NOTE, NOTES["other"], "ทดสอบ"),
        }
        ids: dict[str, int] = {}
        if drafts:
            ids["district"] = await _draft(db, ContentKind.OFFICE,
                                           {"code": OWN_OFFICE, "hours": [[0, "08:30", "16:00"]]})
            ids["office_other"] = await _draft(db, ContentKind.OFFICE,
                                               {"code": OTHER_OFFICE, "phone": "02-222-2222"})
            ids["faq_own"] = await _draft(db, ContentKind.FAQ,
                                          {"key": "complaint_channels", "province_code": "50",
                                           "answer": "ร่างเชียงใหม่"})
            ids["faq_national"] = await _draft(db, ContentKind.FAQ,
                                               {"key": "complaint_channels", "answer": "ร่างประเทศ"})
            ids["faq_other"] = await _draft(db, ContentKind.FAQ,
                                            {"key": "office_hours", "province_code": "10",
                                             "answer": "ร่างกรุงเทพ"})
            async with db.session() as session:
                service = await editing.create_draft(
                    session, ContentKind.SERVICE,
                    {"code": "id_card_renewal", "documents": ["บัตรประจำตัวประชาชนใบเดิม"]},
                    Editor("editor2"))
                await editing.request_publication(session, service.id, Editor("editor2"), "ทดสอบ",
                                                  publish_at=None, approval=True)
                ids["service"] = service.id
        return Ids(ids, revisions)
    finally:
        await db.dispose()


NOTES = {
    target: {"service_code": "id_card_renewal", "province_code": province,
             "note": f"หมายเหตุทดสอบ {province}", "source_agency": "ที่ว่าการอำเภอ",
             "source_title": "ประกาศ", "checked_on": "2026-12-01"}
    for target, province in (("own", "50"), ("other", "10"))
}


def own_draft(role: str) -> str:
    return {"content_editor": "faq_national", "district_officer": "district"}.get(role, "faq_own")


def other_draft(role: str) -> str:
    return "office_other" if role == "district_officer" else "faq_other"


DRAFT_CHANGE = {
    "district": {"hours": [[0, "08:30", "16:30"]]},
    "office_other": {"phone": "02-333-3333"},
}


def draft_id(ids: Ids, role: str, target: str) -> tuple[str, int]:
    name = own_draft(role) if target == "own" else other_draft(role)
    return name, ids.drafts[name]


def _new_draft(role: str, target: str) -> dict[str, Any]:
    if target == "other":
        if role == "district_officer":
            return {"kind": "office", "key": OTHER_OFFICE, "data": {"phone": "02-444-4444"}}
        return {"kind": "faq", "key": "office_hours@10", "data": {"answer": "ใหม่กรุงเทพ"}}
    if role == "district_officer":
        return {"kind": "office", "key": OWN_OFFICE, "data": {"phone": "053-444-444"}}
    if role == "content_editor":
        return {"kind": "faq", "key": "id_card_lost", "data": {"answer": "ใหม่ประเทศ"}}
    return {"kind": "faq", "key": "office_hours@50", "data": {"answer": "ใหม่เชียงใหม่"}}


def _restore(ids: Ids, role: str, target: str) -> int:
    if target == "other":
        return ids.revisions["other"]
    return ids.revisions[{"content_editor": "national", "district_officer": "district"}.get(role, "own")]


def _office_csv(role: str, target: str) -> str:
    code = OTHER_OFFICE if target == "other" else OWN_PROVINCE_OFFICE
    return f"code,phone\r\n{code},053-555-555\r\n" if target == "own" else f"code,phone\r\n{code},02-555-5555\r\n"


def _faq_csv(role: str, target: str) -> str:
    if target == "other":
        return "key,province_code,answer\r\noffice_hours,10,ใหม่\r\n"
    province = "" if role == "content_editor" else "50"
    return f"key,province_code,answer\r\ncomplaint_channels,{province},ใหม่\r\n"


Request = Callable[[Ids, str, str], tuple[str, dict[str, Any]]]

ALL = "all"            # every role, either target
SCOPED_READ = "read"   # local officers only in their own province
SCOPED_WRITE = "write"  # editing roles in their own scope; analysts never
MINISTRY = "ministry"  # admin and content editors
ADMIN = "admin"

CASES: dict[tuple[str, str], tuple[str, Request, bool]] = {
    # (method, path): (rule, request builder, whether the case needs drafts prepared)
    ("GET", "/api/session"): (ALL, lambda i, r, t: ("/api/session", {}), False),
    ("DELETE", "/api/session"): (ALL, lambda i, r, t: ("/api/session", {}), False),
    ("GET", "/api/offices"): (SCOPED_READ, lambda i, r, t: (
        f"/api/offices?province={'50' if t == 'own' else '10'}", {}), False),
    ("GET", "/api/offices/{code}"): (SCOPED_READ, lambda i, r, t: (
        "/api/offices/" + (OTHER_OFFICE if t == "other" else OWN_OFFICE), {}), False),
    ("GET", "/api/faqs"): (SCOPED_READ, lambda i, r, t: (
        f"/api/faqs?province={'50' if t == 'own' else '10'}", {}), False),
    ("GET", "/api/faqs/{key}"): (SCOPED_READ, lambda i, r, t: (
        "/api/faqs/complaint_channels?province=50" if t == "own"
        else "/api/faqs/office_hours?province=10", {}), False),
    ("GET", "/api/services"): (ALL, lambda i, r, t: ("/api/services", {}), False),
    ("GET", "/api/services/{code}"): (ALL, lambda i, r, t: ("/api/services/id_card_renewal", {}), False),
    ("POST", "/api/drafts"): (SCOPED_WRITE, lambda i, r, t: ("/api/drafts", {"json": _new_draft(r, t)}), False),
    ("GET", "/api/drafts"): (ALL, lambda i, r, t: ("/api/drafts" + ("" if t == "own" else "?kind=faq"), {}), True),
    ("GET", "/api/drafts/{id}"): (SCOPED_READ, lambda i, r, t: (f"/api/drafts/{draft_id(i, r, t)[1]}", {}), True),
    ("PUT", "/api/drafts/{id}"): (SCOPED_WRITE, lambda i, r, t: (
        f"/api/drafts/{draft_id(i, r, t)[1]}",
        {"json": {"data": DRAFT_CHANGE.get(draft_id(i, r, t)[0], {"answer": "แก้ไขแล้ว"})}}), True),
    ("DELETE", "/api/drafts/{id}"): (SCOPED_WRITE, lambda i, r, t: (f"/api/drafts/{draft_id(i, r, t)[1]}", {}), True),
    ("GET", "/api/drafts/{id}/preview"): (SCOPED_READ, lambda i, r, t: (
        f"/api/drafts/{draft_id(i, r, t)[1]}/preview", {}), True),
    ("POST", "/api/drafts/{id}/publish"): (SCOPED_WRITE, lambda i, r, t: (
        f"/api/drafts/{draft_id(i, r, t)[1]}/publish", {"json": {"reason": "ทดสอบสิทธิ์"}}), True),
    ("POST", "/api/drafts/{id}/approve"): (MINISTRY, lambda i, r, t: (
        f"/api/drafts/{i.drafts['service']}/approve", {"json": {"reason": "ตรวจแล้ว"}}), True),
    ("GET", "/api/audit"): (SCOPED_READ, lambda i, r, t: (
        f"/api/audit?province={'50' if t == 'own' else '10'}", {}), False),
    ("POST", "/api/revisions/{id}/restore"): (SCOPED_WRITE, lambda i, r, t: (
        f"/api/revisions/{_restore(i, r, t)}/restore", {"json": {"reason": "กู้คืน"}}), False),
    ("GET", "/api/offices.csv"): (ALL, lambda i, r, t: ("/api/offices.csv", {}), False),
    ("GET", "/api/faqs.csv"): (ALL, lambda i, r, t: ("/api/faqs.csv", {}), False),
    ("POST", "/api/import/offices"): ("import_offices", lambda i, r, t: (
        "/api/import/offices?dry_run=false", {"data": _office_csv(r, t).encode(),
                                              "headers": {"Content-Type": "text/csv"}}), False),
    ("POST", "/api/import/faqs"): ("import_faqs", lambda i, r, t: (
        "/api/import/faqs?dry_run=false", {"data": _faq_csv(r, t).encode(),
                                           "headers": {"Content-Type": "text/csv"}}), False),
    ("GET", "/api/accounts"): (ADMIN, lambda i, r, t: ("/api/accounts", {}), False),
    ("POST", "/api/accounts"): (ADMIN, lambda i, r, t: ("/api/accounts", {"json": {
        "username": f"new.{t}", "password": "another long password", "role": "province_officer",
        "province_code": "50" if t == "own" else "10"}}), False),
    ("PATCH", "/api/accounts/{username}"): (ADMIN, lambda i, r, t: (
        "/api/accounts/bkk.officer", {"json": {"locked": False}}), False),
}
NOTES_READ = "notes_read"  # admin and content editors; a province officer their own province
CASES[("GET", "/api/service-notes")] = (NOTES_READ, lambda i, r, t: (
    f"/api/service-notes?province={'50' if t == 'own' else '10'}", {}), False)
CASES[("GET", "/api/service-notes/{code}")] = (NOTES_READ, lambda i, r, t: (
    f"/api/service-notes/id_card_renewal?province={'50' if t == 'own' else '10'}", {}), False)
PUBLIC = {("POST", "/api/session"), ("GET", "/api/openapi.json")}
# Retraining: a forbidden role gets 403; an allowed one is not made to start a
# real training job here, and asks for an unknown job (404).
TRAINING = "training"
CASES[("POST", "/api/training")] = (TRAINING, lambda i, r, t: ("/api/training", {}), False)
CASES[("GET", "/api/training/{id}")] = (
    TRAINING, lambda i, r, t: ("/api/training/no-such-job", {}), False)
# The dashboard's routes are walked role by role and province by province in
# tests/app/console_dashboard/test_routes.py, from the same route table.
DASHBOARD = {(route.method, route.path) for route in DASHBOARD_ROUTES}


def allowed(rule: str, role: str, target: str) -> bool:
    if rule == ALL:
        return True
    if rule == SCOPED_READ:
        return not (role in LOCAL and target == "other")
    if rule == SCOPED_WRITE:
        return role != "analyst" and (target == "own" or role == "admin")
    if rule == MINISTRY:
        return role in {"admin", "content_editor"}
    if rule in {ADMIN}:
        return role == "admin"
    if rule == NOTES_READ:
        return role in {"admin", "content_editor"} or (role == "province_officer" and target == "own")
    if rule == TRAINING:
        return role in {"admin", "content_editor"}
    if rule == "import_offices":
        return role in {"admin", "province_officer"} and (target == "own" or role == "admin")
    if rule == "import_faqs":
        return role in {"admin", "content_editor", "province_officer"} and (
            target == "own" or role == "admin")
    raise AssertionError(rule)


async def test_every_route_has_a_case(console: Console) -> None:
    document = await console.anonymous().json("GET", "/api/openapi.json")
    routes = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert routes - PUBLIC - DASHBOARD == set(CASES)


async def test_anonymous_gets_401_on_every_route(console: Console) -> None:
    anonymous = console.anonymous()
    ids = await prepare(console, drafts=True)
    for (method, _), (_, build, _) in CASES.items():
        path, kwargs = build(ids, "admin", "own")
        response = await anonymous.request(method, path, **kwargs)
        assert response.status == 401, (method, path, response.status)


@pytest.mark.parametrize("route", sorted(CASES), ids=lambda r: f"{r[0]} {r[1]}")
async def test_route_by_role_and_province(
    make_console: Callable[..., Any], route: tuple[str, str]
) -> None:
    rule, build, needs_drafts = CASES[route]
    method = route[0]
    console = await make_console()
    ids = await prepare(console, drafts=needs_drafts)
    failures = []
    for role in ROLES:
        session = await console.as_role(role)
        # "other" first: a forbidden request must change nothing the next one sees.
        for target in ("other", "own"):
            path, kwargs = build(ids, role, target)
            expected = allowed(rule, role, target)
            if rule == TRAINING and expected and method == "POST":
                continue
            response = await session.request(method, path, **kwargs)
            body = await response.text()
            if rule == TRAINING and expected:
                ok = response.status == 404
            else:
                ok = 200 <= response.status < 300 if expected else response.status == 403
            if not ok:
                failures.append((role, target, path, response.status, body[:300]))
            if method != "GET" and response.status < 300:
                # It changed something: start the next request from a fresh state.
                ids = await prepare(console, drafts=needs_drafts)
                if route == ("DELETE", "/api/session"):
                    session = await console.as_role(role)
    assert failures == []


# Province notes on services go through the draft routes like every kind: each
# step × role × own/other province. Writing: admin anywhere, a provincial
# officer in their own province; reading also the ministry's content editors;
# analysts and district officers neither.
NOTE_STEPS = ("create", "get", "update", "preview", "publish", "restore", "audit")


def note_allowed(step: str, role: str, target: str) -> bool:
    if step in {"get", "preview", "audit"}:
        return allowed(NOTES_READ, role, target)
    return role == "admin" or (role == "province_officer" and target == "own")


@pytest.mark.parametrize("step", NOTE_STEPS)
async def test_service_note_drafts_by_role_and_province(
    make_console: Callable[..., Any], step: str
) -> None:
    console = await make_console()
    failures = []
    for role in ROLES:
        session = await console.as_role(role)
        for target in ("other", "own"):
            ids = await prepare(console, drafts=False)
            province = NOTES[target]["province_code"]
            db = Database(console.url)
            try:
                draft = await _draft(db, ContentKind.SERVICE_NOTE,
                                     {**NOTES[target], "note": "ร่างหมายเหตุ"})
                if step == "restore":  # a record with a draft cannot be restored into
                    async with db.session() as s:
                        await editing.discard_draft(s, draft, Editor("admin1"))
            finally:
                await db.dispose()
            method, path, kwargs = {
                "create": ("POST", "/api/drafts", {"json": {
                    "kind": "service_note", "key": f"passport@{province}",
                    "data": {**NOTES[target], "service_code": "passport"}}}),
                "get": ("GET", f"/api/drafts/{draft}", {}),
                "update": ("PUT", f"/api/drafts/{draft}", {"json": {"data": {"note": "แก้ไขแล้ว"}}}),
                "preview": ("GET", f"/api/drafts/{draft}/preview?aspect=documents", {}),
                "publish": ("POST", f"/api/drafts/{draft}/publish", {"json": {"reason": "ทดสอบ"}}),
                "restore": ("POST", f"/api/revisions/{ids.revisions['note_' + target]}/restore",
                            {"json": {"reason": "กู้คืน"}}),
                "audit": ("GET", f"/api/audit?kind=service_note&province={province}", {}),
            }[step]
            response = await session.request(method, path, **kwargs)
            expected = note_allowed(step, role, target)
            ok = 200 <= response.status < 300 if expected else response.status == 403
            if not ok:
                failures.append((role, target, step, response.status, (await response.text())[:300]))
    assert failures == []


async def test_analysts_do_not_see_province_notes_in_drafts_or_audit(console: Console) -> None:
    await prepare(console, drafts=False)
    db = Database(console.url)
    await _draft(db, ContentKind.SERVICE_NOTE, {**NOTES["own"], "note": "ร่างหมายเหตุ"})
    await db.dispose()
    for role, sees in (("analyst", False), ("content_editor", True)):
        session = await console.as_role(role)
        drafts = await session.json("GET", "/api/drafts")
        assert ("service_note" in {d["kind"] for d in drafts["items"]}) is sees
        audit = await session.json("GET", "/api/audit?limit=200")
        assert ("service_note" in {r["kind"] for r in audit["items"]}) is sees
