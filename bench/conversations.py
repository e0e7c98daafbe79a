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

from common.paths import ROOT
from tests.conversations.cases import Case, load_cases
from tests.conversations.play import play
from tests.conversations.scoring import CaseResult, by_category, overall, report

RESULTS = ROOT / "bench" / "results" / "conversations.json"


@contextmanager
def started_stack() -> Iterator[str]:
    """A seeded stack on free ports (the end-to-end tests' own helper); yields its URL."""
    from tests.e2e.conftest import running_stack  # pytest is installed where the stack runs

    with tempfile.TemporaryDirectory(prefix="convo-") as work:
        with running_stack(Path(work), ROOT / "test-artifacts" / "conversations-logs") as stack:
            yield stack.rasa_url


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def save(results: list[CaseResult]) -> None:
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
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


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
    else:
        with started_stack() as url:
            results = evaluate(url)
    if args.case:
        print("\n\n".join(show(r) for r in results))
        return 0
    print(report(results))
    if not args.category:
        save(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
