"""The console at phone width (360 px) and by keyboard alone."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.app.console_ui.conftest import ARTIFACTS, OFFICER, PASSWORD, Console
from tests.app.console_ui.support import DRAFT_URL, page_width, save_draft

pytestmark = pytest.mark.browser

UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter((c) => c.type !== 'hidden' && !c.labels?.length && !c.getAttribute('aria-label'))
    .map((c) => c.outerHTML)"""


def test_phone_width_and_keyboard(browser: Browser, console: Console) -> None:
    context = browser.new_context(
        locale="th-TH", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(console.url + "/")
        expect(page.get_by_label("ชื่อผู้ใช้")).to_be_visible()
        # Keyboard only. The page starts on its heading (read out first); Tab reaches the
        # user name, then the password, and Enter signs in.
        expect(page.locator("h1")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label("ชื่อผู้ใช้")).to_be_focused()
        page.keyboard.type(OFFICER)
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        expect(page.get_by_label("รหัสผ่าน")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="สำนักงาน", exact=True)).to_be_focused()
        # The skip link is the page's first stop and lands in the content, not on a new route.
        first = page.evaluate(
            "() => document.querySelector('a[href], button, input, select, textarea').textContent"
        )
        assert first == "ข้ามไปที่เนื้อหา"
        hash_before = page.evaluate("() => location.hash")
        page.get_by_role("link", name="ข้ามไปที่เนื้อหา").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#main")).to_be_focused()
        assert page.evaluate("() => location.hash") == hash_before

        page.goto(f"{console.url}/#/offices/{console.office_code}")
        expect(page.get_by_label("วันจันทร์ เปิดทำการ")).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "office-360.png"), full_page=True)
        assert page_width(page) <= 360  # no sideways scrolling
        assert page.evaluate(UNNAMED_CONTROLS) == []  # every control has a spoken name
        pages = [("#/faqs", "คำถามที่พบบ่อย"), ("#/audit", "ประวัติการแก้ไข"),
                 ("#/bulk", "นำเข้าและส่งออกไฟล์ CSV"), ("#/drafts", "ร่างและรายการรออนุมัติ")]
        for route, heading in pages:
            page.goto(f"{console.url}/{route}")
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_focused()
            assert page_width(page) <= 360, route
            assert page.evaluate(UNNAMED_CONTROLS) == [], route
        page.screenshot(path=str(ARTIFACTS / "drafts-360.png"), full_page=True)

        # A draft's preview (the web card and the LINE carousel) fits the phone too;
        # the officer then throws the draft away and the office page has none.
        page.goto(f"{console.url}/#/offices/{console.office_code}")
        page.get_by_label("ที่อยู่").fill("ที่ว่าการอำเภอ (ทดสอบหน้าจอโทรศัพท์)")
        save_draft(page, "ทดสอบหน้าจอโทรศัพท์")
        expect(page).to_have_url(DRAFT_URL)
        expect(page.locator("#preview-web .card-offices")).to_be_visible()
        expect(page.locator("#preview-line .lf-bubble").first).to_be_visible()
        assert page_width(page) <= 360
        page.screenshot(path=str(ARTIFACTS / "office-preview-360.png"), full_page=True)
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="ยกเลิกร่างนี้").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("แก้ไขข้อมูล")
        expect(page.locator(".notice", has_text="กำลังแก้ไขร่างเลขที่")).to_have_count(0)

        # Signing out by keyboard returns to the sign-in page.
        page.get_by_role("button", name="ออกจากระบบ").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="เข้าสู่ระบบสำหรับเจ้าหน้าที่")).to_be_visible()
        expect(page.locator("#live")).to_have_text("ออกจากระบบแล้ว")
    finally:
        context.close()
