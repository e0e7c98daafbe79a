"""A province officer in headless Chromium: signs in, edits their province's FAQ
answer and an office's hours, previews (the text, the web card and the LINE
message the API returns, drawn by the chat page's own card code) and publishes;
the published records change in the database."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, expect

from actions.thai import MONTHS
from app.console.validation import phone_error
from tests.app.console_ui.conftest import (
    ARTIFACTS, OFFICER, PASSWORD, PROVINCE, Console, run_async,
)
from tests.app.console_ui.support import (
    DRAFT_URL, REASON_LABEL, SAVE, Recorder, draft_preview, line_texts, published_faq,
    published_hours, published_office, publish_now, save_draft, sign_in,
)

pytestmark = pytest.mark.browser

NEW_ANSWER = (
    "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ ชั้น 1 ศาลากลางจังหวัด "
    "ทุกวันทำการ 08:30–16:30 น. หรือโทรสายด่วน 1567 ตลอด 24 ชั่วโมงค่ะ"
)
# What the assistant says: the answer, then its source line (as ActionAnswerFaq says it).
NEW_REPLY = f"{NEW_ANSWER}\nที่มา: ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (ตรวจสอบ 23 พฤศจิกายน 2569)"
# Monday to Friday 08:00–17:00 with lunch 12:00–13:00: two ranges a day.
NEW_HOURS = sorted(
    [[day, "08:00", "12:00"] for day in range(5)] + [[day, "13:00", "17:00"] for day in range(5)]
)
NEW_ADDRESS = "ถนนโชตนา ตำบลช้างเผือก อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่"  # test data
FAQ_REASON = "ศูนย์ดำรงธรรมแจ้งที่ตั้งและเวลาทำการ"
HOURS_REASON = "อำเภอขยายเวลาทำการ"


def test_wrong_password_is_shown_next_to_the_field(
    context: BrowserContext, console: Console
) -> None:
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
    assert page.evaluate(
        "() => document.fonts.check('16px Sarabun', 'ศูนย์ดำรงธรรมจังหวัดเชียงใหม่')"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "offices.png"), full_page=True)

    # --- the FAQ answer of the officer's province ---
    page.goto(f"{console.url}/#/faqs/complaint_channels?province={PROVINCE}")
    answer = page.get_by_label("คำตอบ", exact=True)
    expect(answer).to_be_visible()
    answer.fill(NEW_ANSWER)
    save_draft(page, FAQ_REASON)
    expect(page).to_have_url(DRAFT_URL)
    bubble = page.locator("#preview-web .message-bot .bubble")
    expect(bubble).to_be_visible()
    preview = draft_preview(page)
    assert preview["text"] == NEW_REPLY
    assert bubble.text_content() == NEW_REPLY  # word for word, line break included
    assert NEW_REPLY in line_texts(preview["line"])
    assert page.locator("#preview-line .line-bubble").first.text_content() == NEW_REPLY
    page.screenshot(path=str(ARTIFACTS / "faq-preview.png"), full_page=True)
    assert published_faq(console, "complaint_channels").answer != NEW_ANSWER  # a draft is private
    publish_now(page, FAQ_REASON)
    faq = published_faq(console, "complaint_channels")
    assert (faq.answer, faq.province_code) == (NEW_ANSWER, PROVINCE)

    # --- an office's hours: a client-side check first, then Monday copied to the week ---
    page.goto(f"{console.url}/#/offices/{console.office_code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("แก้ไขข้อมูล")
    monday = page.locator('[data-field="hours.0"]')
    monday.get_by_label("วันจันทร์ เปิดทำการ").check()
    monday.get_by_label("วันจันทร์ เวลาเปิด").fill("17:00")
    monday.get_by_label("วันจันทร์ เวลาปิด").fill("08:00")
    save_draft(page, HOURS_REASON)
    expect(monday.locator(".field-error")).to_have_text("วันจันทร์: เวลาเปิดต้องก่อนเวลาปิด")
    expect(monday.get_by_label("วันจันทร์ เวลาเปิด")).to_have_attribute("aria-invalid", "true")

    monday.get_by_label("วันจันทร์ เวลาเปิด").fill("08:00")
    monday.get_by_label("วันจันทร์ เวลาปิด").fill("17:00")
    monday.get_by_label("วันจันทร์ เริ่มพักกลางวัน").fill("12:00")
    monday.get_by_label("วันจันทร์ สิ้นสุดพักกลางวัน").fill("13:00")
    page.get_by_role("button", name="ใช้เวลาของวันจันทร์กับวันอังคาร–ศุกร์").click()
    for day in ("เสาร์", "อาทิตย์"):
        page.get_by_label(f"วัน{day} เปิดทำการ").uncheck()
    page.get_by_role("button", name=SAVE).click()
    expect(page).to_have_url(DRAFT_URL)
    expect(page.locator(".changes")).to_contain_text(
        "จันทร์ 08:00–12:00, 13:00–17:00 · อังคาร 08:00–12:00, 13:00–17:00")
    preview = draft_preview(page)
    shown = preview["web"]["offices"][0]["hours"]
    assert shown == "จันทร์–ศุกร์ 08:00–12:00, 13:00–17:00 น. ปิดวันหยุดราชการ"
    # The chat page's own card code draws it: the office's hours fact, word for word.
    hours_fact = page.locator("#preview-web .card-offices .card-fact", has_text="เวลาทำการ")
    expect(hours_fact.locator("dd")).to_have_text(shown)
    assert any(shown in text for text in line_texts(preview["line"]))
    expect(page.locator("#preview-line")).to_contain_text(shown)
    page.screenshot(path=str(ARTIFACTS / "office-preview.png"), full_page=True)
    assert published_hours(console) != NEW_HOURS
    publish_now(page, HOURS_REASON)
    assert published_hours(console) == NEW_HOURS

    # Every state-changing request carried the session's CSRF token; nothing came from
    # another host (no CDN: the font, scripts and styles are the console's own).
    origin = urlsplit(console.url).netloc
    assert len(recorder.writes) >= 5
    for method, url, headers in recorder.writes:
        if (method, urlsplit(url).path) == ("POST", "/api/session"):
            continue
        assert headers.get("x-csrf-token"), f"{method} {url} without X-CSRF-Token"
    assert {urlsplit(url).netloc for url in recorder.urls if url.startswith("http")} == {origin}


def test_server_messages_and_scheduled_publication(
    context: BrowserContext, console: Console
) -> None:
    page = context.new_page()
    sign_in(page, console)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # The server's Thai message lands next to the field it names.
    page.goto(f"{console.url}/#/offices/{console.office_code}")
    phone = page.get_by_label("เบอร์โทรศัพท์")
    phone.fill("12345")
    save_draft(page, "แก้เบอร์โทร")
    message = phone_error("12345")
    assert message and message.startswith("เบอร์โทรศัพท์ (phone) ไม่ถูกต้อง")
    expect(page.locator("[data-field=phone] .field-error")).to_have_text(message)
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    expect(page.locator(".form-summary")).to_contain_text(message)
    page.screenshot(path=str(ARTIFACTS / "office-phone-error.png"), full_page=True)

    # The province's first answer to a national question, published the day after tomorrow.
    national = published_faq(console, "office_hours")
    assert national.province_code is None
    page.goto(f"{console.url}/#/faqs/office_hours?province={PROVINCE}")
    expect(page.locator(".notice").first).to_have_text(
        "จังหวัดนี้ยังไม่มีคำตอบของตนเอง ข้อความด้านล่างคือคำตอบทั้งประเทศ "
        "เมื่อเผยแพร่แล้ว ประชาชนในจังหวัดนี้จะเห็นคำตอบของจังหวัดแทน")
    answer = page.get_by_label("คำตอบ", exact=True)
    expect(answer).to_have_value(national.answer)
    answer.fill("ช่วงสงกรานต์ ที่ว่าการอำเภอในจังหวัดเชียงใหม่เปิด 08:30–12:00 น. ค่ะ")
    save_draft(page, "เวลาทำการช่วงสงกรานต์")
    expect(page).to_have_url(DRAFT_URL)
    page.get_by_label("ตั้งเวลาเผยแพร่ (เช่น เวลาทำการช่วงวันหยุดที่เริ่มสัปดาห์หน้า)").check()
    page.get_by_label("วันที่เผยแพร่").fill((date.today() + timedelta(days=2)).isoformat())
    page.get_by_label("เวลา", exact=True).fill("08:00")
    page.get_by_label("เหตุผล (บันทึกในประวัติการแก้ไข)").fill("เวลาทำการช่วงสงกรานต์")
    page.get_by_role("button", name="เผยแพร่", exact=True).click()
    expect(page.locator(".ok-box")).to_contain_text("ตั้งเวลาเผยแพร่แล้ว: ")
    page.screenshot(path=str(ARTIFACTS / "faq-scheduled.png"), full_page=True)
    still = published_faq(console, "office_hours")
    assert (still.answer, still.province_code) == (national.answer, None)  # not before its time


def test_reason_is_required_before_a_draft_is_saved(
    context: BrowserContext, console: Console
) -> None:
    page = context.new_page()
    sign_in(page, console)
    page.goto(f"{console.url}/#/offices/{console.office_code}")
    page.get_by_label("ที่อยู่").fill("ถนนโชตนา ตำบลช้างเผือก อำเภอเมืองเชียงใหม่")
    page.get_by_role("button", name=SAVE).click()
    expect(page.locator("[data-field=reason] .field-error")).to_have_text(
        "กรุณาระบุเหตุผลที่แก้ไข")
    expect(page.get_by_label(REASON_LABEL)).to_be_focused()


def test_a_newer_publication_is_never_overwritten(
    context: BrowserContext, console: Console
) -> None:
    from app.console.views.drafts import CONFLICT

    mine, theirs = context.new_page(), context.new_page()
    sign_in(mine, console)
    mine.goto(f"{console.url}/#/offices/{console.office_code}")
    expect(mine.get_by_label("ที่อยู่")).to_be_visible()
    started = published_office(console).version

    # Meanwhile, in another tab, the address is changed and published.
    theirs.goto(f"{console.url}/#/offices/{console.office_code}")
    theirs.get_by_label("ที่อยู่").fill(NEW_ADDRESS)
    save_draft(theirs, "ที่อยู่ตามทะเบียน")
    expect(theirs).to_have_url(DRAFT_URL)
    publish_now(theirs, "ที่อยู่ตามทะเบียน")
    now = published_office(console).version
    assert now > started

    mine.get_by_label("เบอร์โทรศัพท์").fill("053-112-399")
    save_draft(mine, "แก้เบอร์โทร")
    message = CONFLICT.format(what="ข้อมูลสำนักงาน", current=now, base=started)
    expect(mine.locator(".form-summary .summary-title")).to_have_text(message)
    mine.get_by_role("button", name="เปิดข้อมูลล่าสุด (สิ่งที่พิมพ์ในหน้านี้จะหายไป)").click()
    expect(mine.get_by_label("ที่อยู่")).to_have_value(NEW_ADDRESS)
    assert published_office(console).phone != "053-112-399"


def test_an_expired_session_returns_to_sign_in(context: BrowserContext, console: Console) -> None:
    page = context.new_page()
    sign_in(page, console)
    context.clear_cookies()  # as when the session runs out
    page.get_by_role("link", name="คำถามที่พบบ่อย").click()
    expect(page.get_by_role("heading", name="เข้าสู่ระบบสำหรับเจ้าหน้าที่")).to_be_visible()
    expect(page.locator("#live")).to_have_text("หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง")
    # Signing in again goes back to where the officer was.
    page.get_by_label("ชื่อผู้ใช้").fill(OFFICER)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="คำถามที่พบบ่อย", exact=True)).to_be_visible()


def test_a_locked_account_is_told_so(
    context: BrowserContext, console: Console
) -> None:
    from app.console.users import create_user
    from app.console.views.session import BAD_CREDENTIALS, LOCKED

    run_async(lambda: create_user(console.settings, username="cm_forgetful",
                                  role="province_officer", password=PASSWORD,
                                  province_code=PROVINCE))
    page = context.new_page()
    page.goto(console.url + "/")
    page.get_by_label("ชื่อผู้ใช้").fill("cm_forgetful")
    error = page.locator("[data-field=password] .field-error")
    for attempt in range(console.settings.console_max_failed_logins):
        page.get_by_label("รหัสผ่าน").fill(f"wrong-password-{attempt}")
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        if attempt < console.settings.console_max_failed_logins - 1:
            expect(error).to_have_text(BAD_CREDENTIALS)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)  # even the right one, while locked
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    # Not a field's fault: the box at the top of the form (role=alert) says it.
    expect(page.locator(".form-summary .summary-title")).to_have_text(
        LOCKED.format(minutes=console.settings.console_lockout_minutes))
    expect(page.get_by_role("heading", name="เข้าสู่ระบบสำหรับเจ้าหน้าที่")).to_be_visible()


def test_officer_closes_an_office_for_a_week_and_the_preview_says_where_to_go(
    context: BrowserContext, console: Console
) -> None:
    start, end = date.today(), date.today() + timedelta(days=4)
    page = context.new_page()
    sign_in(page, console)
    page.goto(f"{console.url}/#/offices/{console.office_code}")
    page.get_by_role("button", name="เพิ่มช่วงวันปิดหรือเวลาพิเศษ").click()
    page.get_by_label("ตั้งแต่วันที่").fill(end.isoformat())
    page.get_by_label("ถึงวันที่").fill(start.isoformat())
    save_draft(page, "ปิดซ่อมอาคาร")
    expect(page.locator('[data-field="closures.0.ends_on"] .field-error')).to_have_text(
        "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม")
    page.get_by_label("ตั้งแต่วันที่").fill(start.isoformat())
    page.get_by_label("ถึงวันที่").fill(end.isoformat())
    page.get_by_label("เหตุผลที่จะแจ้งประชาชน").fill("ซ่อมแซมอาคาร")
    page.get_by_label("สำนักงานที่ให้ไปติดต่อแทน (รหัสสำนักงาน)").fill("district_office:5002")
    save_draft(page, "ปิดซ่อมอาคาร")
    page.wait_for_url(DRAFT_URL)
    entry = draft_preview(page)["web"]["offices"][0]
    assert entry["open_now"] is False
    assert entry["status"].startswith(
        f"ปิดทำการชั่วคราวถึงวันที่ {end.day} {MONTHS[end.month - 1]} {end.year + 543} "
        "(ซ่อมแซมอาคาร) โปรดติดต่อที่ว่าการอำเภอจอมทองแทน เปิด")
    publish_now(page, "ปิดซ่อมอาคาร")
    assert published_office(console).closures == [{
        "starts_on": start.isoformat(), "ends_on": end.isoformat(), "hours": [],
        "reason": "ซ่อมแซมอาคาร", "go_to_office": "district_office:5002"}]
    page.screenshot(path=str(ARTIFACTS / "office-closure.png"), full_page=True)
