"""Processes for the analytics tests: the ingest, and a Rasa-side publisher of real trackers."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common.paths import ROOT

APP_PYTHON = ROOT / ".venv" / "app" / "bin" / "python"
RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"
PSEUDONYM_KEY = "analytics-test-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANALYTICS_", "RABBITMQ_"))}
    env.update({"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                "PSEUDONYM_KEY": PSEUDONYM_KEY, "PYTHAINLP_OFFLINE": "1", "APP_ENV": "test",
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    env.update(extra)
    return env


def wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


@contextmanager
def ingest(db_url: str, log: Path, port: int | None = None, **env: str) -> Iterator[str]:
    """``python -m app.analytics ingest`` on a free port; yields its base URL."""
    port = port or free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            [str(APP_PYTHON), "-m", "app.analytics", "ingest"], cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT,
            env=base_env(ANALYTICS_DATABASE_URL=db_url, ANALYTICS_INGEST_PORT=str(port), **env))
        try:
            wait_http(f"http://127.0.0.1:{port}/health", process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
