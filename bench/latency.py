"""Latency and throughput of full REST turns, ours against stock Rasa in one run.

Run: ``make bench`` or ``.venv/app/bin/python -m bench.latency``. Starts the
assistant on the embedded default (SQLite tracker store, seeded SQLite KB) and
a stock Rasa 3.6.21 toy assistant with a trivial action (bench/baseline), and
measures both with the same client:

* fresh conversations: one turn each (p50/p95/p99), with and without an action;
* one long conversation: latency around turn 5 and around turn 150;
* 32 concurrent conversations: throughput and p95, and the error count;
* CPU time per turn of each server process during the concurrent run (what
  bounds throughput on 2 cores), server start time and resident memory.

Figures go to bench/results/latency.json and are printed as a table.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from app.launcher import STOCK_RASA_BIN, Stack, StackConfig, stack_environment
from common.paths import ROOT

RESULTS = ROOT / "bench" / "results"
BASELINE = ROOT / "bench" / "baseline"
ACTION_TURN = "ต่อบัตรประชาชนใช้เอกสารอะไรบ้างคะ"
PLAIN_TURN = "สวัสดีค่ะ"
LONG_TURNS = [ACTION_TURN, "แล้วค่าธรรมเนียมเท่าไหร่คะ", "ต้องใช้เวลากี่วัน", "ขอบคุณค่ะ"]
APOLOGY = "ขออภัยค่ะ ขณะนี้ระบบขัดข้อง"
BASELINE_ACTION_TURN, BASELINE_PLAIN_TURN = "what documents do I need", "hello"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(samples_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "p99_ms": round(percentile(samples_ms, 99), 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2) if samples_ms else float("nan"),
    }


class Client:
    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.errors = 0

    async def turn(self, sender: str, text: str) -> float:
        started = time.perf_counter()
        async with self.session.post(self.url, json={"sender": sender, "message": text}) as reply:
            body = await reply.json()
        elapsed = (time.perf_counter() - started) * 1000
        # An apology is a 200 with a body, but a failed turn all the same.
        if reply.status != 200 or not body or any(APOLOGY in (m.get("text") or "") for m in body):
            self.errors += 1
        return elapsed


async def measure(base_url: str, action_text: str, plain_text: str, long_turns: list[str],
                  fresh: int, long_length: int, concurrent: int, per_worker: int,
                  cpu_seconds: Callable[[], dict[str, float]] = dict) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=concurrent * 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = Client(session, base_url)
        for _ in range(20):  # warm-up: JIT paths, connection pools, caches
            await client.turn(f"warm-{uuid.uuid4().hex}", action_text)
        client.errors = 0

        with_action = [await client.turn(f"fresh-{uuid.uuid4().hex}", action_text) for _ in range(fresh)]
        without_action = [await client.turn(f"plain-{uuid.uuid4().hex}", plain_text) for _ in range(fresh)]

        sender = f"long-{uuid.uuid4().hex}"
        long_samples = [await client.turn(sender, long_turns[i % len(long_turns)])
                        for i in range(long_length)]
        early = long_samples[2:8]  # turns 3-8, around turn 5
        late = long_samples[-6:]  # the last turns, around turn 150

        async def worker(index: int) -> list[float]:
            who = f"conc-{index}-{uuid.uuid4().hex}"
            return [await client.turn(who, long_turns[i % len(long_turns)]) for i in range(per_worker)]

        cpu_before, started = cpu_seconds(), time.perf_counter()
        per_worker_samples = await asyncio.gather(*(worker(i) for i in range(concurrent)))
        wall = time.perf_counter() - started
        cpu_after = cpu_seconds()
        concurrent_samples = [s for samples in per_worker_samples for s in samples]

    return {
        "turn_with_action": summary(with_action),
        "turn_without_action": summary(without_action),
        "long_conversation": {
            "turns": long_length,
            "around_turn_5_ms": round(statistics.median(early), 2),
            "around_turn_150_ms": round(statistics.median(late), 2),
            "ratio": round(statistics.median(late) / statistics.median(early), 2),
        },
        "concurrent": {
            "conversations": concurrent,
            "turns": len(concurrent_samples),
            "throughput_turns_per_s": round(len(concurrent_samples) / wall, 1),
            **summary(concurrent_samples),
            "cpu_ms_per_turn": {name: round((cpu_after[name] - cpu_before[name]) * 1000
                                            / len(concurrent_samples), 2) for name in cpu_after},
        },
        "errors": client.errors,
    }


def _group(pid: int) -> list[str]:
    """The process and its children (the action server runs Sanic worker processes)."""
    children = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
    return children or [str(pid)]


def rss_mb(pid: int) -> float:
    total = 0
    for child in _group(pid):
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return round(total / 1024, 1)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the process group so far."""
    total = 0.0
    for child in _group(pid):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def train_baseline() -> Path:
    model = BASELINE / "models" / "baseline.tar.gz"
    if not model.exists():
        env = stack_environment(StackConfig(web_port=None), {})
        subprocess.run(
            [str(STOCK_RASA_BIN), "train", "--config", "config.yml", "--domain", "domain.yml",
             "--data", "data", "--out", "models", "--fixed-model-name", "baseline", "--quiet"],
            cwd=BASELINE, env=env, check=True,
        )
    return model


def run_stack(config: StackConfig, label: str, texts: tuple[str, str, list[str]],
              args: argparse.Namespace) -> dict[str, Any]:
    stack = Stack(config)
    started = time.perf_counter()
    stack.start(web=False)
    start_seconds = time.perf_counter() - started
    try:
        figures = asyncio.run(measure(
            stack.rasa_url, *texts, fresh=args.fresh, long_length=args.long,
            concurrent=args.concurrent, per_worker=args.per_worker,
            cpu_seconds=lambda: {name: cpu_seconds(p.pid) for name, p in stack.processes.items()}))
        figures["server_start_s"] = round(start_seconds, 1)
        figures["rss_mb"] = {name: rss_mb(p.pid) for name, p in stack.processes.items()}
    finally:
        stack.stop()
    print(f"measured {label}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", type=int, default=300)
    parser.add_argument("--long", type=int, default=150)
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--per-worker", type=int, default=25)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    for old in work.glob("*.sqlite3*"):
        old.unlink()
    kb_url = f"sqlite+aiosqlite:///{work / 'kb.sqlite3'}"
    env = stack_environment(StackConfig(web_port=None, kb_database_url=kb_url), {})
    subprocess.run([str(ROOT / ".venv" / "app" / "bin" / "python"), "-m", "app.kb.seed"],
                   cwd=ROOT, env=env, check=True, capture_output=True)

    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "settings": vars(args)}
    ours = StackConfig(rasa_port=5105, action_port=5155, web_port=None, kb_database_url=kb_url,
                       tracker_db=work / "tracker.sqlite3", log_dir=work / "logs-ours")
    results["ours"] = run_stack(ours, "ours", (ACTION_TURN, PLAIN_TURN, LONG_TURNS), args)
    if not args.skip_baseline:
        stock = StackConfig(rasa_port=5205, action_port=5255, web_port=None, model=train_baseline(),
                            endpoints=BASELINE / "endpoints.yml",
                            credentials=BASELINE / "credentials.yml",
                            actions_module="bench.baseline.actions", log_dir=work / "logs-stock",
                            stock_rasa=True)
        long_stock = [BASELINE_ACTION_TURN, BASELINE_PLAIN_TURN]
        results["stock_baseline"] = run_stack(
            stock, "stock", (BASELINE_ACTION_TURN, BASELINE_PLAIN_TURN, long_stock), args)

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latency.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(render(results))


def render(results: dict[str, Any]) -> str:
    rows = [
        ("turn with action p50/p95/p99 ms", lambda r: "{p50_ms}/{p95_ms}/{p99_ms}".format(**r["turn_with_action"])),
        ("turn without action p95 ms", lambda r: r["turn_without_action"]["p95_ms"]),
        ("long conversation turn 5 / turn 150 ms", lambda r: "{around_turn_5_ms}/{around_turn_150_ms}".format(**r["long_conversation"])),
        ("turn 150 / turn 5", lambda r: r["long_conversation"]["ratio"]),
        ("32 concurrent: turns/s", lambda r: r["concurrent"]["throughput_turns_per_s"]),
        ("32 concurrent: p95 ms", lambda r: r["concurrent"]["p95_ms"]),
        ("32 concurrent: CPU ms/turn (rasa / actions)",
         lambda r: "{rasa}/{actions}".format(**r["concurrent"]["cpu_ms_per_turn"])),
        ("errors", lambda r: r["errors"]),
        ("server start s", lambda r: r["server_start_s"]),
        ("RSS MB (rasa / actions)", lambda r: f"{r['rss_mb'].get('rasa')}/{r['rss_mb'].get('actions')}"),
    ]
    columns = [k for k in ("ours", "stock_baseline") if k in results]
    lines = [f"{'':42}" + "".join(f"{c:>22}" for c in columns)]
    for label, get in rows:
        lines.append(f"{label:42}" + "".join(f"{str(get(results[c])):>22}" for c in columns))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
