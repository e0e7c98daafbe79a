"""``python -m app.run`` (what ``make run`` ends in): taken ports, SIGTERM and SIGINT.

Real processes and real signals: the launcher runs as a subprocess and starts
the real action server, Rasa server and web chat on free ports.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.launcher import APP_PYTHON, MODEL, Stack, StackConfig
from app.ports import port_holders, port_is_free
from common.paths import ROOT
from tests.conftest import require_model
from tests.e2e.conftest import free_port, seed_kb


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid``."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Launcher:
    """``python -m app.run`` on free ports, its output collected in a file."""

    def __init__(self, workdir: Path, **ports: int) -> None:
        self.ports = {"rasa": free_port(), "actions": free_port(), "web": free_port(),
                      "console": free_port(), "analytics": free_port(), **ports}
        kb_url = f"sqlite+aiosqlite:///{workdir / 'kb.sqlite3'}"
        seed_kb(kb_url)
        env = {key: value for key, value in os.environ.items() if key != "PYTHONHOME"}
        env.update({
            "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
            "RASA_URL": f"http://127.0.0.1:{self.ports['rasa']}",
            "ACTION_SERVER_PORT": str(self.ports["actions"]),
            "WEB_PORT": str(self.ports["web"]), "KB_DATABASE_URL": kb_url,
            "RASA_TRACKER_DB": str(workdir / "tracker.sqlite3"),
            "CONSOLE_PORT": str(self.ports["console"]),
            "ANALYTICS_INGEST_PORT": str(self.ports["analytics"]),
            "ANALYTICS_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'analytics.sqlite3'}",
        })
        self.output = workdir / "launcher.log"
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [str(APP_PYTHON), "-m", "app.run"], cwd=ROOT, env=env, stdout=out,
                stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition in self.text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(f"no {condition!r} in the launcher's output:\n{self.text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[list[Launcher]]:
    started: list[Launcher] = []
    yield started
    for each in started:
        leftovers = _children(each.process.pid)
        each.stop()
        for pid in leftovers:  # never leave a test's servers behind, pass or fail
            os.kill(pid, signal.SIGKILL)


def test_a_taken_port_is_named_with_its_holder_and_nothing_starts(
        tmp_path: Path, launcher: list[Launcher]) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        run = Launcher(tmp_path, web=port)
        launcher.append(run)
        assert run.process.wait(timeout=120) == 2
    holder = f"{Path(f'/proc/{os.getpid()}/comm').read_text().strip()} (pid {os.getpid()}: "
    assert f"Port {port} on 127.0.0.1 for the web chat is already in use, held by {holder}" \
        in run.text()
    assert ("Stop it, or choose other ports (RASA_URL, ACTION_SERVER_PORT, WEB_PORT, "
            "CONSOLE_PORT, ANALYTICS_INGEST_PORT).") in run.text()
    assert "Traceback" not in run.text()
    assert port_is_free("127.0.0.1", run.ports["actions"])  # nothing was started


def test_port_holders_finds_the_listening_process() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert not port_is_free("127.0.0.1", port)
        assert [holder.pid for holder in port_holders(port)] == [os.getpid()]
    assert port_is_free("127.0.0.1", port)
    assert port_holders(port) == []


def _assert_all_stopped(run: Launcher, children: set[int]) -> None:
    assert run.process.wait(timeout=60) == 0, run.text()[-3000:]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    assert [pid for pid in children if _alive(pid)] == []
    for port in run.ports.values():
        assert port_is_free("127.0.0.1", port), port


@pytest.mark.e2e
def test_sigterm_while_starting_stops_the_servers_already_started(
        tmp_path: Path, launcher: list[Launcher]) -> None:
    run = Launcher(tmp_path)
    launcher.append(run)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_children(run.process.pid)) < 2:
        time.sleep(0.2)  # the servers are starting: Rasa loads its model for a while
    children = _children(run.process.pid)
    assert len(children) >= 2, run.text()[-3000:]
    run.process.send_signal(signal.SIGTERM)
    _assert_all_stopped(run, children)
    assert "SIGTERM received: stopping ..." in run.text()


@pytest.mark.e2e
@pytest.mark.model
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_every_server(
        signum: signal.Signals, tmp_path: Path, launcher: list[Launcher]) -> None:
    require_model(MODEL)
    run = Launcher(tmp_path)
    launcher.append(run)
    run.wait_for("Ready.", timeout=300)
    for path in (f"{run.ports['console']}/api/openapi.json", f"{run.ports['analytics']}/health"):
        with urllib.request.urlopen(f"http://127.0.0.1:{path}", timeout=10) as reply:  # noqa: S310
            assert reply.status == 200
    children = _children(run.process.pid)
    assert len(children) >= 5, children  # actions, Rasa, web chat, console, analytics ingest
    run.process.send_signal(signum)
    _assert_all_stopped(run, children)
    assert f"{signum.name} received: stopping ..." in run.text()


def test_a_token_starting_with_a_dash_reaches_rasa_as_one_argument() -> None:
    stack = Stack(StackConfig(rasa_token="-GoImUi1wAbg3sU", web_port=None), base_env={})
    argv = stack.rasa_argv()
    assert argv[1:4] == ["-m", "bot", "run"]
    assert "--auth-token=-GoImUi1wAbg3sU" in argv
    assert "-GoImUi1wAbg3sU" not in argv
