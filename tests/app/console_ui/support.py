"""Helpers of the console browser tests: signing in, publishing, reading what
the page sent, and reading the published records back from the database."""
from __future__ import annotations

import re
from typing import Any

import pyotp
from playwright.sync_api import Page, Request, expect

from app.kb.content import hours_to_data
from app.kb.models import ContentKind
from app.kb.repositories.faqs import get_faq
from app.kb.repositories.published import all_published
from tests.app.console_ui.conftest import OFFICER, PASSWORD, PROVINCE, Console, run_async

REASON_LABEL = "เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)"
SAVE = "บันทึกร่างและดูตัวอย่าง"
PUBLISHED = "เผยแพร่แล้ว ผู้ช่วยจะตอบด้วยข้อมูลใหม่ภายในไม่กี่วินาที"
DRAFT_URL = re.compile(r"#/drafts/\d+$")


class Recorder:
    """What the page asked for: every URL, and the headers of state-changing requests."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.writes: list[tuple[str, str, dict[str, str]]] = []
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        self.urls.append(request.url)
        if request.method not in ("GET", "HEAD"):
            self.writes.append((request.method, request.url, request.headers))


def sign_in(page: Page, console: Console) -> None:
    """The province officer, by password (their role signs in without TOTP)."""
    page.goto(console.url + "/")
    expect(page.get_by_role("heading", name="เข้าสู่ระบบสำหรับเจ้าหน้าที่")).to_be_visible()
    page.get_by_label("ชื่อผู้ใช้").fill(OFFICER)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="สำนักงาน", exact=True)).to_be_visible()


def sign_in_with_totp(
    page: Page, console: Console, username: str, secret: str, home: str = "คำถามที่พบบ่อย"
) -> None:
    """A ministry account: the code field appears only when the API asks for it."""
    page.goto(console.url + "/")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    code = page.get_by_label("รหัสยืนยัน 6 หลัก")
    expect(code).to_be_focused()
    expect(page.locator("[data-field=totp] .field-error")).to_have_text(
        "กรุณากรอกรหัสยืนยัน 6 หลักจากแอปยืนยันตัวตนในโทรศัพท์ของคุณ")
    code.fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name=home, exact=True)).to_be_visible()


def save_draft(page: Page, reason: str) -> None:
    page.get_by_label(REASON_LABEL).fill(reason)
    page.get_by_role("button", name=SAVE).click()


def publish_now(page: Page, reason: str) -> None:
    page.get_by_label("เหตุผล (บันทึกในประวัติการแก้ไข)").fill(reason)
    page.get_by_role("button", name="เผยแพร่", exact=True).click()
    expect(page.locator(".ok-box")).to_have_text(PUBLISHED)


def draft_preview(page: Page) -> dict[str, Any]:
    """The preview JSON of the draft on screen, fetched with the page's own session."""
    draft_id = re.search(r"#/drafts/(\d+)", page.url)
    assert draft_id, page.url
    base = page.url.split("#")[0].rstrip("/")
    response = page.request.get(f"{base}/api/drafts/{draft_id.group(1)}/preview")
    assert response.ok, response.text()
    return dict(response.json())


def line_texts(line: Any) -> list[str]:
    """Every text in a LINE message (text messages and Flex text/span nodes)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("text", "span") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(line)
    return found


def page_width(page: Page) -> int:
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


# --- the published records, read with the knowledge base's own repositories ---

def _published(console: Console, kind: ContentKind) -> list[Any]:
    async def read() -> list[Any]:
        db = console.database()
        try:
            async with db.session() as session:
                return list(await all_published(session, kind))
        finally:
            await db.dispose()

    return run_async(read)


def published_office(console: Console, code: str | None = None) -> Any:
    wanted = code or console.office_code
    return next(o for o in _published(console, ContentKind.OFFICE) if o.code == wanted)


def published_hours(console: Console) -> list[list[Any]]:
    return hours_to_data(published_office(console).hours)


def office_codes(console: Console) -> list[str]:
    offices = _published(console, ContentKind.OFFICE)
    return [o.code for o in offices if o.province_code == PROVINCE]


def published_service(console: Console, code: str) -> Any:
    return next(s for s in _published(console, ContentKind.SERVICE) if s.code == code)


def published_faq(console: Console, key: str, province: str | None = PROVINCE) -> Any:
    """The answer a citizen of ``province`` gets: the province's own, else the national one."""
    async def read() -> Any:
        db = console.database()
        try:
            async with db.session() as session:
                return await get_faq(session, key, province)
        finally:
            await db.dispose()

    return run_async(read)
