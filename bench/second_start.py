"""Seconds from ``make run`` to the first REST answer: a first start, then a second with nothing changed.

    .venv/app/bin/python -m bench.second_start [--cold]

Each start runs the real ``make run`` (environments, model, seed, web page,
then the launcher) on free ports, posts "สวัสดีค่ะ" to the REST channel until
it answers, and stops the stack as Ctrl-C does. Besides the total it prints
how long make's steps before the launcher took (the model step among them)
and how long the servers took to answer after that.

``--cold`` makes the first start a new user's first: the model and its stamp
are moved to var/bench/ and Rasa's training cache is a new empty directory
(``RASA_CACHE_DIRECTORY``), so everything trains. Without it the first start
is whatever ``make run`` finds. The load average is printed with the figures:
on a shared machine it says how much they are worth.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from common.paths import ROOT, VAR

RESULTS = ROOT / "bench" / "results"
WORK = VAR / "bench"
MODEL = ROOT / "models" / "thai-assistant.tar.gz"
STAMP = ROOT / "models" / "thai-assistant.inputs"
LAUNCHER_LINE = "Starting the action server"
MESSAGE = "สวัสดีค่ะ"


@dataclass
class Start:
    label: str
    total_s: float
    before_launcher_s: float | None
    servers_s: float | None
    load_average: float
    answer: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answer(url: str) -> str | None:
    body = json.dumps({"sender": f"bench-{uuid.uuid4().hex}", "message": MESSAGE}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - loopback
            messages = json.loads(reply.read() or b"[]")
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return None
    texts = [m.get("text", "") for m in messages if isinstance(m, dict)]
    return "\n".join(texts) if texts else None


def measure(label: str, env: dict[str, str], timeout: float) -> Start:
    rasa_port = _free_port()
    run_env = {**env, "RASA_URL": f"http://127.0.0.1:{rasa_port}",
               "ACTION_SERVER_PORT": str(_free_port()), "WEB_PORT": str(_free_port())}
    url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    log = WORK / f"second_start-{label}.log"
    load = os.getloadavg()[0]
    started = time.monotonic()
    with log.open("wb") as out:
        make = subprocess.Popen(["make", "run"], cwd=ROOT, env=run_env, stdout=out,  # noqa: S607
                                stderr=subprocess.STDOUT, start_new_session=True)
    launcher_at = answer = None
    try:
        while time.monotonic() - started < timeout:
            if launcher_at is None and LAUNCHER_LINE in log.read_text(errors="replace"):
                launcher_at = time.monotonic()
            if make.poll() is not None:
                raise RuntimeError(f"make run exited with {make.returncode}; see {log}")
            answer = _answer(url) if launcher_at is not None else None
            if answer:
                break
            time.sleep(0.25)
        else:
            raise TimeoutError(f"no REST answer within {timeout:.0f} s; see {log}")
        answered = time.monotonic()
    finally:
        if make.poll() is None:  # as Ctrl-C in a terminal: SIGINT to make and the launcher
            os.killpg(make.pid, signal.SIGINT)
            make.wait(timeout=120)
    return Start(
        label=label,
        total_s=round(answered - started, 1),
        before_launcher_s=round(launcher_at - started, 1) if launcher_at else None,
        servers_s=round(answered - launcher_at, 1) if launcher_at else None,
        load_average=round(load, 2),
        answer=answer or "",
    )


def _cold_env(env: dict[str, str]) -> dict[str, str]:
    aside = WORK / f"aside-{time.strftime('%Y%m%d-%H%M%S')}"
    aside.mkdir(parents=True)
    for path in (MODEL, STAMP):
        if path.exists():
            shutil.move(str(path), aside / path.name)
    print(f"cold start: the model went to {aside}; training cache {aside / 'cache'}", flush=True)
    return {**env, "RASA_CACHE_DIRECTORY": str(aside / "cache")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true",
                        help="first start without a model or training cache")
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONHOME"}
    env["RASA_TELEMETRY_ENABLED"] = "false"
    if args.cold:
        env = _cold_env(env)
    RESULTS.mkdir(parents=True, exist_ok=True)
    starts: list[Start] = []
    for label in ("first", "second"):
        start = measure(label, env, args.timeout)
        starts.append(start)
        print(f"{start.label:>6} start: {start.total_s:6.1f} s to the first REST answer "
              f"(make's steps before the launcher {start.before_launcher_s} s, servers "
              f"{start.servers_s} s; load average {start.load_average})", flush=True)
        (RESULTS / "second_start.json").write_text(json.dumps(
            {"date": time.strftime("%Y-%m-%d %H:%M"), "cold": args.cold, "cpus": os.cpu_count(),
             "starts": [asdict(each) for each in starts]}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
