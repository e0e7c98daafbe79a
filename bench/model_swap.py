"""Turns under load while Rasa pulls and swaps in a new model: ours against Rasa's own pull.

Run: ``.venv/app/bin/python -m bench.model_swap [--conversations 8]``.

For each variant, one after the other on the same machine: the model server
(``python -m app.modelserver``) serves the trained model, Rasa (with ``models:``
pulling every 2 s) and the action server start on a seeded SQLite knowledge
base, ``--conversations`` citizens talk without pause (three-turn
conversations, one with an action), and after a warm-up another model is
published (the same model packed into other bytes, so a new ETag). The
window measured runs from that publication until ``/status`` names the new
model, plus a few seconds on it. Variants:

* ``patched``: ``python -m bot run`` (bot/server/model_pull.py loads the pulled
  model in a worker thread and swaps it in);
* ``stock_pull``: the same, with only that patch left out: Rasa 3.6's own
  ``_update_model_from_server``, which loads on the event loop (rasa#3910).

Counted: turns, failed turns (not 200, or empty), apologised turns, the
slowest turn and turns over 2 s (target: none failed, none over 2 s), and how
long the swap took; the same figures for the same load just before the
publication (``before_swap``) tell the swap's cost from the machine's. Figures go to bench/results/model_swap.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from app.launcher import MODEL, RASA_PYTHON, Stack, StackConfig
from app.modelserver.process import ModelServerProcess
from app.modelserver.store import ModelStore
from bench.latency import percentile
from common.paths import ROOT
from tests.app.modelserver.support import repack
from tests.e2e.conftest import free_port, seed_kb

RESULTS = ROOT / "bench" / "results"
APOLOGY = "ขออภัยค่ะ ขณะนี้ระบบขัดข้อง"
TURNS = ["ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ", "แล้วค่าธรรมเนียมเท่าไหร่คะ", "สวัสดีค่ะ"]
PULL_SECONDS = 2
SLOW_S = 2.0
# The entry point with every patch but the model pull (the baseline).
STOCK_PULL = ("import sys; from bot.server import model_pull; model_pull.apply = lambda: None; "
              "from bot.__main__ import main; main(sys.argv[1:])")


class PullingStack(Stack):
    """A stack whose Rasa optionally runs without the model-pull patch."""

    def __init__(self, config: StackConfig, *, stock_pull: bool) -> None:
        super().__init__(config)
        self.stock_pull = stock_pull

    def rasa_argv(self) -> list[str]:
        argv = super().rasa_argv()
        if self.stock_pull:  # argv is [python, -m, bot, run, ...]
            argv = [str(RASA_PYTHON), "-c", STOCK_PULL, *argv[3:]]
        return argv


def endpoints_with_models(target: Path, model_server: str) -> Path:
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    endpoints["models"] = {"url": f"{model_server}/models/current",
                           "wait_time_between_pulls": PULL_SECONDS}
    target.write_text(yaml.safe_dump(endpoints, allow_unicode=True), encoding="utf-8")
    return target


class Load:
    def __init__(self, session: aiohttp.ClientSession, stack: Stack) -> None:
        self.session = session
        self.url = f"{stack.rasa_url}/webhooks/rest/webhook"
        self.samples: list[tuple[float, float, str]] = []  # (ended at, seconds, outcome)
        self.stop = False

    async def citizen(self) -> None:
        while not self.stop:
            sender = f"swap-{uuid.uuid4().hex}"
            for text in TURNS:
                started = time.monotonic()
                outcome = "ok"
                try:
                    async with self.session.post(self.url, json={"sender": sender, "message": text}) as reply:
                        body = await reply.json() if reply.status == 200 else None
                    texts = " ".join(m.get("text", "") for m in body or [])
                    if reply.status != 200 or not texts:
                        outcome = "failed"
                    elif APOLOGY in texts:
                        outcome = "apologised"
                except (aiohttp.ClientError, TimeoutError):
                    outcome = "failed"
                ended = time.monotonic()
                self.samples.append((ended, ended - started, outcome))


async def model_file(session: aiohttp.ClientSession, stack: Stack) -> str:
    url = f"{stack.rasa_url}/status?token={stack.config.rasa_token}"
    async with session.get(url) as reply:
        return str((await reply.json()).get("model_file"))


async def measure(stack: Stack, store: ModelStore, new_model: Path, conversations: int,
                  warmup: float) -> dict[str, Any]:
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session, \
            aiohttp.ClientSession(timeout=timeout) as probe:
        load = Load(session, stack)
        citizens = [asyncio.create_task(load.citizen()) for _ in range(conversations)]
        await asyncio.sleep(warmup)
        published_at = time.monotonic()
        await asyncio.to_thread(store.publish, new_model)
        swapped_at = None
        while time.monotonic() - published_at < 900:
            if await model_file(probe, stack) == new_model.name:
                swapped_at = time.monotonic()
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(5)
        load.stop = True
        await asyncio.gather(*citizens)
    # The first few seconds warm the caches and the connections: not counted.
    before = [(s, o) for ended, s, o in load.samples if published_at - warmup / 2 <= ended < published_at]
    window = [(s, o) for ended, s, o in load.samples if ended >= published_at]
    return {**figures(window), "swap_s": round(swapped_at - published_at, 1) if swapped_at else None,
            "before_swap": figures(before)}


def figures(samples: list[tuple[float, str]]) -> dict[str, Any]:
    seconds = [s for s, _ in samples]
    return {
        "turns": len(samples),
        "failed": sum(o == "failed" for _, o in samples),
        "apologised": sum(o == "apologised" for _, o in samples),
        "max_s": round(max(seconds), 2) if seconds else None,
        "p95_s": round(percentile(seconds, 95), 2) if seconds else None,
        "over_2s": sum(s > SLOW_S for s in seconds),
    }


def run_variant(name: str, conversations: int, warmup: float, workdir: Path) -> dict[str, Any]:
    directory = workdir / name
    directory.mkdir()
    store = ModelStore(directory / "store")
    store.publish(MODEL)
    server = ModelServerProcess(store.directory, free_port(), directory / "model-server.log")
    kb_url = f"sqlite+aiosqlite:///{directory / 'kb.sqlite3'}"
    seed_kb(kb_url)
    stack = PullingStack(StackConfig(
        rasa_port=free_port(), action_port=free_port(), web_port=None,
        tracker_db=directory / "tracker.sqlite3", kb_database_url=kb_url,
        log_dir=directory / "logs", endpoints=endpoints_with_models(directory / "endpoints.yml", "")),
        stock_pull=name == "stock_pull")
    try:
        server.start()
        endpoints_with_models(stack.config.endpoints, server.url)
        stack.start(web=False, timeout=900)
        new_model = repack(MODEL, directory / f"thai-assistant-{name}.tar.gz", mtime=int(time.time()))
        result = asyncio.run(measure(stack, store, new_model, conversations, warmup))
    finally:
        stack.stop()
        server.stop()
    print(f"{name}: {result}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=30.0,
                        help="seconds of load before the publication (the second half is the reference)")
    parser.add_argument("--variants", nargs="+", default=["patched", "stock_pull"])
    args = parser.parse_args()
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"),
                               "conversations": args.conversations}
    with tempfile.TemporaryDirectory(prefix="model-swap-") as tmp:
        for name in args.variants:
            results[name] = run_variant(name, args.conversations, args.warmup, Path(tmp))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "model_swap.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'variant':12}{'turns':>7}{'failed':>8}{'apologised':>12}{'max s':>8}{'p95 s':>8}"
          f"{'>2 s':>6}{'swap s':>8}")
    for name in args.variants:
        for label, r in ((name, results[name]), ("  no swap", results[name]["before_swap"])):
            print(f"{label:12}{r['turns']:7}{r['failed']:8}{r['apologised']:12}{r['max_s']!s:>8}"
                  f"{r['p95_s']!s:>8}{r['over_2s']:6}{r.get('swap_s', '')!s:>8}")


if __name__ == "__main__":
    main()
