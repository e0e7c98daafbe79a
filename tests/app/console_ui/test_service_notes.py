"""A province officer writes their province's note on a service, at phone width
and by keyboard: the client and server messages name the field, the preview is
the service's answer with the note (web card and LINE, drawn by the chat page's
own code), and publishing stores the note with its source."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.app.console_ui.conftest import ARTIFACTS, PROVINCE, Console, run_async
from tests.app.console_ui.support import (
    DRAFT_URL, SAVE, draft_preview, line_texts, page_width, publish_now, save_draft, sign_in,
)

pytestmark = pytest.mark.browser

NOTE = "วันเสาร์รับคำขอที่ศาลากลางจังหวัด (ข้อความทดสอบ)"
NOTE_LINE = f"หมายเหตุจังหวัดเชียงใหม่: {NOTE}"
REASON = "หมายเหตุของจังหวัดสำหรับบริการนี้"
UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter((c) => c.type !== 'hidden' && !c.labels?.length && !c.getAttribute('aria-label'))
    .map((c) => c.outerHTML)"""


def published_notes(console: Console) -> list[tuple[str, str, str, str | None]]:
    from app.kb.repositories.service_notes import list_service_notes

    async def read() -> list[tuple[str, str, str, str | None]]:
        db = console.database()
        try:
            async with db.session() as session:
                notes = await list_service_notes(session, province_code=PROVINCE)
                return [(n.service_code, n.note, n.updated_by or "", n.source_agency)
                        for n in notes]
        finally:
            await db.dispose()

    return run_async(read)


def test_officer_writes_a_province_note_at_phone_width(
    browser: Browser, console: Console
) -> None:
    context = browser.new_context(
        locale="th-TH", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        sign_in(page, console)
        page.get_by_role("link", name="หมายเหตุของจังหวัด").click()
        heading = page.get_by_role("heading", name="หมายเหตุของจังหวัดในบริการ", exact=True)
        expect(heading).to_be_focused()
        expect(page.locator(".count")).to_contain_text("จังหวัดรหัส 50")
        assert page_width(page) <= 360
        assert page.evaluate(UNNAMED_CONTROLS) == []

        # By keyboard: the service's link, then the note field.
        link = page.get_by_role("link", name="เขียนหมายเหตุ: ต่ออายุบัตรประจำตัวประชาชน")
        link.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "หมายเหตุของจังหวัด: ต่ออายุบัตรประจำตัวประชาชน")
        note = page.get_by_label("หมายเหตุของจังหวัด", exact=True)
        expect(note).to_have_attribute("maxlength", "500")
        assert page.evaluate(UNNAMED_CONTROLS) == []

        # Empty: the client's message sits by the field and takes the focus.
        save_draft(page, REASON)
        expect(page.locator("[data-field=note] .field-error")).to_have_text(
            "กรุณากรอกหมายเหตุของจังหวัด")
        expect(note).to_have_attribute("aria-invalid", "true")
        expect(note).to_be_focused()

        # Without a source: the server's Thai message names the field.
        page.keyboard.type(NOTE)
        expect(page.locator(".field-hint", has_text="ตัวอักษร").last).to_have_text(
            f"{len(NOTE)} / 500 ตัวอักษร")
        page.get_by_role("button", name=SAVE).click()
        expect(page.locator("[data-field=source_agency] .field-error")).to_have_text(
            "ต้องระบุแหล่งที่มา (หน่วยงาน) (source_agency) ของข้อมูลทุกรายการ")

        page.get_by_label("หน่วยงานเจ้าของข้อมูล").fill("ที่ทำการปกครองจังหวัดเชียงใหม่")
        page.get_by_label("ชื่อเอกสารหรือหน้าเว็บที่อ้างอิง").fill("ประกาศจังหวัด (ทดสอบ)")
        page.get_by_role("button", name=SAVE).click()
        expect(page).to_have_url(DRAFT_URL)

        # The preview is the service's answer with the note, on the web and on LINE.
        preview = draft_preview(page)
        assert NOTE_LINE in preview["text"].split("\n")
        assert preview["web"]["lines"][-1] == NOTE_LINE
        assert any(NOTE_LINE in text for text in line_texts(preview["line"]))
        expect(page.locator("#preview-web")).to_contain_text(NOTE_LINE)
        expect(page.locator("#preview-line")).to_contain_text(NOTE_LINE)
        assert page_width(page) <= 360
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "service-note-preview-360.png"), full_page=True)

        assert published_notes(console) == []  # a draft is private
        publish_now(page, REASON)
        assert published_notes(console) == [
            ("id_card_renewal", NOTE, "cm_officer", "ที่ทำการปกครองจังหวัดเชียงใหม่")
        ]

        # The list now shows the note, and the link says it can be edited.
        page.goto(f"{console.url}/#/service-notes")
        expect(page.get_by_role("link", name="แก้ไขหมายเหตุ: ต่ออายุบัตรประจำตัวประชาชน")).to_be_visible()
        expect(page.locator("table")).to_contain_text(NOTE)
    finally:
        context.close()
