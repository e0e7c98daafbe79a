"""A real stack for end-to-end tests: seeded KB, action server, Rasa server."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.launcher import APP_PYTHON, MODEL, Stack, StackConfig, stack_environment
from common.paths import ROOT
from tests.conftest import require_model


# Sessions sharing a machine may be given port ranges ("9000-9099"); unset,
# the system picks any free port.
PORT_RANGE_ENV = "E2E_PORT_RANGE"
_handed_out: set[int] = set()


def free_port() -> int:
    """A free loopback port: from ``E2E_PORT_RANGE`` when set, else any."""
    low, _, high = os.environ.get(PORT_RANGE_ENV, "").partition("-")
    candidates = range(int(low), int(high) + 1) if low and high else [0]
    for candidate in candidates:
        if candidate in _handed_out:
            continue  # handed out already, maybe not bound yet
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port = int(sock.getsockname()[1])
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {PORT_RANGE_ENV}={os.environ[PORT_RANGE_ENV]}")


def seed_kb(url: str) -> None:
    env = stack_environment(StackConfig(web_port=None), {"KB_DATABASE_URL": url, "PATH": "/usr/bin:/bin"})
    env["KB_DATABASE_URL"] = url
    subprocess.run([str(APP_PYTHON), "-m", "app.kb.seed"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def post_json(url: str, body: Any, headers: dict[str, str] | None = None,
              raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - loopback
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            return error.code, json.loads(payload or b"null")
        except ValueError:
            return error.code, payload.decode(errors="replace")


class Chat:
    """REST conversation helper: one sender, returns the bot's texts."""

    def __init__(self, stack: Stack, sender: str) -> None:
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.sender = sender

    def send(self, text: str) -> list[dict[str, Any]]:
        status, messages = post_json(self.url, {"sender": self.sender, "message": text})
        assert status == 200, messages
        return messages

    def texts(self, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.send(text) if m.get("text"))


LINE_SECRET = "e2e-line-channel-secret"
LINE_TOKEN = "e2e-line-access-token"


class LineStandIn:
    """A local stand-in of LINE's Messaging API: checks the token, records calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.arrived = threading.Condition()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"] or 0)) or b"{}")
                authorised = self.headers.get("Authorization") == f"Bearer {LINE_TOKEN}"
                self.send_response(200 if authorised else 401)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")
                with stand_in.arrived:
                    stand_in.calls.append((self.path, body))
                    stand_in.arrived.notify_all()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, path: str, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.bodies(path)) >= count, timeout)
        return self.bodies(path)

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [body for called, body in self.calls if called == path]


@pytest.fixture(scope="session")
def line_api() -> Iterator[LineStandIn]:
    stand_in = LineStandIn()
    yield stand_in
    stand_in.server.shutdown()


@contextmanager
def running_stack(workdir: Path, log_dir: Path, *, web: bool = False,
                  extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """A seeded knowledge base, the action server, Rasa and optionally the web chat."""
    require_model(MODEL)
    kb_url = f"sqlite+aiosqlite:///{workdir / 'kb.sqlite3'}"
    seed_kb(kb_url)
    config = StackConfig(
        rasa_port=free_port(), action_port=free_port(), web_port=free_port() if web else None,
        tracker_db=workdir / "tracker.sqlite3", kb_database_url=kb_url,
        log_dir=log_dir, extra_env=extra_env or {},
    )
    running = Stack(config)
    running.start(web=web)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, line_api: LineStandIn) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("stack"), ROOT / "test-artifacts" / "e2e-logs",
        extra_env={"LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
                   "LINE_API_BASE_URL": line_api.url},
    ) as running:
        yield running
