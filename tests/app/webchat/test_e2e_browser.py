"""The web chat in headless Chromium against the real assistant.

``app.launcher`` starts the action server, ``rasa run`` with the trained model
(credentials.yml, so this project's socket.io channel, and --cors with the
page's exact origins) and ``python -m app.webchat``, on free ports with a seeded
temporary knowledge base and tracker store. Skipped until the model exists.
"""
from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from app.launcher import Stack
from tests.e2e.conftest import running_stack
from tests.app.webchat.support import (
    ARTIFACTS, CHIANG_MAI, PASSPORT, QUESTION, Visit, response_text,
)
from tests.fixtures.card_contract import assert_valid_cards

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.usefixtures("built_page")]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("webchat-stack"), ARTIFACTS / "web-logs" / "e2e",
                       web=True) as running:
        yield running


@pytest.fixture
def visit(browser: Browser, stack: Stack) -> Iterator[Visit]:
    context = browser.new_context(
        locale="th-TH", viewport={"width": 412, "height": 915},
        geolocation=CHIANG_MAI, permissions=["geolocation"],
    )
    yield Visit(context, f"http://127.0.0.1:{stack.config.web_port}")
    context.close()


def test_question_card_feedback_reload_with_the_trained_model(visit: Visit) -> None:
    page = visit.open()
    # Keyboard only: focus the input the way a keyboard user reaches it.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "message-input":
            break
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    card = page.locator("#log article.card-service")
    expect(card.locator("h2")).to_have_text(PASSPORT["name_th"], timeout=30000)
    expect(card.locator(".card-aspect")).to_have_text("เอกสารที่ต้องใช้")
    expect(card.locator(".card-lines li")).to_have_text(PASSPORT["documents"])
    assert page.locator("#log .bubble", has_text="เอกสารที่ต้องใช้สำหรับ").count() == 0

    page.get_by_role("button", name="มีประโยชน์").last.click()
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(
        response_text("utter_feedback_positive"), timeout=30000
    )

    page.reload()
    expect(page.locator("#connection-status")).to_have_text("เชื่อมต่อแล้ว พิมพ์คำถามได้เลยค่ะ")
    expect(page.locator("#log article.card-service h2")).to_have_text(PASSPORT["name_th"])
    page.get_by_role("button", name="ส่งตำแหน่งของฉัน").click()
    offices = page.locator("#log article.card-offices")
    expect(offices).to_be_visible(timeout=30000)
    assert offices.locator(".office-name").count() >= 1
    expect(offices.locator(".office-name").first).not_to_be_empty()

    # Every card the real stack sent the widget keeps the contract.
    assert {card["type"] for card in visit.cards} == {"service", "offices"}
    assert_valid_cards([{"custom": {"card": card}} for card in visit.cards])

    ARTIFACTS.mkdir(exist_ok=True)
    extra = page.evaluate("() => { const l = document.getElementById('log');"
                          " return l.scrollHeight - l.clientHeight; }")
    page.set_viewport_size({"width": 412, "height": min(915 + extra, 4000)})
    page.screenshot(path=str(ARTIFACTS / "webchat-conversation-e2e.png"))
    page.screenshot(path=str(ARTIFACTS / "webchat-conversation.png"))  # the real one wins


def test_action_server_down_gets_the_apology(visit: Visit, stack: Stack) -> None:
    # Last test of the module: it stops the action server for good.
    actions = stack.processes["actions"]
    os.killpg(actions.pid, signal.SIGTERM)
    actions.wait(15)
    page = visit.open()
    visit.ask(QUESTION)
    expect(page.locator("#log .message-bot .bubble").last).to_have_text(
        response_text("utter_service_unavailable"), timeout=30000
    )

