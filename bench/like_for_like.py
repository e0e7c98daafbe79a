"""Like for like: our Rasa server against stock Rasa 3.6.21 serving the same model and data.

Run: ``.venv/app/bin/python -m bench.like_for_like`` after ``make model``.

bench/latency.py compares against a toy assistant, which says how much Rasa
itself costs but not what our speed-ups are worth on our own pipeline. Here
both servers load models/thai-assistant.tar.gz, talk to the same action
server code on the same seeded knowledge base, and get the same messages:

* stock: Rasa's own command line (``STOCK_RASA_BIN``) with none of the project's patches, Rasa's
  own REST channel and SQL tracker store (bench/stock_same_model/);
* ours: ``python -m bot run`` as ``make run`` starts it.

For each server, in one run: every conversation case of tests/conversations
played and scored (a reply must carry its fact, not only be a 200), then the
latency figures of bench/latency.py on the same Thai turns. Figures go to
bench/results/like_for_like.json and are printed as a table.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from app.launcher import MODEL, Stack, StackConfig
from bench.latency import ACTION_TURN, LONG_TURNS, PLAIN_TURN, cpu_seconds, measure, rss_mb
from common.paths import ROOT
from tests.conversations.cases import load_cases
from tests.conversations.play import play
from tests.conversations.scoring import by_category, overall
from tests.e2e.conftest import free_port, seed_kb

RESULTS = ROOT / "bench" / "results" / "like_for_like.json"
STOCK = ROOT / "bench" / "stock_same_model"


def run_server(label: str, work: Path, kb_url: str, args: argparse.Namespace) -> dict[str, Any]:
    stock = label == "stock"
    config = StackConfig(
        rasa_port=free_port(), action_port=free_port(), web_port=None, kb_database_url=kb_url,
        tracker_db=work / f"tracker-{label}.sqlite3", log_dir=work / f"logs-{label}",
        stock_rasa=stock,
        **({"endpoints": STOCK / "endpoints.yml", "credentials": STOCK / "credentials.yml"}
           if stock else {}),
    )
    stack = Stack(config)
    started = time.perf_counter()
    stack.start(web=False, timeout=args.start_timeout)
    figures: dict[str, Any] = {"server_start_s": round(time.perf_counter() - started, 1)}
    try:
        results = play(stack.rasa_url, load_cases(), workers=2)
        total = overall(results)
        figures["conversations"] = {
            "passed": total.passed, "cases": total.total, "rate": round(total.rate, 4),
            "by_category": {c: f"{t.passed}/{t.total}" for c, t in by_category(results).items()},
        }
        figures.update(asyncio.run(measure(
            stack.rasa_url, ACTION_TURN, PLAIN_TURN, LONG_TURNS, fresh=args.fresh,
            long_length=args.long, concurrent=args.concurrent, per_worker=args.per_worker,
            cpu_seconds=lambda: {n: cpu_seconds(p.pid) for n, p in stack.processes.items()})))
        figures["rss_mb"] = {name: rss_mb(p.pid) for name, p in stack.processes.items()}
    finally:
        stack.stop()
    print(f"measured {label}", flush=True)
    return figures


def render(results: dict[str, Any]) -> str:
    rows = [
        ("conversation cases right", lambda r: "{passed}/{cases} ({rate:.1%})".format(
            **r["conversations"])),
        ("turn with action p50/p95 ms",
         lambda r: "{p50_ms}/{p95_ms}".format(**r["turn_with_action"])),
        ("turn 150 / turn 5", lambda r: r["long_conversation"]["ratio"]),
        ("32 concurrent: turns/s", lambda r: r["concurrent"]["throughput_turns_per_s"]),
        ("32 concurrent: p95 ms", lambda r: r["concurrent"]["p95_ms"]),
        ("32 concurrent: Rasa CPU ms/turn", lambda r: r["concurrent"]["cpu_ms_per_turn"]["rasa"]),
        ("failed or apologised turns", lambda r: r["errors"]),
        ("server start s", lambda r: r["server_start_s"]),
        ("Rasa RSS MB", lambda r: r["rss_mb"].get("rasa")),
    ]
    labels = [k for k in ("ours", "stock") if k in results]
    lines = ["| | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for title, cell in rows:
        lines.append(f"| {title} | " + " | ".join(str(cell(results[k])) for k in labels) + " |")
    categories = results[labels[0]]["conversations"]["by_category"]
    for category in categories:
        lines.append(f"| · {category} | " + " | ".join(
            results[k]["conversations"]["by_category"].get(category, "-") for k in labels) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", type=int, default=200)
    parser.add_argument("--long", type=int, default=150)
    parser.add_argument("--concurrent", type=int, default=32)
    parser.add_argument("--per-worker", type=int, default=20)
    parser.add_argument("--start-timeout", type=float, default=600)
    args = parser.parse_args()
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make model` first")
        return 2
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "settings": vars(args)}
    with tempfile.TemporaryDirectory(prefix="like-for-like-") as tmp:
        work = Path(tmp)
        kb_url = f"sqlite+aiosqlite:///{work / 'kb.sqlite3'}"
        seed_kb(kb_url)
        for label in ("ours", "stock"):
            results[label] = run_server(label, work, kb_url, args)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
