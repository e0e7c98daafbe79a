"""Conversation evaluation: whole conversations over REST, each turn checked for its fact.

Run: ``.venv/app/bin/python -m bench.conversations`` (starts a seeded stack on
free ports with the trained model, plays every case in tests/conversations,
stops the stack) or ``--url http://127.0.0.1:5005`` against a stack that is
already running. Prints the pass rate overall and per category, then the ids
of the failed cases with their first failed check. ``--case ID`` plays one
case and prints its replies, to see why it failed. The figures also go to
bench/results/conversations.json.

This is not the NLU test file: the cases were written from the knowledge base
and the domain, as a citizen would ask, and count only what reaches the chat.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.launcher import MODEL, Stack, StackConfig
from common.paths import ROOT
from tests.conversations.cases import Case, load_cases
from tests.conversations.play import play
from tests.conversations.scoring import CaseResult, by_category, overall, report
from tests.e2e.conftest import free_port, seed_kb

RESULTS = ROOT / "bench" / "results" / "conversations.json"


@contextmanager
def started_stack(start_timeout: float, model: Path = MODEL) -> Iterator[str]:
    """A seeded stack on free ports, as the end-to-end tests start it; yields its URL.

    The Rasa server gets ``start_timeout`` seconds to load the model: on cores
    shared with other jobs it can take longer than the launcher's default.
    """
    with tempfile.TemporaryDirectory(prefix="convo-") as work:
        kb_url = f"sqlite+aiosqlite:///{Path(work) / 'kb.sqlite3'}"
        seed_kb(kb_url)
        config = StackConfig(
            rasa_port=free_port(), action_port=free_port(), web_port=None,
            tracker_db=Path(work) / "tracker.sqlite3", kb_database_url=kb_url, model=model,
            log_dir=ROOT / "test-artifacts" / "conversations-logs",
        )
        stack = Stack(config)
        try:
            stack.start_actions()
            stack.start_rasa(timeout=start_timeout)
            yield stack.rasa_url
        finally:
            stack.stop()


def _git_commit() -> str:
    """HEAD, marked "+changes" when the cases or the assistant differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()

    try:
        changed = git("status", "--porcelain", "--", "tests/conversations", "actions", "app",
                      "bot", "data", "domain.yml", "config.yml")
        return git("rev-parse", "--short", "HEAD") + ("+changes" if changed else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def save(results: list[CaseResult], path: Path = RESULTS) -> None:
    total = overall(results)
    figures = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": _git_commit(),
        "cases": total.total,
        "passed": total.passed,
        "rate": round(total.rate, 4),
        "by_category": {c: {"passed": t.passed, "cases": t.total, "rate": round(t.rate, 4)}
                        for c, t in by_category(results).items()},
        "failed": {r.case.id: str(r.failure) for r in results if not r.passed},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def show(result: CaseResult) -> str:
    outcome = "passed" if result.passed else str(result.failure)
    lines = [f"{result.case.id} ({result.case.category}): {outcome}"]
    for number, (turn, reply) in enumerate(zip(result.case.turns, result.replies, strict=False), 1):
        lines += [f"--- turn {number}: {turn.say}", reply]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Rasa server (default: start one)")
    parser.add_argument("--case", action="append", default=[], help="play only this case id")
    parser.add_argument("--category", action="append", default=[], help="only this category")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--start-timeout", type=float, default=600,
                        help="seconds the Rasa server may take to load the model")
    parser.add_argument("--model", type=Path, default=MODEL,
                        help="the trained model to serve (another model against the same cases)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where the figures go (a baseline's beside the committed ones)")
    args = parser.parse_args(argv)

    cases: list[Case] = load_cases()
    if args.case:
        cases = [c for c in cases if c.id in set(args.case)]
    if args.category:
        cases = [c for c in cases if c.category in set(args.category)]
    if not cases:
        print("no case matches", file=sys.stderr)
        return 2

    def evaluate(url: str) -> list[CaseResult]:
        return play(url, cases, workers=args.workers)

    if args.url:
        results = evaluate(args.url)
    elif not args.model.exists():
        print(f"no trained model at {args.model}: run `make model` first", file=sys.stderr)
        return 2
    else:
        with started_stack(args.start_timeout, args.model) as url:
            results = evaluate(url)
    if args.case:
        print("\n\n".join(show(r) for r in results))
        return 0
    print(report(results))
    if not args.category:
        save(results, args.results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
