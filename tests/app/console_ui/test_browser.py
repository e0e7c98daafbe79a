"""A province officer in headless Chromium: signs in, edits their province's FAQ
answer and an office's hours, previews (the web card and the LINE message the
API returns, drawn by the chat page's own card code) and publishes; the
published records change in the database. Also at 360 px and by keyboard."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from app.console.validation import phone_error
from app.kb.content import hours_to_data
from app.kb.models import ContentKind
from app.kb.repositories.faqs import get_faq
from app.kb.repositories.published import all_published
from tests.app.console_ui.conftest import ARTIFACTS, OFFICER, PASSWORD, PROVINCE, Console, run_async

pytestmark = pytest.mark.browser

NEW_ANSWER = "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ ชั้น 1 ศาลากลางจังหวัด ทุกวันทำการ 08:30–16:30 น. หรือโทรสายด่วน 1567 ตลอด 24 ชั่วโมงค่ะ"
# What the assistant says: the answer, then its source line (as ActionAnswerFaq says it).
NEW_REPLY = f"{NEW_ANSWER}\nที่มา: ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (ตรวจสอบ 23 พฤศจิกายน 2569)"
# Monday to Friday 08:00–17:00 with lunch 12:00–13:00: two ranges a day.
NEW_HOURS = [[day, "08:00", "12:00"] for day in range(5)] + [[day, "13:00", "17:00"] for day in range(5)]


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


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="th-TH", viewport={"width": 1024, "height": 900})
    yield context
    context.close()


def sign_in(page: Page, console: Console) -> None:
    page.goto(console.url + "/")
    expect(page.get_by_role("heading", name="เข้าสู่ระบบสำหรับเจ้าหน้าที่")).to_be_visible()
    page.get_by_label("ชื่อผู้ใช้").fill(OFFICER)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="สำนักงาน", exact=True)).to_be_visible()


def published_faq(console: Console, key: str = "complaint_channels") -> Any:
    async def read() -> Any:
        db = console.database()
        try:
            async with db.session() as session:
                faq = await get_faq(session, key, PROVINCE)
                return faq.answer, faq.province_code
        finally:
            await db.dispose()

    return run_async(read)


def published_hours(console: Console) -> list[list[Any]]:
    async def read() -> list[list[Any]]:
        db = console.database()
        try:
            async with db.session() as session:
                offices = await all_published(session, ContentKind.OFFICE)
            office = next(o for o in offices if o.code == console.office_code)  # type: ignore[attr-defined]
            return hours_to_data(office.hours)  # type: ignore[attr-defined]
        finally:
            await db.dispose()

    return run_async(read)


def draft_preview(page: Page) -> dict[str, Any]:
    """The preview JSON of the draft on screen, fetched with the page's own session."""
    draft_id = re.search(r"#/drafts/(\d+)", page.url)
    assert draft_id, page.url
    response = page.request.get(f"{page.url.split('#')[0].rstrip('/')}/api/drafts/{draft_id.group(1)}/preview")
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


def publish_now(page: Page, reason: str) -> None:
    page.get_by_label("เหตุผล (บันทึกในประวัติการแก้ไข)").fill(reason)
    page.get_by_role("button", name="เผยแพร่", exact=True).click()
    expect(page.locator(".ok-box")).to_have_text("เผยแพร่แล้ว ผู้ช่วยจะตอบด้วยข้อมูลใหม่ภายในไม่กี่วินาที")


def test_wrong_password_is_shown_next_to_the_field(context: BrowserContext, console: Console) -> None:
    page = context.new_page()
    page.goto(console.url + "/")
    page.get_by_label("ชื่อผู้ใช้").fill(OFFICER)
    page.get_by_label("รหัสผ่าน").fill("not-the-password")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    password = page.get_by_label("รหัสผ่าน")
    expect(password).to_have_attribute("aria-invalid", "true")
    error = page.locator("[data-field=password] .field-error")
    expect(error).to_have_text("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    # The message is tied to the field for screen readers.
    assert error.get_attribute("id") in (password.get_attribute("aria-describedby") or "")
    expect(page.locator(".form-summary")).to_be_visible()


def test_officer_edits_previews_and_publishes(context: BrowserContext, console: Console) -> None:
    page = context.new_page()
    recorder = Recorder(page)
    sign_in(page, console)
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate("() => document.fonts.check('16px Sarabun', 'ศูนย์ดำรงธรรมจังหวัดเชียงใหม่')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "offices.png"), full_page=True)

    # --- the FAQ answer of the officer's province ---
    page.goto(f"{console.url}/#/faqs/complaint_channels?province={PROVINCE}")
    answer = page.get_by_label("คำตอบ", exact=True)
    expect(answer).to_be_visible()
    answer.fill(NEW_ANSWER)
    page.get_by_label("เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)").fill("ศูนย์ดำรงธรรมแจ้งที่ตั้งและเวลาทำการ")
    page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
    expect(page).to_have_url(re.compile(r"#/drafts/\d+$"))
    bubble = page.locator("#preview-web .message-bot .bubble")
    expect(bubble).to_be_visible()
    preview = draft_preview(page)
    assert preview["text"] == NEW_REPLY
    assert bubble.text_content() == NEW_REPLY  # word for word, line break included
    assert NEW_REPLY in line_texts(preview["line"])
    assert page.locator("#preview-line .line-bubble").first.text_content() == NEW_REPLY
    page.screenshot(path=str(ARTIFACTS / "faq-preview.png"), full_page=True)
    assert published_faq(console)[0] != NEW_ANSWER  # a draft changes nothing citizens see
    publish_now(page, "ศูนย์ดำรงธรรมแจ้งที่ตั้งและเวลาทำการ")
    assert published_faq(console) == (NEW_ANSWER, PROVINCE)

    # --- an office's hours: a client-side check first, then Monday copied to the week ---
    page.goto(f"{console.url}/#/offices/{console.office_code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("แก้ไขข้อมูล")
    monday = page.locator('[data-field="hours.0"]')
    monday.get_by_label("วันจันทร์ เปิดทำการ").check()
    monday.get_by_label("วันจันทร์ เวลาเปิด").fill("17:00")
    monday.get_by_label("วันจันทร์ เวลาปิด").fill("08:00")
    page.get_by_label("เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)").fill("อำเภอขยายเวลาทำการ")
    page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
    expect(monday.locator(".field-error")).to_have_text("วันจันทร์: เวลาเปิดต้องก่อนเวลาปิด")
    expect(monday.get_by_label("วันจันทร์ เวลาเปิด")).to_have_attribute("aria-invalid", "true")

    monday.get_by_label("วันจันทร์ เวลาเปิด").fill("08:00")
    monday.get_by_label("วันจันทร์ เวลาปิด").fill("17:00")
    monday.get_by_label("วันจันทร์ เริ่มพักกลางวัน").fill("12:00")
    monday.get_by_label("วันจันทร์ สิ้นสุดพักกลางวัน").fill("13:00")
    page.get_by_role("button", name="ใช้เวลาของวันจันทร์กับวันอังคาร–ศุกร์").click()
    for day in ("เสาร์", "อาทิตย์"):
        box = page.get_by_label(f"วัน{day} เปิดทำการ")
        if box.is_checked():
            box.uncheck()
    page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
    expect(page).to_have_url(re.compile(r"#/drafts/\d+$"))
    expect(page.locator(".changes")).to_contain_text("เวลาทำการ")
    preview = draft_preview(page)
    card = preview["web"].get("custom", {}).get("card") if "custom" in preview["web"] else preview["web"].get("card", preview["web"])
    shown = card["offices"][0]["hours"]
    assert "08:00–12:00, 13:00–17:00" in shown
    # The chat page's own card code draws it: the office's hours fact, word for word.
    expect(page.locator("#preview-web .card-offices .card-fact", has_text="เวลาทำการ").locator("dd")).to_have_text(shown)
    for text in line_texts(preview["line"]):
        if "08:00" in text:
            expect(page.locator("#preview-line")).to_contain_text(text)
    page.screenshot(path=str(ARTIFACTS / "office-preview.png"), full_page=True)
    assert published_hours(console) != NEW_HOURS
    publish_now(page, "อำเภอขยายเวลาทำการ")
    assert published_hours(console) == sorted(NEW_HOURS)

    # Every state-changing request carried the session's CSRF token; nothing came from another host.
    origin = urlsplit(console.url).netloc
    assert recorder.writes, "no state-changing request was recorded"
    for method, url, headers in recorder.writes:
        if urlsplit(url).path == "/api/session" and method == "POST":
            continue
        assert headers.get("x-csrf-token"), f"{method} {url} without X-CSRF-Token"
    assert all(urlsplit(url).netloc == origin for url in recorder.urls if url.startswith("http"))


def test_phone_width_and_keyboard(browser: Browser, console: Console) -> None:
    context = browser.new_context(locale="th-TH", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
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
        # The skip link is the first stop of the page and lands in the content, not on a new route.
        first = page.evaluate("""() => document.querySelector('a[href], button, input, select, textarea').textContent""")
        assert first == "ข้ามไปที่เนื้อหา"
        hash_before = page.evaluate("() => location.hash")
        page.get_by_role("link", name="ข้ามไปที่เนื้อหา").focus()
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == hash_before
        expect(page.locator("#main")).to_be_focused()
        expect(page.get_by_role("heading", name="สำนักงาน", exact=True)).to_be_visible()
        page.goto(f"{console.url}/#/offices/{console.office_code}")
        expect(page.get_by_label("วันจันทร์ เปิดทำการ")).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "office-360.png"), full_page=True)
        # Nothing wider than the phone: no sideways scrolling.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        # Every form control has a name a screen reader can read.
        unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter((c) => c.type !== 'hidden' && !c.labels?.length && !c.getAttribute('aria-label'))
            .map((c) => c.outerHTML)""")
        assert unnamed == []
        page.goto(f"{console.url}/#/faqs")
        expect(page.get_by_role("heading", name="คำถามที่พบบ่อย", exact=True)).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "faqs-360.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_server_messages_and_scheduled_publication(context: BrowserContext, console: Console) -> None:
    page = context.new_page()
    sign_in(page, console)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # The server's Thai message lands next to the field it names.
    page.goto(f"{console.url}/#/offices/{console.office_code}")
    phone = page.get_by_label("เบอร์โทรศัพท์")
    phone.fill("12345")
    page.get_by_label("เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)").fill("แก้เบอร์โทร")
    page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
    message = phone_error("12345")
    assert message and message.startswith("เบอร์โทรศัพท์ (phone) ไม่ถูกต้อง")
    expect(page.locator("[data-field=phone] .field-error")).to_have_text(message)
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    expect(page.locator(".form-summary")).to_contain_text(message)
    page.screenshot(path=str(ARTIFACTS / "office-phone-error.png"), full_page=True)

    # The province's first answer to a national question, published tomorrow morning.
    national = published_faq(console, "office_hours")
    assert national[1] is None
    page.goto(f"{console.url}/#/faqs/office_hours?province={PROVINCE}")
    expect(page.locator(".notice").first).to_have_text(
        "จังหวัดนี้ยังไม่มีคำตอบของตนเอง ข้อความด้านล่างคือคำตอบทั้งประเทศ "
        "เมื่อเผยแพร่แล้ว ประชาชนในจังหวัดนี้จะเห็นคำตอบของจังหวัดแทน")
    answer = page.get_by_label("คำตอบ", exact=True)
    expect(answer).to_have_value(national[0])
    answer.fill("ช่วงสงกรานต์ ที่ว่าการอำเภอในจังหวัดเชียงใหม่เปิด 08:30–12:00 น. ค่ะ")
    page.get_by_label("เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)").fill("เวลาทำการช่วงสงกรานต์")
    page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
    expect(page).to_have_url(re.compile(r"#/drafts/\d+$"))
    page.get_by_label("ตั้งเวลาเผยแพร่ (เช่น เวลาทำการช่วงวันหยุดที่เริ่มสัปดาห์หน้า)").check()
    page.get_by_label("วันที่เผยแพร่").fill((date.today() + timedelta(days=2)).isoformat())
    page.get_by_label("เวลา", exact=True).fill("08:00")
    page.get_by_label("เหตุผล (บันทึกในประวัติการแก้ไข)").fill("เวลาทำการช่วงสงกรานต์")
    page.get_by_role("button", name="เผยแพร่", exact=True).click()
    expect(page.locator(".ok-box")).to_contain_text("ตั้งเวลาเผยแพร่แล้ว: ")
    page.screenshot(path=str(ARTIFACTS / "faq-scheduled.png"), full_page=True)
    assert published_faq(console, "office_hours") == national  # not before its time


def office_rows(page: Page, console: Console, changes: dict[str, str]) -> tuple[str, list[str]]:
    """The officer's offices.csv (exported with the page's session) with ``changes``
    ({office code: new phone}) applied, holding only the changed rows."""
    response = page.request.get(f"{console.url}/api/offices.csv")
    assert response.ok, response.text()
    # The export starts with a BOM, so that spreadsheet programs read it as UTF-8.
    rows = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))
    assert rows and {row["province_code"] for row in rows} == {PROVINCE}
    picked = [row for row in rows if row["code"] in changes]
    for row in picked:
        row["phone"] = changes[row["code"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(picked)
    return out.getvalue(), [row["code"] for row in picked]


def published_phone(console: Console) -> Any:
    async def read() -> Any:
        db = console.database()
        try:
            async with db.session() as session:
                offices = await all_published(session, ContentKind.OFFICE)
            return next(o.phone for o in offices if o.code == console.office_code)  # type: ignore[attr-defined]
        finally:
            await db.dispose()

    return run_async(read)


def import_csv(page: Page, text: str, *, skip_bad: bool) -> None:
    page.goto(page.url.split("#")[0] + "#/bulk")
    page.get_by_label("ประเภทข้อมูล").select_option("offices")
    page.get_by_label("ไฟล์ CSV (UTF-8)").set_input_files(
        files=[{"name": "offices.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}])
    if skip_bad:
        page.get_by_label("ข้ามแถวที่มีปัญหา แล้วนำเข้าเฉพาะแถวที่ถูกต้อง").check()
    page.get_by_role("button", name="ตรวจไฟล์ (ยังไม่บันทึก)").click()
    expect(page.locator(".import-result")).to_be_visible()


def test_csv_dry_run_import_and_restore_from_the_audit_log(context: BrowserContext, console: Console) -> None:
    page = context.new_page()
    sign_in(page, console)
    other = next(code for code in office_codes(console) if code != console.office_code)
    first, second = "053-112-345", "053-112-346"

    # A dry run with one bad row: the table names the row and the reason; nothing can be written.
    text, order = office_rows(page, console, {console.office_code: first, other: "12345"})
    import_csv(page, text, skip_bad=False)
    bad_row = 2 + order.index(other)
    bad = page.locator(".import-result tbody tr", has=page.locator("th", has_text=str(bad_row)))
    expect(bad.locator("td").nth(1)).to_have_text("ไม่ผ่าน")
    expect(bad.locator("li")).to_have_text([phone_error("12345") or ""])
    expect(page.get_by_role("button", name="นำเข้าข้อมูล")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "csv-dry-run.png"), full_page=True)
    assert published_phone(console) != first

    # Skipping the bad row writes the good one.
    import_csv(page, text, skip_bad=True)
    page.get_by_role("button", name="นำเข้าข้อมูล").click()
    expect(page.locator(".import-result").locator("xpath=..").locator("p").first).to_have_text(
        "ถูกต้อง 1 แถว · มีปัญหา 1 แถว · บันทึกแล้ว 1 แถว")
    assert published_phone(console) == first

    text, _ = office_rows(page, console, {console.office_code: second})
    import_csv(page, text, skip_bad=False)
    page.get_by_role("button", name="นำเข้าข้อมูล").click()
    expect(page.locator("p", has_text="บันทึกแล้ว 1 แถว")).to_be_visible()
    assert published_phone(console) == second

    # The audit log has both imports; restoring the first brings its phone back.
    page.goto(f"{console.url}/#/audit")
    page.get_by_label("รหัสหรือคีย์ของรายการ").fill(console.office_code)
    page.get_by_role("button", name="ค้นหา").click()
    items = page.locator(".audit-item", has_text="นำเข้าจากไฟล์ CSV")
    expect(items).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    older = items.nth(1)  # newest first
    older.locator("summary").click()
    expect(older.locator(".diff")).to_contain_text(first)
    page.once("dialog", lambda dialog: dialog.accept("กู้คืนเบอร์เดิม"))
    older.get_by_role("button", name="กู้คืนฉบับนี้").click()
    expect(page).to_have_url(re.compile(r"#/drafts/\d+$"))
    expect(page.locator(".changes")).to_contain_text(first)
    publish_now(page, "กู้คืนเบอร์เดิม")
    assert published_phone(console) == first


def office_codes(console: Console) -> list[str]:
    async def read() -> list[str]:
        db = console.database()
        try:
            async with db.session() as session:
                offices = await all_published(session, ContentKind.OFFICE)
            return [o.code for o in offices if o.province_code == PROVINCE]  # type: ignore[attr-defined]
        finally:
            await db.dispose()

    return run_async(read)


NEW_DOCUMENT = "สำเนาทะเบียนบ้าน (กรณีย้ายที่อยู่)"  # test data in a throwaway knowledge base


def sign_in_with_totp(page: Page, console: Console, username: str, secret: str, home: str = "คำถามที่พบบ่อย") -> None:
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


def published_documents(console: Console) -> Any:
    async def read() -> Any:
        db = console.database()
        try:
            async with db.session() as session:
                services = await all_published(session, ContentKind.SERVICE)
            return next(s.documents for s in services if s.code == "id_card_renewal")  # type: ignore[attr-defined]
        finally:
            await db.dispose()

    return run_async(read)


def test_totp_and_a_second_editors_approval_of_national_service_facts(
    browser: Browser, console: Console, editor_secrets: dict[str, str]
) -> None:
    before = published_documents(console)
    author_context = browser.new_context(locale="th-TH", viewport={"width": 1024, "height": 900})
    approver_context = browser.new_context(locale="th-TH", viewport={"width": 1024, "height": 900})
    try:
        page = author_context.new_page()
        sign_in_with_totp(page, console, "editor_a", editor_secrets["editor_a"])
        page.goto(f"{console.url}/#/services/id_card_renewal")
        documents = page.get_by_label("เอกสารที่ต้องใช้")
        expect(documents).to_have_value("\n".join(before))
        documents.fill("\n".join([*before, NEW_DOCUMENT]))
        page.get_by_label("เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)").fill("เพิ่มเอกสารตามประกาศกรม")
        page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
        expect(page).to_have_url(re.compile(r"#/drafts/\d+$"))
        page.get_by_label("ดูตัวอย่างคำตอบเรื่อง").select_option("documents")
        lines = page.locator("#preview-web .card-service .card-lines li")
        expect(lines).to_have_text([*before, NEW_DOCUMENT])
        expect(page.locator("#preview-line")).to_contain_text(NEW_DOCUMENT)
        page.get_by_label("เหตุผล (บันทึกในประวัติการแก้ไข)").fill("เพิ่มเอกสารตามประกาศกรม")
        page.get_by_role("button", name="เผยแพร่", exact=True).click()
        expect(page.locator(".ok-box")).to_have_text("ส่งให้ผู้ดูแลเนื้อหาอีกคนหนึ่งอนุมัติแล้ว จะเผยแพร่เมื่อได้รับอนุมัติ")
        assert published_documents(console) == before
        page.reload()
        expect(page.locator(".notice")).to_have_text("ร่างนี้รอผู้ดูแลเนื้อหาอีกคนหนึ่งอนุมัติ (ผู้เขียนร่างอนุมัติเองไม่ได้)")

        other = approver_context.new_page()
        sign_in_with_totp(other, console, "editor_b", editor_secrets["editor_b"])
        other.goto(f"{console.url}/#/drafts?status=awaiting_approval")
        other.get_by_role("link", name="id_card_renewal").click()
        other.get_by_label("ความเห็นในการอนุมัติ").fill("ตรวจกับประกาศกรมแล้ว")
        other.get_by_role("button", name="อนุมัติและเผยแพร่").click()
        expect(other.locator(".ok-box")).to_have_text("อนุมัติและเผยแพร่แล้ว")
        other.screenshot(path=str(ARTIFACTS / "service-approved.png"), full_page=True)
        assert published_documents(console) == [*before, NEW_DOCUMENT]
    finally:
        author_context.close()
        approver_context.close()


def test_a_content_editor_adds_a_national_faq(browser: Browser, console: Console, editor_secrets: dict[str, str]) -> None:
    context = browser.new_context(locale="th-TH", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        sign_in_with_totp(page, console, "editor_c", editor_secrets["editor_c"])
        page.get_by_role("link", name="เพิ่มคำถามใหม่").click()
        expect(page.get_by_role("heading", name="เพิ่มคำถามที่พบบ่อย")).to_be_focused()
        page.get_by_label("รหัสคำถาม (ภาษาอังกฤษตัวเล็ก ตัวเลข และ _)").fill("Bad Key")
        page.get_by_label("หัวข้อคำถาม").fill("ขอใบรับรองการเป็นผู้มีสิทธิเลือกตั้ง")
        page.get_by_label("คำถามแบบต่าง ๆ ที่ประชาชนอาจพิมพ์").fill("ขอใบรับรองสิทธิเลือกตั้งที่ไหน\nตรวจสิทธิเลือกตั้งยังไง\nเช็กสิทธิเลือกตั้ง")
        page.get_by_label("คำตอบ", exact=True).fill("ตรวจสอบสิทธิเลือกตั้งได้ที่สำนักทะเบียนอำเภอหรือเขตค่ะ")
        page.get_by_label("หน่วยงานเจ้าของข้อมูล").fill("กรมการปกครอง")
        page.get_by_label("เหตุผลที่แก้ไข (บันทึกในประวัติการแก้ไข)").fill("คำถามใหม่จากศูนย์บริการ")
        page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
        key_error = page.locator("[data-field=key] .field-error")
        expect(key_error).to_have_text("รหัสคำถามต้องขึ้นต้นด้วยตัวอักษรภาษาอังกฤษตัวเล็ก ใช้ได้เฉพาะ a–z 0–9 และ _ ยาว 3–64 ตัว")
        page.get_by_label("รหัสคำถาม (ภาษาอังกฤษตัวเล็ก ตัวเลข และ _)").fill("voter_rights_check")
        page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
        # The server wants a source on every fact: its message sits at the source title.
        source_error = page.locator("[data-field=source_title] .field-error")
        expect(source_error).to_contain_text("ต้องระบุแหล่งที่มา")
        expect(page.get_by_label("ชื่อเอกสารหรือหน้าเว็บที่อ้างอิง")).to_have_attribute("aria-invalid", "true")
        page.get_by_label("ชื่อเอกสารหรือหน้าเว็บที่อ้างอิง").fill("คู่มือสำหรับประชาชน (ทดสอบ)")
        page.get_by_role("button", name="บันทึกร่างและดูตัวอย่าง").click()
        expect(page).to_have_url(re.compile(r"#/drafts/\d+$"))
        expect(page.locator("#preview-web .bubble")).to_contain_text("ตรวจสอบสิทธิเลือกตั้งได้ที่สำนักทะเบียนอำเภอหรือเขตค่ะ")
        publish_now(page, "คำถามใหม่จากศูนย์บริการ")
        page.screenshot(path=str(ARTIFACTS / "faq-new-360.png"), full_page=True)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()

    async def read() -> Any:
        db = console.database()
        try:
            async with db.session() as session:
                faq = await get_faq(session, "voter_rights_check")
                return faq.province_code, faq.question_variants
        finally:
            await db.dispose()

    assert run_async(read) == (None, ["ขอใบรับรองสิทธิเลือกตั้งที่ไหน", "ตรวจสิทธิเลือกตั้งยังไง", "เช็กสิทธิเลือกตั้ง"])


def test_an_administrator_creates_and_locks_an_account(browser: Browser, console: Console) -> None:
    from app.console.users import create_user

    secret = run_async(lambda: create_user(console.settings, username="admin_ui", role="admin", password=PASSWORD))
    assert secret
    context = browser.new_context(locale="th-TH", viewport={"width": 360, "height": 740})
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
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
