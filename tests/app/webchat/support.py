"""Helpers of the web chat tests: settings, processes, the browser."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import BrowserContext, Page, WebSocket, expect

from common.paths import ROOT
from app.settings import Settings, load_settings
from tests.conftest import skip_or_fail
from tests.e2e.conftest import free_port  # noqa: F401 - re-exported for the web tests

WEB_DIST = ROOT / "web" / "dist"
APP_PYTHON = ROOT / ".venv" / "app" / "bin" / "python"
RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, never a downloaded browser; nothing phones home.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
# A socket.io event frame: "42", an optional namespace and ack id, then [event, data].
SOCKETIO_EVENT = re.compile(r"^42(?:/[^,]*,)?\d*(\[.*\])$", re.DOTALL)

QUESTION = "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ"
CHIANG_MAI = {"latitude": 18.7883, "longitude": 98.9853}
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
PASSPORT = yaml.safe_load((ROOT / "data/kb/services/passport.yml").read_text(encoding="utf-8"))


def response_text(name: str) -> str:
    return str(RESPONSES[name][0]["text"])


def web_settings(rasa_url: str = "http://127.0.0.1:5005", **env: str) -> Settings:
    return load_settings({"APP_ENV": "test", "RASA_URL": rasa_url, **env})



def base_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONHOME"}
    env.update(PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", **extra)
    return env


def wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def running(argv: list[str], env: Mapping[str, str], ready_url: str, log: Path) -> Iterator[None]:
    """A child process, up once ``ready_url`` answers; stopped afterwards."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            argv, cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT
        )
        try:
            wait_http(ready_url, process)
            yield
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def web_server(rasa_url: str, port: int, **extra: str) -> Iterator[str]:
    """``python -m app.webchat`` on ``port``, talking to the Rasa server at ``rasa_url``."""
    env = base_env(APP_ENV="test", WEB_HOST="127.0.0.1", WEB_PORT=str(port), RASA_URL=rasa_url,
                   **extra)
    url = f"http://127.0.0.1:{port}"
    with running([str(APP_PYTHON), "-m", "app.webchat"], env, f"{url}/api/health",
                 ARTIFACTS / "web-logs" / "web.log"):
        yield url


def require_chromium() -> None:
    """Browser tests need Debian's chromium; CI installs it (scripts/ensure_system.sh)."""
    if CHROMIUM.exists() and shutil.which("chromium"):
        return
    skip_or_fail("Debian chromium is missing (apt-get install chromium chromium-driver)")


class Visit:
    """One browser context on the chat page, recording what the page fetched and
    the cards that reached it (``bot_uttered`` frames on the socket.io websocket)."""

    def __init__(self, context: BrowserContext, url: str) -> None:
        self.context = context
        self.url = url
        self.page: Page = context.new_page()
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.cards: list[dict[str, Any]] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("websocket", self._watch)
        self.page.on(
            "console",
            lambda message: self.console_errors.append(message.text)
            if message.type == "error" else None,
        )

    def _watch(self, websocket: WebSocket) -> None:
        websocket.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        match = SOCKETIO_EVENT.match(payload) if isinstance(payload, str) else None
        if match is None:
            return
        event, *args = json.loads(match.group(1))
        if event == "bot_uttered" and args and isinstance(args[0], dict):
            card = (args[0].get("custom") or {}).get("card")
            if card is not None:
                self.cards.append(card)

    def open(self) -> Page:
        self.page.goto(self.url)
        expect(self.page.locator("#connection-status")).to_have_text(
            "เชื่อมต่อแล้ว พิมพ์คำถามได้เลยค่ะ"
        )
        return self.page

    def ask(self, text: str) -> None:
        self.page.locator("#message-input").fill(text)
        self.page.locator("#message-input").press("Enter")

    def session_id(self) -> str:
        stored = self.page.evaluate(
            "() => sessionStorage.getItem('thai-assistant.conversation.v1')"
        )
        return str(json.loads(stored)["sessionId"])
