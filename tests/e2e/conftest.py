"""A real stack for end-to-end tests: seeded KB, action server, Rasa server."""
from __future__ import annotations

import json
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.launcher import APP_PYTHON, MODEL, Stack, StackConfig, stack_environment
from bot.paths import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_kb(url: str) -> None:
    env = stack_environment(StackConfig(web_port=None), {"KB_DATABASE_URL": url, "PATH": "/usr/bin:/bin"})
    env["KB_DATABASE_URL"] = url
    subprocess.run([str(APP_PYTHON), "-m", "bot.kb.seed"], cwd=ROOT, env=env, check=True,
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


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make model` first")
    workdir: Path = tmp_path_factory.mktemp("stack")
    kb_url = f"sqlite+aiosqlite:///{workdir / 'kb.sqlite3'}"
    seed_kb(kb_url)
    config = StackConfig(
        rasa_port=free_port(), action_port=free_port(), web_port=None,
        tracker_db=workdir / "tracker.sqlite3", kb_database_url=kb_url,
        log_dir=ROOT / "test-artifacts" / "e2e-logs",
    )
    running = Stack(config)
    running.start(web=False)
    yield running
    running.stop()
