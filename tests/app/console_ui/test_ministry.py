"""Ministry roles in headless Chromium: TOTP sign-in, a change to a service's
national facts approved by a second content editor, a new national FAQ, and an
administrator managing accounts."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.app.console_ui.conftest import ARTIFACTS, PASSWORD, Console, run_async
from tests.app.console_ui.support import (
    DRAFT_URL, REASON_LABEL, SAVE, page_width, published_faq, published_service, publish_now,
    save_draft, sign_in_with_totp,
)

pytestmark = pytest.mark.browser

NEW_DOCUMENT = "สำเนาทะเบียนบ้าน (กรณีย้ายที่อยู่)"  # test data in a throwaway knowledge base
DESKTOP = {"width": 1024, "height": 900}
PHONE = {"width": 360, "height": 740}


def test_totp_and_a_second_editors_approval_of_national_service_facts(
    browser: Browser, console: Console, editor_secrets: dict[str, str]
) -> None:
    before = published_service(console, "id_card_renewal").documents
    author = browser.new_context(locale="th-TH", viewport=DESKTOP)
    approver = browser.new_context(locale="th-TH", viewport=DESKTOP)
    try:
        page = author.new_page()
        sign_in_with_totp(page, console, "editor_a", editor_secrets["editor_a"])
        page.goto(f"{console.url}/#/services/id_card_renewal")
        documents = page.get_by_label("เอกสารที่ต้องใช้")
        expect(documents).to_have_value("\n".join(before))
        documents.fill("\n".join([*before, NEW_DOCUMENT]))
        save_draft(page, "เพิ่มเอกสารตามประกาศกรม")
        expect(page).to_have_url(DRAFT_URL)
        page.get_by_label("ดูตัวอย่างคำตอบเรื่อง").select_option("documents")
        lines = page.locator("#preview-web .card-service .card-lines li")
        expect(lines).to_have_text([*before, NEW_DOCUMENT])
        expect(page.locator("#preview-line")).to_contain_text(NEW_DOCUMENT)
        page.get_by_label("เหตุผล (บันทึกในประวัติการแก้ไข)").fill("เพิ่มเอกสารตามประกาศกรม")
        page.get_by_role("button", name="เผยแพร่", exact=True).click()
        expect(page.locator(".ok-box")).to_have_text(
            "ส่งให้ผู้ดูแลเนื้อหาอีกคนหนึ่งอนุมัติแล้ว จะเผยแพร่เมื่อได้รับอนุมัติ")
        assert published_service(console, "id_card_renewal").documents == before
        page.reload()
        expect(page.locator(".notice")).to_have_text(
            "ร่างนี้รอผู้ดูแลเนื้อหาอีกคนหนึ่งอนุมัติ (ผู้เขียนร่างอนุมัติเองไม่ได้)")

        other = approver.new_page()
        sign_in_with_totp(other, console, "editor_b", editor_secrets["editor_b"])
        other.goto(f"{console.url}/#/drafts?status=awaiting_approval")
        other.get_by_role("link", name="id_card_renewal").click()
        other.get_by_label("ความเห็นในการอนุมัติ").fill("ตรวจกับประกาศกรมแล้ว")
        other.get_by_role("button", name="อนุมัติและเผยแพร่").click()
        expect(other.locator(".ok-box")).to_have_text("อนุมัติและเผยแพร่แล้ว")
        other.screenshot(path=str(ARTIFACTS / "service-approved.png"), full_page=True)
        assert published_service(console, "id_card_renewal").documents == [*before, NEW_DOCUMENT]
    finally:
        author.close()
        approver.close()


def test_a_content_editor_adds_a_national_faq(
    browser: Browser, console: Console, editor_secrets: dict[str, str]
) -> None:
    context = browser.new_context(locale="th-TH", viewport=PHONE)
    variants = ["ขอใบรับรองสิทธิเลือกตั้งที่ไหน", "ตรวจสิทธิเลือกตั้งยังไง", "เช็กสิทธิเลือกตั้ง"]
    answer = "ตรวจสอบสิทธิเลือกตั้งได้ที่สำนักทะเบียนอำเภอหรือเขตค่ะ"
    key_label = "รหัสคำถาม (ภาษาอังกฤษตัวเล็ก ตัวเลข และ _)"
    try:
        page = context.new_page()
        sign_in_with_totp(page, console, "editor_c", editor_secrets["editor_c"])
        page.get_by_role("link", name="เพิ่มคำถามใหม่").click()
        expect(page.get_by_role("heading", name="เพิ่มคำถามที่พบบ่อย")).to_be_focused()
        page.get_by_label(key_label).fill("Bad Key")
        page.get_by_label("หัวข้อคำถาม").fill("ขอใบรับรองการเป็นผู้มีสิทธิเลือกตั้ง")
        page.get_by_label("คำถามแบบต่าง ๆ ที่ประชาชนอาจพิมพ์").fill("\n".join(variants))
        page.get_by_label("คำตอบ", exact=True).fill(answer)
        page.get_by_label("หน่วยงานเจ้าของข้อมูล").fill("กรมการปกครอง")
        save_draft(page, "คำถามใหม่จากศูนย์บริการ")
        expect(page.locator("[data-field=key] .field-error")).to_have_text(
            "รหัสคำถามต้องขึ้นต้นด้วยตัวอักษรภาษาอังกฤษตัวเล็ก ใช้ได้เฉพาะ a–z 0–9 และ _ "
            "ยาว 3–64 ตัว")
        page.get_by_label(key_label).fill("voter_rights_check")
        page.get_by_role("button", name=SAVE).click()
        # The server wants a source on every fact: its message sits at the source title.
        expect(page.locator("[data-field=source_title] .field-error")).to_contain_text(
            "ต้องระบุแหล่งที่มา")
        title = page.get_by_label("ชื่อเอกสารหรือหน้าเว็บที่อ้างอิง")
        expect(title).to_have_attribute("aria-invalid", "true")
        title.fill("คู่มือสำหรับประชาชน (ทดสอบ)")
        page.get_by_role("button", name=SAVE).click()
        expect(page).to_have_url(DRAFT_URL)
        expect(page.locator("#preview-web .bubble")).to_contain_text(answer)
        publish_now(page, "คำถามใหม่จากศูนย์บริการ")
        page.screenshot(path=str(ARTIFACTS / "faq-new-360.png"), full_page=True)
        assert page_width(page) <= 360
    finally:
        context.close()
    faq = published_faq(console, "voter_rights_check", None)
    assert (faq.province_code, faq.question_variants, faq.answer) == (None, variants, answer)


def test_an_administrator_creates_and_locks_an_account(browser: Browser, console: Console) -> None:
    from app.console.users import create_user

    secret: Any = run_async(lambda: create_user(
        console.settings, username="admin_ui", role="admin", password=PASSWORD))
    assert secret
    context = browser.new_context(locale="th-TH", viewport=PHONE)
    try:
        page = context.new_page()
        sign_in_with_totp(page, console, "admin_ui", secret, home="สำนักงาน")
        page.get_by_role("link", name="บัญชีผู้ใช้").click()
        expect(page.get_by_role("heading", name="บัญชีผู้ใช้", exact=True)).to_be_visible()
        page.get_by_label("ชื่อผู้ใช้").fill("amphoe_mueang_cm")
        page.get_by_label("รหัสผ่านเริ่มต้น").fill(PASSWORD)
        page.get_by_label("บทบาท").select_option("district_officer")
        expect(page.get_by_label("รหัสจังหวัด (2 หลัก)")).to_be_hidden()
        page.get_by_label("รหัสสำนักงาน").fill(console.office_code)
        page.get_by_role("button", name="สร้างบัญชี").click()
        expect(page.locator(".ok-box")).to_have_text("สร้างบัญชี amphoe_mueang_cm แล้ว")
        row = page.locator("tr", has=page.locator("th", has_text="amphoe_mueang_cm"))
        expect(row.locator("td").nth(1)).to_have_text(console.office_code)
        page.once("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="ล็อกบัญชี amphoe_mueang_cm").click()
        expect(row.get_by_role("button", name="ปลดล็อก amphoe_mueang_cm")).to_be_visible()
        expect(row.locator("td").nth(2)).to_contain_text("ถูกล็อก")
        page.screenshot(path=str(ARTIFACTS / "accounts-360.png"), full_page=True)
        assert page_width(page) <= 360
    finally:
        context.close()
