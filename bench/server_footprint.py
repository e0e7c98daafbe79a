"""The Rasa server's start time and resident memory: ours against stock Rasa, in one run.

    .venv/app/bin/python -m bench.server_footprint [--turns 200] [--rounds 1]

For each server it starts the action server, then Rasa alone, and measures
from the moment Rasa's process is spawned to its first answered REST turn
("สวัสดีค่ะ" posted until a reply comes) and the CPU time it used until
then, then resident memory (VmRSS, with
its anonymous and file-backed parts) right after that answer and after
``--turns`` more turns of the latency benchmark's conversation. Every reply
must be a non-empty answer, not the apology. Servers:

* ``ours``: ``python -m bot run`` on models/thai-assistant.tar.gz, as
  ``make run`` starts it (TensorFlow deferred, NumPy weights memory-mapped);
* ``ours, TensorFlow built``: the same model with its NumPy weight files
  taken out (var/bench/footprint-tf.tar.gz), started with
  ``BOT_TENSORFLOW=import``: how the server loaded before, TensorFlow models
  and all;
* ``stock``: stock Rasa 3.6.21 on bench/baseline's assistant, as
  bench/latency.py starts it.

Figures go to bench/results/server_footprint.json and are printed as a table.
The load average is printed with them: on a shared machine it says how much
they are worth.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import tarfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from app.launcher import MODEL, Stack, StackConfig
from bench.latency import (
    APOLOGY,
    BASELINE,
    BASELINE_ACTION_TURN,
    BASELINE_PLAIN_TURN,
    LONG_TURNS,
    PLAIN_TURN,
    cpu_seconds,
    train_baseline,
)
from common.paths import ROOT, VAR

RESULTS = ROOT / "bench" / "results"
WORK = VAR / "bench"


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and its anonymous / file-backed parts, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(re.findall(r"^(VmRSS|RssAnon|RssFile|RssShmem):\s+(\d+) kB", status, re.M))
    return {key: round(int(value) / 1024, 1) for key, value in fields.items()}


def without_numpy_weights(model: Path, target: Path) -> Path:
    """A copy of ``model`` without the ``*.numpy`` directories: it loads through TensorFlow."""
    with tarfile.open(model, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            if any(part.endswith(".numpy") for part in Path(member.name).parts):
                continue
            copy.addfile(member, source.extractfile(member) if member.isfile() else None)
    return target


async def _turn(session: aiohttp.ClientSession, url: str, sender: str, text: str,
                timeout: float = 30) -> list[dict[str, Any]] | None:
    try:
        async with session.post(url, json={"sender": sender, "message": text},
                                timeout=aiohttp.ClientTimeout(total=timeout)) as reply:
            if reply.status != 200:
                return None
            body = await reply.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        return None
    return body if isinstance(body, list) else None


def _answered(body: list[dict[str, Any]] | None) -> bool:
    texts = [m.get("text") or "" for m in body or []]
    return any(texts) and not any(APOLOGY in text for text in texts)


async def _first_answer(url: str, process: Any, text: str, timeout: float) -> float:
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        while time.monotonic() - started < timeout:
            if process.poll() is not None:
                raise RuntimeError(f"Rasa exited with {process.returncode}")
            body = await _turn(session, url, f"start-{uuid.uuid4().hex}", text, timeout=5)
            if body is not None:
                if not _answered(body):
                    raise RuntimeError(f"first reply is not an answer: {body}")
                return time.monotonic()
            await asyncio.sleep(0.1)
    raise TimeoutError(f"no REST answer within {timeout:.0f} s")


async def _conversation(url: str, turns: list[str], count: int) -> tuple[int, list[float]]:
    failed, samples = 0, []
    async with aiohttp.ClientSession() as session:
        sender = f"footprint-{uuid.uuid4().hex}"
        for index in range(count):
            if index % 20 == 0:
                sender = f"footprint-{uuid.uuid4().hex}"  # conversations of 20 turns
            started = time.perf_counter()
            body = await _turn(session, url, sender, turns[index % len(turns)])
            samples.append((time.perf_counter() - started) * 1000)
            failed += not _answered(body)
    return failed, samples


def measure(label: str, config: StackConfig, first: str, turns: list[str], count: int,
            timeout: float) -> dict[str, Any]:
    stack = Stack(config)
    stack.check_ports(web=False)
    load = os.getloadavg()[0]
    try:
        stack.start_actions()
        spawned = time.monotonic()
        rasa = stack.spawn_rasa()
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        answered = asyncio.run(_first_answer(url, rasa, first, timeout))
        start_cpu = cpu_seconds(rasa.pid)
        after_load = memory_mb(rasa.pid)
        failed, samples = asyncio.run(_conversation(url, turns, count))
        after_turns = memory_mb(rasa.pid)
        same_pid = rasa.poll() is None
    finally:
        stack.stop()
    figures = {
        "start_to_first_answer_s": round(answered - spawned, 1),
        # CPU time the server spent until then: what the start costs on an idle
        # machine, where a start runs mostly on one core.
        "start_cpu_s": round(start_cpu, 1),
        "rss_after_load_mb": after_load,
        "rss_after_turns_mb": after_turns,
        "turns": count,
        "failed_turns": failed,
        "turn_median_ms": round(statistics.median(samples), 1),
        "load_average": round(load, 2),
        "still_running": same_pid,
    }
    print(f"{label}: {figures}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="measure every server this often")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument("--skip-tensorflow", action="store_true",
                        help="leave out the server that builds TensorFlow models")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("footprint-*.sqlite3*"):
        old.unlink()

    ours_turns = [PLAIN_TURN, *LONG_TURNS]
    servers: list[tuple[str, StackConfig, str, list[str]]] = [
        ("ours", StackConfig(rasa_port=5305, action_port=5355, web_port=None, model=args.model,
                             tracker_db=WORK / "footprint-ours.sqlite3",
                             log_dir=WORK / "logs-footprint-ours"), PLAIN_TURN, ours_turns),
    ]
    if not args.skip_tensorflow:
        model = without_numpy_weights(args.model, WORK / "footprint-tf.tar.gz")
        servers.append(("ours, TensorFlow built", StackConfig(
            rasa_port=5306, action_port=5356, web_port=None, model=model,
            tracker_db=WORK / "footprint-tf.sqlite3", log_dir=WORK / "logs-footprint-tf",
            extra_env={"BOT_TENSORFLOW": "import"}), PLAIN_TURN, ours_turns))
    if not args.skip_stock:
        servers.append(("stock", StackConfig(
            rasa_port=5307, action_port=5357, web_port=None, model=train_baseline(),
            endpoints=BASELINE / "endpoints.yml", credentials=BASELINE / "credentials.yml",
            actions_module="bench.baseline.actions", log_dir=WORK / "logs-footprint-stock",
            stock_rasa=True), BASELINE_PLAIN_TURN, [BASELINE_PLAIN_TURN, BASELINE_ACTION_TURN]))

    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
                               "settings": {k: str(v) for k, v in vars(args).items()}, "servers": {}}
    for _ in range(args.rounds):
        for label, config, first, turns in servers:
            figures = measure(label, config, first, turns, args.turns, args.timeout)
            results["servers"].setdefault(label, []).append(figures)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "server_footprint.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1))
    print(render(results))


def render(results: dict[str, Any]) -> str:
    lines = [f"{'':24}{'start s':>10}{'CPU s':>7}{'RSS load MB':>13}{'RSS +turns':>12}"
             f"{'anon/file MB':>15}{'failed':>8}{'load':>6}"]
    for label, runs in results["servers"].items():
        for run in runs:
            memory = run["rss_after_turns_mb"]
            lines.append(
                f"{label:24}{run['start_to_first_answer_s']:>10}{run.get('start_cpu_s')!s:>7}"
                f"{run['rss_after_load_mb'].get('VmRSS'):>13}{memory.get('VmRSS'):>12}"
                f"{memory.get('RssAnon')!s:>9}/{memory.get('RssFile')!s:<5}"
                f"{run['failed_turns']:>8}{run['load_average']:>6}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
