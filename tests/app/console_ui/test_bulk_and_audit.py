"""CSV import with a dry run (bad rows named with their row numbers and reasons,
nothing written), import skipping the bad rows, and restoring an earlier
version from the audit log; in headless Chromium, against the real console."""
from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from app.console.validation import phone_error
from tests.app.console_ui.conftest import ARTIFACTS, PROVINCE, Console
from tests.app.console_ui.support import (
    DRAFT_URL, office_codes, published_office, publish_now, sign_in,
)

pytestmark = pytest.mark.browser


def office_rows(page: Page, console: Console, phones: dict[str, str]) -> tuple[str, list[str]]:
    """The officer's offices.csv (exported with the page's session) with new ``phones``
    ({office code: phone}), holding only those rows."""
    response = page.request.get(f"{console.url}/api/offices.csv")
    assert response.ok, response.text()
    # The export starts with a BOM, so that spreadsheet programs read it as UTF-8.
    rows = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig"))))
    assert rows and {row["province_code"] for row in rows} == {PROVINCE}
    picked = [row for row in rows if row["code"] in phones]
    for row in picked:
        row["phone"] = phones[row["code"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(picked)
    return out.getvalue(), [row["code"] for row in picked]


def check_file(page: Page, console: Console, text: str, *, skip_bad: bool) -> None:
    page.goto(f"{console.url}/#/bulk")
    page.reload()  # a fresh form: going to the same #/bulk again would not redraw it
    page.get_by_label("ประเภทข้อมูล").select_option("offices")
    page.get_by_label("ไฟล์ CSV (UTF-8)").set_input_files(
        files=[{"name": "offices.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")}])
    if skip_bad:
        page.get_by_label("ข้ามแถวที่มีปัญหา แล้วนำเข้าเฉพาะแถวที่ถูกต้อง").check()
    page.get_by_role("button", name="ตรวจไฟล์ (ยังไม่บันทึก)").click()
    expect(page.locator(".import-result")).to_be_visible(timeout=15_000)


def phone_of(console: Console) -> str | None:
    return published_office(console).phone  # type: ignore[no-any-return]


def test_csv_dry_run_import_and_restore_from_the_audit_log(
    context: BrowserContext, console: Console
) -> None:
    page = context.new_page()
    sign_in(page, console)
    other = next(code for code in office_codes(console) if code != console.office_code)
    first, second = "053-112-345", "053-112-346"

    # A dry run with one bad row: the table names the row and the reason; nothing is written.
    text, order = office_rows(page, console, {console.office_code: first, other: "12345"})
    check_file(page, console, text, skip_bad=False)
    bad_row = str(2 + order.index(other))
    bad = page.locator(".import-result tbody tr", has=page.locator("th", has_text=bad_row))
    expect(bad.locator("td").nth(1)).to_have_text("ไม่ผ่าน")
    expect(bad.locator("li")).to_have_text([phone_error("12345") or ""])
    expect(page.get_by_role("button", name="นำเข้าข้อมูล")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "csv-dry-run.png"), full_page=True)
    assert phone_of(console) != first

    # Skipping the bad row writes the good one.
    check_file(page, console, text, skip_bad=True)
    page.get_by_role("button", name="นำเข้าข้อมูล").click()
    expect(page.locator("p", has_text="บันทึกแล้ว 1 แถว")).to_have_text(
        "ถูกต้อง 1 แถว · มีปัญหา 1 แถว · บันทึกแล้ว 1 แถว")
    assert phone_of(console) == first

    text, _ = office_rows(page, console, {console.office_code: second})
    check_file(page, console, text, skip_bad=False)
    page.get_by_role("button", name="นำเข้าข้อมูล").click()
    expect(page.locator("p", has_text="บันทึกแล้ว 1 แถว")).to_be_visible()
    assert phone_of(console) == second

    # The audit log has both imports, newest first; restoring the older brings its phone back.
    page.goto(f"{console.url}/#/audit")
    page.get_by_label("รหัสหรือคีย์ของรายการ").fill(console.office_code)
    page.get_by_role("button", name="ค้นหา").click()
    items = page.locator(".audit-item", has_text="นำเข้าจากไฟล์ CSV")
    expect(items).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / "audit.png"), full_page=True)
    older = items.nth(1)
    older.locator("summary").click()
    expect(older.locator(".diff")).to_contain_text(first)
    page.once("dialog", lambda dialog: dialog.accept("กู้คืนเบอร์เดิม"))
    older.get_by_role("button", name="กู้คืนฉบับนี้").click()
    expect(page).to_have_url(DRAFT_URL)
    expect(page.locator(".changes")).to_contain_text(first)
    publish_now(page, "กู้คืนเบอร์เดิม")
    assert phone_of(console) == first
