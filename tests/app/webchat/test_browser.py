"""The web chat in headless Chromium, against the socket.io stand-in of Rasa.

The stand-in (tests/bot/standin_rasa.py) runs this project's real socket.io
channel inside Rasa's own app; only the choice of answer is scripted. Its
cards are the real actions' (tests/fixtures/cards/, made by
tests/actions/test_cards.py at fixed moments on the fixture knowledge base),
so the widget draws exactly what the actions send. The same journeys run
against the trained model in test_e2e_browser.py.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from common.card import cards_in
from tests.app.webchat.support import (
    ARTIFACTS, CHIANG_MAI, QUESTION, RASA_PYTHON, Visit, base_env, free_port, response_text,
    running, web_server,
)
from tests.fixtures.card_contract import CARD_MESSAGES, assert_valid_cards, read_json

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("built_page")]

SILENT = "ทดสอบระบบขัดข้อง"  # the stand-in leaves it unanswered
CARD_REQUEST = "ทดสอบการ์ด "  # + a name in tests/fixtures/cards: the stand-in sends those cards
# The real actions' answer to QUESTION on the fixture knowledge base.
PASSPORT_NAME = "ทำหนังสือเดินทาง"
PASSPORT_DOCUMENTS = ["บัตรประจำตัวประชาชนตัวจริง"]
GOVERNMENT_HOURS = "จันทร์–ศุกร์ 08:30–12:00, 13:00–16:30 น. ปิดวันหยุดราชการ"


def fed_cards(name: str) -> list[dict[str, Any]]:
    """The recorded real cards the stand-in will feed the widget, checked against the contract."""
    messages: list[dict[str, Any]] = read_json(CARD_MESSAGES / f"{name}.json")
    assert assert_valid_cards(messages) >= 1
    return cards_in(messages)


@pytest.fixture(scope="module")
def chat_url() -> Iterator[str]:
    """The page served by ``python -m app.webchat``, talking to the Rasa stand-in."""
    web_port, rasa_port = free_port(), free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    argv = [str(RASA_PYTHON), "tests/bot/standin_rasa.py", "--port", str(rasa_port),
            "--origins", f"http://127.0.0.1:{web_port}"]
    with running(argv, base_env(), f"{rasa_url}/webhooks/socketio/",
                 ARTIFACTS / "web-logs" / "standin-rasa.log"):
        with web_server(rasa_url, web_port) as url:
            yield url


@pytest.fixture
def visit(browser: Browser, chat_url: str) -> Iterator[Visit]:
    context = browser.new_context(locale="th-TH", viewport={"width": 412, "height": 915})
    yield Visit(context, chat_url)
    context.close()


def bot_messages(page: Page) -> Any:
    return page.locator("#log .message-bot")


def test_page_is_thai_and_accessible(visit: Visit) -> None:
    page = visit.open()
    assert page.locator("html").get_attribute("lang") == "th"
    log = page.locator("#log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert page.get_by_label("พิมพ์คำถามของคุณ").count() == 1
    assert page.get_by_role("button", name="ส่งข้อความ").count() == 1
    # Sarabun from the page's own assets renders the Thai text.
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate("() => document.fonts.check('16px Sarabun', 'ทำพาสปอร์ตต้องใช้เอกสาร')")
    assert any("/assets/sarabun-thai-" in url for url in visit.requests)


def test_conversation_with_card_feedback_and_reload(visit: Visit) -> None:
    page = visit.open()
    visit.ask(QUESTION)
    user = page.locator("#log .message-user").last
    expect(user).to_have_text("คุณ: " + QUESTION)
    expect(page.locator("#typing")).to_be_visible()

    card = page.locator("#log article.card-service")
    expect(card).to_be_visible()
    expect(page.locator("#typing")).to_be_hidden()
    [fed] = fed_cards("service_documents_passport")
    assert (fed["name"], fed["lines"]) == (PASSPORT_NAME, PASSPORT_DOCUMENTS)
    expect(card.locator("h2")).to_have_text(PASSPORT_NAME)
    expect(card.locator(".card-aspect")).to_have_text("เอกสารที่ต้องใช้")
    expect(card.locator(".card-lines li")).to_have_text(PASSPORT_DOCUMENTS)
    expect(card.locator(".card-fact", has_text="ค่าธรรมเนียม")).to_contain_text("1,000 บาท")
    expect(card.locator(".card-source")).to_contain_text("ที่มา: กรมการกงสุล กระทรวงการต่างประเทศ")
    # The answer's plain text came with the card: it is not shown a second time.
    assert page.locator("#log .bubble", has_text="เอกสารที่ต้องใช้สำหรับ").count() == 0

    expect(page.locator("#log .message-bot .bubble").last).to_have_text(
        response_text("utter_ask_feedback")
    )
    feedback = page.get_by_role("group", name="ให้คะแนนคำตอบนี้").last
    # Drawn thumbs instead of the emoji of the titles: no emoji font needed.
    expect(feedback.get_by_role("button")).to_have_text(["มีประโยชน์", "ยังไม่ตอบโจทย์"])
    assert feedback.locator("svg.icon").count() == 2
    feedback.get_by_role("button", name="มีประโยชน์").click()
    expect(page.locator("#log .message-user").last).to_have_text("คุณ: มีประโยชน์")
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(
        response_text("utter_feedback_positive")
    )
    assert feedback.get_by_role("button", name="ยังไม่ตอบโจทย์").is_disabled()

    session_id = visit.session_id()
    page.reload()
    expect(page.locator("#connection-status")).to_have_text("เชื่อมต่อแล้ว พิมพ์คำถามได้เลยค่ะ")
    expect(page.locator("#log article.card-service h2")).to_have_text(PASSPORT_NAME)
    expect(page.locator("#log .message-user")).to_have_text(
        ["คุณ: " + QUESTION, "คุณ: มีประโยชน์"]
    )
    expect(page.locator("#log .quick-reply.chosen")).to_have_text("มีประโยชน์")
    assert visit.session_id() == session_id  # the same Rasa conversation goes on
    visit.ask("สวัสดีค่ะ")
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(response_text("utter_greet"))

    ARTIFACTS.mkdir(exist_ok=True)
    # Tall enough to show the whole conversation at a phone's width.
    extra = page.evaluate("() => { const l = document.getElementById('log');"
                          " return l.scrollHeight - l.clientHeight; }")
    page.set_viewport_size({"width": 412, "height": min(915 + extra, 4000)})
    page.screenshot(path=str(ARTIFACTS / "webchat-conversation.png"))

    hosts = {urlsplit(url).hostname for url in visit.requests}
    assert hosts == {"127.0.0.1"}, f"the page fetched from {hosts}"
    assert not [e for e in visit.console_errors if "Content Security Policy" in e]


def test_keyboard_only(visit: Visit) -> None:
    page = visit.open()
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement;
                       const s = getComputedStyle(e);
                       return [e.id || e.className || e.tagName, s.outlineStyle, s.outlineWidth]; }"""
        )
        order.append(focused[0])
        assert focused[1] != "none" and focused[2] != "0px", f"no visible focus on {focused[0]}"
        if focused[0] == "message-input":
            break
    assert order[:3] == ["skip-link", "new-chat", "log"]
    assert order[-1] == "message-input", order
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    expect(page.locator("#log article.card-service")).to_be_visible()
    expect(page.locator("#message-input")).to_be_focused()
    expect(page.locator("#message-input")).to_have_value("")

    # Back into the log to the thumbs-down button, then answer with the keyboard.
    thumbs_down = page.get_by_role("button", name="ยังไม่ตอบโจทย์").last
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        if thumbs_down.evaluate("b => b === document.activeElement"):
            break
    expect(thumbs_down).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(
        response_text("utter_feedback_negative")
    )
    expect(page.locator("#message-input")).to_be_focused()


def test_phone_360px_layout(browser: Browser, chat_url: str) -> None:
    context = browser.new_context(
        locale="th-TH", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
        geolocation=CHIANG_MAI, permissions=["geolocation"],
    )
    try:
        visit = Visit(context, chat_url)
        page = visit.open()
        visit.ask(QUESTION)
        expect(page.locator("#log article.card-service")).to_be_visible()
        page.get_by_role("button", name="ส่งตำแหน่งของฉัน").click()
        expect(page.locator("#log article.card-offices")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
        for selector in ("#log article.card-service", "#log article.card-offices",
                         "#message-input", "#send-button", "#share-location"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
        for selector in ("#message-input", "#send-button"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] + box["height"] <= 740, f"{selector} below the fold"
            assert box["height"] >= 44, f"{selector} is too small to tap"
    finally:
        context.close()


def test_location_finds_the_nearest_office(browser: Browser, chat_url: str) -> None:
    context = browser.new_context(locale="th-TH", geolocation=CHIANG_MAI,
                                  permissions=["geolocation"])
    try:
        visit = Visit(context, chat_url)
        page = visit.open()
        page.get_by_role("button", name="ส่งตำแหน่งของฉัน").click()
        expect(page.locator("#log .message-user").last).to_have_text("คุณ: ส่งตำแหน่งที่ตั้งของฉัน")
        fed_cards("offices_nearest_working_day")
        card = page.locator("#log article.card-offices")
        expect(card.locator(".office-name")).to_have_text(
            ["ที่ว่าการอำเภอจอมทอง", "ที่ว่าการอำเภอดอยหล่อ", "ที่ว่าการอำเภอแม่วาง"]
        )
        nearest = card.locator(".office").first
        expect(nearest.locator(".office-type")).to_have_text("ที่ว่าการอำเภอ")
        expect(nearest.locator(".office-approximate")).to_have_text("ตำแหน่งโดยประมาณ")
        expect(nearest.locator(".card-fact", has_text="ระยะทาง").locator("dd")).to_have_text(
            "ประมาณ 1.0 กม."
        )
        link = card.get_by_role("link", name="ดูแผนที่ ที่ว่าการอำเภอจอมทอง")
        assert (link.get_attribute("href") or "").startswith("https://www.google.com/maps/search/")
        assert link.get_attribute("rel") == "noopener noreferrer"
    finally:
        context.close()


def test_real_office_cards_show_hours_open_now_and_holidays(visit: Visit) -> None:
    """The real actions' office cards at three moments: a working morning, an evening, a holiday."""
    page = visit.open()
    moments = {
        "offices_nearest_working_day": ("open", "เปิดอยู่ พักเที่ยง 12:00–13:00 น. ปิด 16:30 น."),
        "offices_hours_evening": ("closed", "ปิดแล้ว เปิดวันพุธ 08:30 น."),
        "offices_hours_holiday": (
            "closed",
            "ปิดวันนี้ (วันหยุดราชการ: วันหยุดชดเชยวันพ่อแห่งชาติ) เปิดวันอังคาร 08:30 น.",
        ),
    }
    for index, (name, (state, status)) in enumerate(moments.items()):
        [fed] = fed_cards(name)
        assert fed["offices"][0]["status"] == status
        visit.ask(CARD_REQUEST + name)
        card = page.locator("#log article.card-offices").nth(index)
        first = card.locator(".office").first
        expect(first.locator(f".office-status-{state}")).to_have_text(status)
        expect(first.locator(".card-fact", has_text="เวลาทำการ").locator("dd")).to_have_text(
            GOVERNMENT_HOURS
        )
        expect(card.locator(".office")).to_have_count(len(fed["offices"]))
    # The channel passed the actions' cards to the widget unchanged, contract and all.
    assert visit.cards == [fed_cards(name)[0] for name in moments]
    assert_valid_cards([{"custom": {"card": card}} for card in visit.cards])
    holiday = page.locator("#log article.card-offices").nth(2)
    expect(holiday.locator("h2")).to_have_text("เวลาทำการของสำนักงานในอำเภอเมืองเชียงใหม่")
    expect(holiday.locator(".office-status-open")).to_have_count(0)

    extra = page.evaluate("() => { const l = document.getElementById('log');"
                          " return l.scrollHeight - l.clientHeight; }")
    page.set_viewport_size({"width": 412, "height": min(915 + extra, 4000)})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-real-office-cards.png"))


def test_location_denied_is_answered_politely(visit: Visit) -> None:
    page = visit.open()
    page.get_by_role("button", name="ส่งตำแหน่งของฉัน").click()
    expect(page.locator("#log .message-notice").last).to_have_text(
        'ไม่ได้รับอนุญาตให้ใช้ตำแหน่งค่ะ ไม่เป็นไรนะคะ พิมพ์ชื่ออำเภอหรือจังหวัดแทนได้เลย เช่น "อำเภอเมืองเชียงใหม่"'
    )
    assert page.locator("#log .message-user").count() == 0  # nothing was sent
    expect(page.get_by_role("button", name="ส่งตำแหน่งของฉัน")).to_be_enabled()


def test_silent_turn_shows_the_apology(visit: Visit) -> None:
    page = visit.open()
    visit.ask(SILENT)
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(
        response_text("utter_service_unavailable")
    )


def test_new_conversation_starts_a_new_session(visit: Visit) -> None:
    page = visit.open()
    visit.ask("สวัสดีค่ะ")
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(response_text("utter_greet"))
    first = visit.session_id()
    page.get_by_role("button", name="เริ่มบทสนทนาใหม่").click()
    expect(page.locator("#log .message-user")).to_have_count(0)
    expect(page.locator("#connection-status")).to_have_text("เชื่อมต่อแล้ว พิมพ์คำถามได้เลยค่ะ")
    visit.ask("สวัสดีค่ะ")
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(response_text("utter_greet"))
    assert visit.session_id() != first


def test_page_from_another_origin_cannot_chat(browser: Browser, chat_url: str) -> None:
    # Same server, other origin: http://localhost:<port> is not an allowed origin.
    context = browser.new_context(locale="th-TH")
    try:
        page = context.new_page()
        page.goto(chat_url.replace("127.0.0.1", "localhost"))
        expect(page.locator("#connection-status")).to_have_text(
            "ขาดการเชื่อมต่อ กำลังลองเชื่อมต่อใหม่…", timeout=15000
        )
        page.locator("#message-input").fill("สวัสดีค่ะ")
        page.locator("#message-input").press("Enter")
        expect(page.locator("#log .message-notice").last).to_have_text(
            "ยังเชื่อมต่อกับระบบไม่ได้ค่ะ กรุณารอสักครู่แล้วส่งใหม่อีกครั้ง"
        )
    finally:
        context.close()


@contextmanager
def portal(port: int, chat_url: str) -> Iterator[str]:
    """Another site, on its own origin, whose page shows the chat in an iframe."""
    page = (f'<!doctype html><html lang="th"><title>portal</title>'
            f'<iframe id="chat" src="{chat_url}/" width="400" height="600"></iframe></html>').encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_only_the_sites_named_in_web_frame_ancestors_can_frame_the_chat(browser: Browser) -> None:
    named, other, web_port = free_port(), free_port(), free_port()
    # Only the page is looked at here: Rasa need not answer.
    with web_server("http://127.0.0.1:9", web_port,
                    WEB_FRAME_ANCESTORS=f"http://127.0.0.1:{named}") as chat_url, \
            portal(named, chat_url) as named_url, portal(other, chat_url) as other_url:
        context = browser.new_context(locale="th-TH")
        page = context.new_page()
        page.goto(named_url)
        expect(page.frame_locator("#chat").get_by_label("พิมพ์คำถามของคุณ")).to_be_visible()
        assert [frame.url for frame in page.frames[1:]] == [f"{chat_url}/"]

        page.goto(other_url, wait_until="load")
        expect(page.frame_locator("#chat").get_by_label("พิมพ์คำถามของคุณ")).to_have_count(0)
        # Chromium replaced the refused frame by its error page.
        assert [frame.url for frame in page.frames[1:]] == ["chrome-error://chromewebdata/"]
        page.screenshot(path=str(ARTIFACTS / "web-frame-refused.png"))
        context.close()
