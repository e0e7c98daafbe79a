"""The dashboard page in headless Chromium: seeded figures render with a chart,
a filter changes them, every table's CSV is what the screen shows, and a
provincial officer sees only their province. Screenshots: test-artifacts/dashboard/."""
from __future__ import annotations

import asyncio
import csv
import io
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from common.paths import ROOT
from tests.app.console.conftest import ACCOUNTS, PASSWORD, TOTP_ROLES, TOTP_SECRET, add_accounts
from tests.app.console_dashboard.conftest import seeded_store
from tests.app.kb.conftest import seeded_sqlite, sqlite_url  # noqa: F401
from tests.app.webchat.support import (
    APP_PYTHON, ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, base_env, free_port, require_chromium, running,
)

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "dashboard"
RANGE = "from=2026-12-01&to=2026-12-03"


def _run(coroutine: object) -> object:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def console_url(tmp_path_factory: pytest.TempPathFactory, seeded_sqlite: Path) -> Iterator[str]:  # noqa: F811
    from app.console.auth import hash_password

    build = subprocess.run(["bash", str(ROOT / "scripts" / "build_dashboard.sh")], cwd=ROOT,
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    folder = tmp_path_factory.mktemp("dashboard")
    kb = folder / "kb.sqlite3"
    shutil.copyfile(seeded_sqlite, kb)
    _run(add_accounts(sqlite_url(kb), hash_password(PASSWORD)))
    analytics = _run(seeded_store(folder / "analytics.sqlite3"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [str(APP_PYTHON), "tests/app/console_dashboard/serve.py", "--port", str(port),
            "--kb", sqlite_url(kb), "--analytics", str(analytics)]
    with running(argv, base_env(), f"{url}/api/openapi.json", ARTIFACTS / "dashboard" / "console.log"):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


def signed_in(browser: Browser, url: str, username: str) -> Page:
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 2000})
    body = {"username": username, "password": PASSWORD}
    if ACCOUNTS[username][0] in TOTP_ROLES:
        body["totp"] = pyotp.TOTP(TOTP_SECRET).now()
    response = context.request.post(f"{url}/api/session", data=body)
    assert response.status == 200, response.text()
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"page error: {error}"))
    return page


def open_dashboard(page: Page, url: str, query: str = RANGE) -> None:
    page.goto(f"{url}/dashboard/index.html?{query}")
    expect(page.locator("body")).to_have_attribute("data-loading", "false", timeout=20_000)
    expect(page.locator("#status")).not_to_have_class("status error")


def table_cells(page: Page, view: str) -> list[list[str]]:
    rows = page.locator(f"#view-{view} table tr")
    return [[c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
            for i in range(rows.count())]


def downloaded_csv(page: Page, view_link: str) -> list[list[str]]:
    """What the link's CSV holds, fetched with the page's own session.

    The address is the one on screen (filters included); fetching it rather
    than clicking keeps a chart drawn over a link from stalling the test.
    """
    link = page.locator(view_link)
    assert link.get_attribute("download") is not None, view_link  # a download, not a page
    response = page.request.get(page.url.split("/dashboard/")[0] + link.get_attribute("href"))
    assert response.ok, response.text()
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.body().decode("utf-8-sig")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def test_seeded_figures_render_and_filters_change_them(browser: Browser, console_url: str) -> None:
    page = signed_in(browser, console_url, "analyst1")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_dashboard(page, console_url)
    assert page.locator("html").get_attribute("lang") == "th"
    # Sarabun from the page's own files (npm at build time), nothing from another host.
    assert page.evaluate("() => document.fonts.check('16px Sarabun', 'แดชบอร์ดสถิติ')")
    assert all(u.startswith(console_url) for u in requested)
    expect(page.locator("#who")).to_contain_text("นักวิเคราะห์ข้อมูล ทั้งประเทศ")
    expect(page.locator("#kpi-turns")).to_have_text("16")
    expect(page.locator("#kpi-answered")).to_have_text("50%")
    expect(page.locator("#kpi-containment")).to_have_text("25%")
    expect(page.locator("#kpi-p95")).to_have_text("930 มิลลิวินาที")
    assert table_cells(page, "volume")[1:] == [
        ["2026-12-01", "5", "2"], ["2026-12-02", "6", "3"], ["2026-12-03", "5", "3"],
    ]
    assert table_cells(page, "provinces")[1][:3] == ["50", "เชียงใหม่", "8"]
    # Chart.js drew on the canvas (it sizes the canvas and keeps an instance on it).
    assert page.evaluate("() => !!window.Chart && !!Chart.getChart(document.querySelector('#view-volume canvas'))")
    groups = page.locator("#groups > li")
    expect(groups).to_have_count(3)
    expect(groups.first).to_contain_text("ส่วนกลาง (ระดับประเทศ)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "analyst.png"), full_page=True)

    page.select_option("#filter-channel", "line")
    page.get_by_role("button", name="แสดงผล").click()
    expect(page.locator("body")).to_have_attribute("data-loading", "false")
    expect(page.locator("#kpi-turns")).to_have_text("7")
    assert table_cells(page, "volume")[1:] == [["2026-12-01", "3", "1"], ["2026-12-02", "4", "2"]]
    assert "channel=line" in page.url
    page.fill("#filter-from", "2026-12-02")
    page.get_by_role("button", name="แสดงผล").click()
    expect(page.locator("#kpi-turns")).to_have_text("4")
    page.screenshot(path=str(SHOTS / "analyst-line-filter.png"), full_page=True)


def test_every_csv_export_matches_the_screen(browser: Browser, console_url: str) -> None:
    page = signed_in(browser, console_url, "analyst1")
    open_dashboard(page, console_url, RANGE + "&channel=line")
    views = page.locator("section[data-view]")
    names = [views.nth(i).get_attribute("data-view") for i in range(views.count())]
    assert len(names) == 12
    for name in names:
        shown = table_cells(page, name)
        assert len(shown) >= 2, name
        assert downloaded_csv(page, f"#view-{name} a.csv") == shown, name
    unanswered = downloaded_csv(page, "#csv-unanswered")
    assert unanswered[0] == ["รหัสกลุ่ม", "จำนวนข้อความ", "ผู้รับผิดชอบ", "ตัวอย่างข้อความ", "แนวโน้มรายสัปดาห์"]
    on_screen = page.locator("#groups > li")
    assert [row[1] for row in unanswered[1:]] == [
        on_screen.nth(i).locator("strong").inner_text().split()[0] for i in range(on_screen.count())
    ]


def test_provincial_officer_sees_only_the_province(browser: Browser, console_url: str) -> None:
    page = signed_in(browser, console_url, "cm.officer")
    open_dashboard(page, console_url)
    expect(page.locator("#who")).to_contain_text("เจ้าหน้าที่จังหวัด จังหวัด 50")
    assert page.locator("#filter-province").is_disabled()
    expect(page.locator("#kpi-turns")).to_have_text("8")
    assert [row[:3] for row in table_cells(page, "provinces")[1:]] == [["50", "เชียงใหม่", "8"]]
    assert [row[1] for row in table_cells(page, "satisfaction-provinces")[1:]] == ["เชียงใหม่"]
    # A group only Chiang Mai asked: the officer may turn it into the province's FAQ.
    alcohol = page.locator("#groups > li", has_text="ขอใบอนุญาตขายสุราได้ที่ไหน")
    alcohol.get_by_role("button", name="ทำเป็นคำถามที่พบบ่อย").click()
    expect(page.locator("#draft-status")).to_contain_text("สร้างฉบับร่างคำถามที่พบบ่อยหมายเลข")
    expect(page.locator("#draft-status")).to_contain_text("@50")
    page.screenshot(path=str(SHOTS / "province-officer.png"), full_page=True)
    # Asking the API for Bangkok's figures from this browser is refused by the server.
    response = page.request.get(f"{console_url}/api/dashboard/provinces?province=10")
    assert response.status == 403
