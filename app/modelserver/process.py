"""Run the model server as a process of its own (tests, benchmarks, a launcher)."""
from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from app.launcher import APP_PYTHON
from common.paths import ROOT


class ModelServerProcess:
    """``python -m app.modelserver`` on ``port``, serving the store in ``store_dir``."""

    def __init__(self, store_dir: Path, port: int, log: Path | None = None) -> None:
        self.store_dir = store_dir
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONHOME"}
        env.update({"PYTHONPATH": str(ROOT), "MODEL_STORE_DIR": str(self.store_dir),
                    "MODEL_SERVER_HOST": "127.0.0.1", "MODEL_SERVER_PORT": str(self.port)})
        out = None
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            out = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            [str(APP_PYTHON), "-m", "app.modelserver"], cwd=ROOT, env=env,
            stdout=out, stderr=subprocess.STDOUT if out is not None else None,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the model server exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2):  # noqa: S310 - loopback
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise TimeoutError(f"the model server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
