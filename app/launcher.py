"""Start and stop the assistant's processes: action server, Rasa server, web chat,
staff console and analytics ingest.

Used by ``make run`` (``python -m app.run``), the end-to-end tests and the
benchmarks, so all three run the stack exactly the same way.

Rasa is started through the project's entry point (``python -m bot run``,
bot/__main__.py), which applies the project's patches first. Every child runs
in its own process group, so a Ctrl-C in the terminal reaches only the
launcher, which then stops every group; the kernel also sends each child
started from the main thread SIGTERM if the launcher dies without stopping
them (``PR_SET_PDEATHSIG``).
"""
from __future__ import annotations

import ctypes
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.ports import busy_port_message, port_holders, port_is_free
from common.paths import ROOT, VAR

logger = logging.getLogger(__name__)

RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"
# Rasa's command line with the project's patches applied first (bot/__main__.py).
RASA_COMMAND = (str(RASA_PYTHON), "-m", "bot")
# Stock Rasa without the project's patches: only for bench/latency.py's comparison.
STOCK_RASA_BIN = ROOT / ".venv" / "rasa" / "bin" / "rasa"
APP_PYTHON = ROOT / ".venv" / "app" / "bin" / "python"
MODEL = ROOT / "models" / "thai-assistant.tar.gz"
LOGGING_CONFIG = ROOT / "config" / "logging.yml"


@dataclass
class StackConfig:
    """Ports, files and profile of one running stack."""

    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int | None = 8080
    rasa_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    model: Path = MODEL
    endpoints: Path = ROOT / "endpoints.yml"
    credentials: Path = ROOT / "credentials.yml"
    tracker_db: Path = VAR / "tracker.sqlite3"
    kb_database_url: str | None = None
    cors_origins: Sequence[str] = ()
    extra_env: Mapping[str, str] = field(default_factory=dict)
    log_dir: Path | None = None  # None: children inherit this process's stdout/stderr
    actions_module: str = "actions"
    # Where Rasa and the action server listen: loopback only by default; a
    # deployment with a load balancer in front passes its own interface.
    interface: str = "127.0.0.1"
    # Stock Rasa (bench/latency.py's baseline): no project patches, no project channels.
    stock_rasa: bool = False
    # The staff console (python -m app.console); None: not started.
    console_port: int | None = None
    # The analytics ingest (python -m app.analytics ingest), the embedded
    # default's receiver of Rasa's events; None: not started, and Rasa's broker
    # keeps its events in memory (bounded) with nobody to take them.
    analytics_port: int | None = None
    analytics_database_url: str | None = None
    # Every stack's broker and ingest share a token of their own, so a stack
    # never posts its events to another stack's ingest on the same machine.
    analytics_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # The keyed hash of sender IDs must be one key for Rasa's tracker store,
    # the actions and analytics: PSEUDONYM_KEY when set, else one per stack.
    pseudonym_key: str = field(default_factory=lambda: secrets.token_hex(32))


class PortInUseError(RuntimeError):
    """A port the stack needs is taken; the message names the port and its holder."""


def _free_env(base: Mapping[str, str]) -> dict[str, str]:
    env = dict(base)
    # Rasa must never phone home: with telemetry off it also skips Sentry.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONPATH"] = str(ROOT)
    env.pop("PYTHONHOME", None)
    return env


def stack_environment(config: StackConfig, base: Mapping[str, str]) -> dict[str, str]:
    """Environment shared by every process of the stack."""
    env = _free_env(base)
    env.update(
        {
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{config.action_port}/webhook",
            "RASA_TRACKER_DB": str(config.tracker_db),
            "RASA_URL": f"http://127.0.0.1:{config.rasa_port}",
            "RASA_TOKEN": config.rasa_token,
            "ACTION_SERVER_PORT": str(config.action_port),
            # rasa-sdk's own setting for its listening address (default all
            # interfaces): the action server listens where Rasa does.
            "SANIC_HOST": config.interface,
        }
    )
    for key in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"):
        env.setdefault(key, "")
    env.setdefault("LINE_API_BASE_URL", "https://api.line.me")
    if config.web_port is not None:
        env["WEB_PORT"] = str(config.web_port)
    origins = list(config.cors_origins)
    if not origins and config.web_port is not None:
        origins = [f"http://localhost:{config.web_port}", f"http://127.0.0.1:{config.web_port}"]
    env.setdefault("WEB_ALLOWED_ORIGINS", ",".join(origins))
    if config.kb_database_url:
        env["KB_DATABASE_URL"] = config.kb_database_url
    if config.console_port is not None:
        env["CONSOLE_PORT"] = str(config.console_port)
    if config.analytics_port is not None:
        env["ANALYTICS_INGEST_PORT"] = str(config.analytics_port)
    if config.analytics_database_url:
        env["ANALYTICS_DATABASE_URL"] = config.analytics_database_url
    env.setdefault("ANALYTICS_INGEST_TOKEN", config.analytics_token)
    if not env.get("PSEUDONYM_KEY"):
        env["PSEUDONYM_KEY"] = config.pseudonym_key
    env.setdefault("PYTHAINLP_OFFLINE", "1")
    env.update(config.extra_env)
    return env


def _wait_http(url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 - loopback
                if reply.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _child_setup(parent: int, watch_parent: bool) -> None:
    """Runs in the child between fork and exec."""
    # The mask is inherited across exec: a child must hear SIGTERM even though
    # the launcher blocks it while spawning.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if _LIBC is not None and watch_parent:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the launcher died before prctl took effect
            os._exit(1)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass  # the group is gone already


class Stack:
    """The processes of one assistant: start, wait until healthy, stop."""

    def __init__(self, config: StackConfig, base_env: Mapping[str, str] | None = None) -> None:
        self.config = config
        self.env = stack_environment(config, os.environ if base_env is None else base_env)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.config.rasa_port}"

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        out: int | object = None
        if self.config.log_dir is not None:
            self.config.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.config.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with process
        parent = os.getpid()
        # The kernel sends the parent-death signal when the *thread* that
        # spawned the child ends: only the main thread lives as long as we do
        # (tests start replicas from a thread pool).
        watch_parent = threading.current_thread() is threading.main_thread()
        # A stop signal arriving between the fork and the bookkeeping below
        # would leave a child that stop() does not know: hold it until then.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            process = subprocess.Popen(  # noqa: S603 - fixed argv
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,  # type: ignore[arg-type]
                stderr=subprocess.STDOUT if out is not None else None,
                start_new_session=True,
                preexec_fn=lambda: _child_setup(parent, watch_parent),  # noqa: PLW1509
            )
            self.processes[name] = process
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return process

    def _ports(self, web: bool) -> list[tuple[str, str, int]]:
        ports = [("action server", self.config.interface, self.config.action_port),
                 ("Rasa server", self.config.interface, self.config.rasa_port)]
        if web and self.config.web_port is not None:
            ports.append(("web chat", self.env.get("WEB_HOST") or "127.0.0.1",
                          self.config.web_port))
        if self.config.console_port is not None:
            ports.append(("staff console", self.env.get("CONSOLE_HOST") or "127.0.0.1",
                          self.config.console_port))
        if self.config.analytics_port is not None:
            ports.append(("analytics ingest", "127.0.0.1", self.config.analytics_port))
        return ports

    def check_ports(self, *, web: bool = True) -> None:
        """Raise :class:`PortInUseError` if a port of the stack is taken."""
        for name, host, port in self._ports(web):
            if not port_is_free(host, port):
                raise PortInUseError(
                    busy_port_message(name, host, port, port_holders(port))
                    + " Stop it, or choose other ports (RASA_URL, ACTION_SERVER_PORT, WEB_PORT, "
                    "CONSOLE_PORT, ANALYTICS_INGEST_PORT)."
                )

    def spawn_actions(self) -> subprocess.Popen[bytes]:
        return self._spawn(
            "actions",
            [str(APP_PYTHON), "-m", "rasa_sdk", "--actions", self.config.actions_module,
             "--port", str(self.config.action_port)],
        )

    def wait_actions(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        _wait_http(f"http://127.0.0.1:{self.config.action_port}/health", timeout, process)

    def wait_rasa(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        # Rasa answers only once its model is loaded (a listener before serving).
        _wait_http(f"{self.rasa_url}/status?token={self.config.rasa_token}", timeout, process)

    def wait_web(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        _wait_http(f"http://127.0.0.1:{self.config.web_port}/", timeout, process)

    # One server at a time: for tests that restart one, or share one between stacks.
    def start_actions(self, timeout: float = 60) -> None:
        self.wait_actions(self.spawn_actions(), timeout)

    def start_rasa(self, timeout: float = 300) -> None:
        self.wait_rasa(self.spawn_rasa(), timeout)

    def start_web(self, timeout: float = 30) -> None:
        if self.config.web_port is not None:
            self.wait_web(self.spawn_web(), timeout)

    def rasa_argv(self) -> list[str]:
        """``python -m bot run ...`` for this stack."""
        command = [str(STOCK_RASA_BIN)] if self.config.stock_rasa else list(RASA_COMMAND)
        argv = [
            *command, "run",
            "--model", str(self.config.model),
            "--endpoints", str(self.config.endpoints),
            "--credentials", str(self.config.credentials),
            "--interface", self.config.interface,
            "--port", str(self.config.rasa_port),
            # One argument: a token may start with "-" (token_urlsafe), which
            # argparse would take for an option and refuse to start.
            "--enable-api", f"--auth-token={self.config.rasa_token}",
            "--logging-config-file", str(LOGGING_CONFIG),
        ]
        origins = self.env.get("WEB_ALLOWED_ORIGINS", "")
        if origins:
            # Exact origins only: sanic-cors patterns can be bypassed (CVE-2026-37737).
            argv += ["--cors", *origins.split(",")]
        return argv

    def spawn_rasa(self) -> subprocess.Popen[bytes]:
        self.config.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        return self._spawn("rasa", self.rasa_argv())

    def spawn_web(self) -> subprocess.Popen[bytes]:
        return self._spawn("web", [str(APP_PYTHON), "-m", "app.webchat"])

    def spawn_extras(self) -> list[tuple[subprocess.Popen[bytes], str]]:
        """The console and the analytics ingest, where configured: (process, health URL)."""
        extras = []
        if self.config.console_port is not None:
            extras.append((self._spawn("console", [str(APP_PYTHON), "-m", "app.console"]),
                           f"http://127.0.0.1:{self.config.console_port}/api/openapi.json"))
        if self.config.analytics_port is not None:
            extras.append((self._spawn("analytics", [str(APP_PYTHON), "-m", "app.analytics",
                                                     "ingest"]),
                           f"http://127.0.0.1:{self.config.analytics_port}/health"))
        return extras

    def start(self, *, web: bool = True, timeout: float = 300) -> None:
        """Start every server at once (none needs another to start) and wait for all."""
        self.check_ports(web=web)
        try:
            actions, rasa = self.spawn_actions(), self.spawn_rasa()
            site = self.spawn_web() if web and self.config.web_port is not None else None
            extras = self.spawn_extras()
            for process, health in extras:
                _wait_http(health, timeout, process)
            self.wait_actions(actions, timeout)
            self.wait_rasa(rasa, timeout)
            if site is not None:
                self.wait_web(site, timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 15) -> None:
        """Stop every process group: SIGTERM, then SIGKILL after ``timeout``."""
        for process in self.processes.values():
            _signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
            # Whatever the child started and left behind goes with it.
            _signal_group(process.pid, signal.SIGKILL)
        self.processes.clear()

    def wait(self) -> int:
        """Block until a process exits; return its exit code."""
        while True:
            for name, process in self.processes.items():
                code = process.poll()
                if code is not None:
                    print(f"{name} exited with code {code}", file=sys.stderr)
                    return code
            time.sleep(0.5)
