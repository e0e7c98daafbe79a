"""A province officer publishes an office's new hours through the console's JSON
API; the next LINE message about that office is answered with the new hours.

The console runs in this process on the stack's own knowledge base; Rasa and the
action server are the real ones of the ``stack`` fixture, and LINE's Messaging
API is the local stand-in that records the reply the LINE connector builds.
The old hours are published back at the end, so the session's other tests see
the seeded office.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from typing import Any

import pytest
from linebot.v3.messaging import ReplyMessageRequest

from app.console.auth import COOKIE_NAME, CSRF_HEADER
from app.launcher import Stack
from app.settings import load_settings
from tests.app.console_ui.conftest import ServerThread, run_async
from tests.e2e.conftest import LineStandIn, free_port, post_json
from tests.e2e.test_line_webhook import REPLY, _sign, _webhook

pytestmark = [pytest.mark.e2e, pytest.mark.model]

OFFICE = "district_office:3021"  # ที่ว่าการอำเภอปากช่อง
PROVINCE = "30"
QUESTION = "อำเภอปากช่องเปิดกี่โมงคะ"
NEW_HOURS = [[day, "08:00", "16:00"] for day in range(5)] + [[5, "09:00", "12:00"]]
NEW_HOURS_TEXT = "จันทร์–ศุกร์ 08:00–16:00 น.; เสาร์ 09:00–12:00 น."
OLD_HOURS_LINE = "   เวลาทำการ: จันทร์–ศุกร์ 08:30–16:30 น. ปิดวันหยุดราชการ"
NEW_HOURS_LINE = f"   เวลาทำการ: {NEW_HOURS_TEXT} ปิดวันหยุดราชการ"
# The requirement (issue 10): the new answer within 5 seconds of publication.
WITHIN_SECONDS = 5.0
OFFICER, PASSWORD = "e2e.korat.officer", "e2e console password 2026"


class ConsoleClient:
    """The console's JSON API as a signed-in officer: session cookie and CSRF token."""

    def __init__(self, url: str, username: str) -> None:
        self.url = url
        self.username = username
        self.headers: dict[str, str] = {}

    def sign_in(self) -> None:
        request = urllib.request.Request(
            f"{self.url}/api/session", method="POST",
            data=json.dumps({"username": self.username, "password": PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - loopback
            body = json.loads(reply.read())
            cookie = SimpleCookie(reply.headers["Set-Cookie"])[COOKIE_NAME].value
        self.headers = {"Cookie": f"{COOKIE_NAME}={cookie}", CSRF_HEADER: body["csrf_token"]}

    def send(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **self.headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - loopback
                return reply.status, json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def publish(self, data: dict[str, Any], base_version: int, reason: str) -> int:
        status, draft = self.send("POST", "/api/drafts", {
            "kind": "office", "key": OFFICE, "data": data, "base_version": base_version,
        })
        assert status == 201, draft
        status, result = self.send("POST", f"/api/drafts/{draft['id']}/publish", {"reason": reason})
        assert (status, result["status"]) == (200, "published"), result
        return int(result["revision_id"])


@pytest.fixture
def console(stack: Stack) -> Iterator[ConsoleClient]:
    from app.console.app import create_app
    from app.console.users import create_user

    url = stack.config.kb_database_url
    assert url is not None
    settings = load_settings({
        "APP_ENV": "test", "KB_DATABASE_URL": url,
        "CONSOLE_SESSION_SECRET": "e2e-console-session-secret-" + "0" * 32,
        "CONSOLE_LOGIN_RATE": "1000",
    })
    # A new account per run: the stack's knowledge base lives for the whole session.
    username = f"{OFFICER}.{uuid.uuid4().hex[:6]}"
    run_async(lambda: create_user(settings, username=username, role="province_officer",
                                  password=PASSWORD, province_code=PROVINCE))
    with ServerThread(lambda: create_app(settings), free_port()) as base:
        yield ConsoleClient(base, username)


def ask_on_line(stack: Stack, line_api: LineStandIn, text: str) -> dict[str, Any]:
    """One signed LINE webhook from a new user; the reply call the connector made."""
    body = _webhook("U" + uuid.uuid4().hex, text)
    before = len(line_api.bodies(REPLY))
    status, _ = post_json(f"{stack.rasa_url}/webhooks/line/webhook", None,
                          {"X-Line-Signature": _sign(body)}, raw=body)
    assert status == 200
    replies = line_api.wait_for(REPLY, before + 1)[before:]
    assert len(replies) == 1, replies
    ReplyMessageRequest.from_dict(replies[0])  # the official SDK's schema accepts it
    return replies[0]


def said(reply: dict[str, Any]) -> str:
    """The answer's text as LINE shows it in the chat list (the Flex card's alt text)."""
    return "\n".join(m.get("altText") or m.get("text") or "" for m in reply["messages"])


def office_lines(reply: dict[str, Any]) -> list[str]:
    """The lines of the office's entry in the answer (the area's other offices follow it)."""
    text = said(reply)
    start = text.index("1. ที่ว่าการอำเภอปากช่อง\n")
    end = text.find("\n2. ", start)
    return text[start:end if end != -1 else None].split("\n")


def test_hours_published_in_the_console_reach_line(
    stack: Stack, line_api: LineStandIn, console: ConsoleClient
) -> None:
    before = ask_on_line(stack, line_api, QUESTION)  # the action server now holds it cached
    assert OLD_HOURS_LINE in office_lines(before), said(before)

    console.sign_in()
    status, office = console.send("GET", f"/api/offices/{OFFICE}")
    assert status == 200 and office["editable"] is True, office
    old_hours, version = office["hours"], office["version"]
    revision = console.publish({"hours": NEW_HOURS}, version, "อำเภอแจ้งเวลาทำการใหม่")
    published_at = time.monotonic()
    try:
        reply: dict[str, Any] = {}
        while time.monotonic() - published_at < WITHIN_SECONDS:
            reply = ask_on_line(stack, line_api, QUESTION)
            if NEW_HOURS_LINE in office_lines(reply):
                break
            time.sleep(0.2)
        assert NEW_HOURS_LINE in office_lines(reply), said(reply)
        assert OLD_HOURS_LINE not in office_lines(reply)
        # The reply built for LINE: the office's Flex bubble shows the new hours too.
        flex = next(m for m in reply["messages"] if m["type"] == "flex")
        assert NEW_HOURS_TEXT in json.dumps(flex["contents"], ensure_ascii=False)
        # The audit log names the officer and the reason.
        status, audit = console.send("GET", f"/api/audit?key={OFFICE}")
        entry = next(e for e in audit["items"] if e["id"] == revision)
        assert (entry["reason"], entry["after"]["hours"]) == ("อำเภอแจ้งเวลาทำการใหม่", NEW_HOURS)
    finally:
        status, office = console.send("GET", f"/api/offices/{OFFICE}")
        console.publish({"hours": old_hours}, office["version"], "คืนเวลาทำการเดิมหลังการทดสอบ")

