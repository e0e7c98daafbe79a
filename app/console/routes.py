"""The route table: every API route with its roles, body, parameters and responses.

The router, the session/CSRF/role guard and the OpenAPI document are all made
from this one table (``app.console.app``, ``app.console.openapi``).
"""

from __future__ import annotations


from app.console.http import Route
from app.console.permissions import ALL_ROLES, EDITING_ROLES, NOTE_READERS
from app.console.routes_params import IMPORT_PARAMS
from app.console.views import accounts, bulk, content, drafts, session, training
from app.kb.models import Role

ADMIN = frozenset({Role.ADMIN})
MINISTRY_EDITORS = frozenset({Role.ADMIN, Role.CONTENT_EDITOR})
OFFICE_IMPORTERS = frozenset({Role.ADMIN, Role.PROVINCE_OFFICER})
FAQ_IMPORTERS = frozenset({Role.ADMIN, Role.CONTENT_EDITOR, Role.PROVINCE_OFFICER})
CSV_BODY = {"type": "string"}

ROUTES: tuple[Route, ...] = (
    # Session
    Route("POST", "/api/session", session.login, "เข้าสู่ระบบ", None, body=session.LOGIN_BODY,
          responses={200: "เข้าสู่ระบบแล้ว", 401: "ชื่อผู้ใช้ รหัสผ่าน หรือ TOTP ไม่ถูกต้อง",
                     429: "ถูกล็อกหรือพยายามบ่อยเกินไป"}, tag="session"),
    Route("GET", "/api/session", session.current, "ผู้ใช้ที่เข้าสู่ระบบอยู่", ALL_ROLES,
          responses={200: ""}, tag="session"),
    Route("DELETE", "/api/session", session.logout, "ออกจากระบบ", ALL_ROLES,
          responses={204: ""}, tag="session"),
    # Content
    Route("GET", "/api/offices", content.list_offices, "รายการสำนักงาน (ตามขอบเขตของผู้ใช้)",
          ALL_ROLES, params=content.LIST_PARAMS, responses={200: ""}),
    Route("GET", "/api/offices/{code}", content.get_office, "ข้อมูลสำนักงาน", ALL_ROLES,
          responses={200: ""}),
    Route("GET", "/api/faqs", content.list_faqs, "คำถามที่พบบ่อย", ALL_ROLES,
          params=content.LIST_PARAMS, responses={200: ""}),
    Route("GET", "/api/faqs/{key}", content.get_faq, "คำถามที่พบบ่อยหนึ่งข้อ", ALL_ROLES,
          params=(content.FAQ_PROVINCE,), responses={200: ""}),
    Route("GET", "/api/services", content.list_services, "บริการ", ALL_ROLES,
          params=(content.Q, content.LIMIT, content.OFFSET), responses={200: ""}),
    Route("GET", "/api/services/{code}", content.get_service, "ข้อมูลบริการ", ALL_ROLES,
          responses={200: ""}),
    Route("GET", "/api/service-notes", content.list_service_notes,
          "หมายเหตุของจังหวัดในบริการ (ตามขอบเขตของผู้ใช้)", NOTE_READERS,
          params=content.NOTE_PARAMS, responses={200: ""}),
    Route("GET", "/api/service-notes/{code}", content.get_service_note,
          "หมายเหตุของจังหวัดหนึ่งในบริการหนึ่ง", NOTE_READERS,
          params=(content.NOTE_PROVINCE,), responses={200: ""}),
    # Drafts
    Route("POST", "/api/drafts", drafts.create, "สร้างฉบับร่าง", EDITING_ROLES,
          body=drafts.DRAFT_BODY, responses={201: ""}, tag="drafts"),
    Route("GET", "/api/drafts", drafts.list_drafts, "ฉบับร่าง", ALL_ROLES,
          params=(drafts.KIND_PARAM, drafts.STATUS_PARAM), responses={200: ""}, tag="drafts"),
    Route("GET", "/api/drafts/{id}", drafts.get, "ฉบับร่างหนึ่งฉบับ", ALL_ROLES,
          responses={200: ""}, tag="drafts"),
    Route("PUT", "/api/drafts/{id}", drafts.update, "แก้ไขฉบับร่าง", EDITING_ROLES,
          body=drafts.UPDATE_BODY, responses={200: ""}, tag="drafts"),
    Route("DELETE", "/api/drafts/{id}", drafts.discard, "ลบฉบับร่าง", EDITING_ROLES,
          responses={204: ""}, tag="drafts"),
    Route("GET", "/api/drafts/{id}/preview", drafts.preview, "ตัวอย่างคำตอบบนเว็บและ LINE",
          ALL_ROLES, params=(drafts.ASPECT_PARAM,), responses={200: ""}, tag="drafts"),
    Route("POST", "/api/drafts/{id}/publish", drafts.publish, "เผยแพร่ (ทันทีหรือตั้งเวลา)",
          EDITING_ROLES, body=drafts.PUBLISH_BODY,
          responses={200: "เผยแพร่แล้ว", 202: "ตั้งเวลาไว้ หรือรอการอนุมัติ"}, tag="drafts"),
    Route("POST", "/api/drafts/{id}/approve", drafts.approve,
          "อนุมัติการแก้ไขข้อเท็จจริงของบริการระดับประเทศ (บรรณาธิการคนที่สอง)", MINISTRY_EDITORS,
          body=drafts.REASON_BODY, responses={200: "เผยแพร่แล้ว", 202: "ตั้งเวลาไว้"}, tag="drafts"),
    # Audit
    Route("GET", "/api/audit", drafts.audit, "ประวัติการแก้ไข", ALL_ROLES,
          params=drafts.AUDIT_PARAMS, responses={200: ""}, tag="audit"),
    Route("POST", "/api/revisions/{id}/restore", drafts.restore,
          "กู้คืนฉบับก่อนหน้าเป็นฉบับร่าง", EDITING_ROLES, body=drafts.REASON_BODY,
          responses={201: ""}, tag="audit"),
    # Bulk
    Route("GET", "/api/offices.csv", bulk.export_offices, "ส่งออกสำนักงานเป็น CSV", ALL_ROLES,
          responses={200: ""}, response_type="text/csv", tag="bulk"),
    Route("GET", "/api/faqs.csv", bulk.export_faqs, "ส่งออกคำถามที่พบบ่อยเป็น CSV", ALL_ROLES,
          responses={200: ""}, response_type="text/csv", tag="bulk"),
    Route("POST", "/api/import/offices", bulk.import_offices, "นำเข้าสำนักงานจาก CSV",
          OFFICE_IMPORTERS, body=CSV_BODY, body_type="text/csv", params=IMPORT_PARAMS,
          responses={200: ""}, tag="bulk"),
    Route("POST", "/api/import/faqs", bulk.import_faqs, "นำเข้าคำถามที่พบบ่อยจาก CSV",
          FAQ_IMPORTERS, body=CSV_BODY, body_type="text/csv", params=IMPORT_PARAMS,
          responses={200: ""}, tag="bulk"),
    # Accounts
    Route("GET", "/api/accounts", accounts.list_accounts, "บัญชีผู้ใช้", ADMIN,
          responses={200: ""}, tag="accounts"),
    Route("POST", "/api/accounts", accounts.create_account, "สร้างบัญชีผู้ใช้", ADMIN,
          body=accounts.CREATE_BODY, responses={201: ""}, tag="accounts"),
    Route("PATCH", "/api/accounts/{username}", accounts.update_account,
          "ล็อก ปลดล็อก หรือตั้งรหัสผ่านใหม่", ADMIN, body=accounts.PATCH_BODY,
          responses={200: ""}, tag="accounts"),
)


# Retraining (app/training): started from the console, run in its own process.
ROUTES = ROUTES + (
    Route("POST", "/api/training", training.start, "เริ่มฝึกโมเดลใหม่จากข้อมูลที่เผยแพร่แล้ว",
          MINISTRY_EDITORS, responses={202: "เริ่มงานแล้ว", 409: "มีงานฝึกโมเดลกำลังทำอยู่"},
          tag="training"),
    Route("GET", "/api/training/{id}", training.status, "ความคืบหน้าของงานฝึกโมเดล",
          MINISTRY_EDITORS, responses={200: ""}, tag="training"),
)

