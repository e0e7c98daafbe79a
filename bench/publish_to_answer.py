"""From publication to the assistant's new answer, on every replica (issue 10: p95 ≤ 5 s).

Run: ``.venv/app/bin/python -m bench.publish_to_answer [--rounds 20] [--replicas 2]``.
Seeds a SQLite knowledge base from data/kb, starts ``--replicas`` Rasa servers,
each with its own action server (and so its own cache), and warms every cache.
Then, each round, publishes a new answer the way the console does
(``editing.publish``: a draft, then publication with a reason), alternately an
FAQ answer and an office's phone, and asks every replica over REST, each poll
from a new conversation, until all of them give it. The time from the commit
to the last replica's first new answer is one sample; the poll itself (one
REST turn per replica) is included, as a citizen would see it.

Baseline, same run: the time-to-live alone (what the cache did before the
generation check) would take until the entry expires, uniformly 0–10 s
(p95 9.5 s); the script prints the measured figures next to the target.
Figures go to bench/results/publish_to_answer.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from app.kb.db import Database
from app.kb.models import ContentKind
from app.kb.repositories import editing
from app.launcher import Stack, StackConfig
from bench.latency import percentile
from common.paths import ROOT
from tests.e2e.conftest import free_port, seed_kb

RESULTS = ROOT / "bench" / "results"
TARGET_P95_S = 5.0
TTL_ONLY_P95_S = 9.5  # uniform over the 10 s time-to-live
FAQ_QUESTION = "ThaID คืออะไรคะ"
OFFICE = "district_office:3001"
OFFICE_QUESTION = "อำเภอเมืองนครราชสีมาเปิดกี่โมงคะ"
EDITOR = editing.Editor("console:bench")


async def publish(db: Database, round_no: int) -> tuple[str, str]:
    """Publish this round's change; the question that shows it and the text it shows."""
    if round_no % 2 == 0:
        marker = f"(ฉบับที่ {round_no} {uuid.uuid4().hex[:4]})"
        data: dict[str, Any] = {"key": "thaid_what",
                                "answer": f"ThaID (ไทยดี) คือแอปยืนยันตัวตนของกรมการปกครองค่ะ {marker}"}
        kind, question = ContentKind.FAQ, FAQ_QUESTION
    else:
        marker = f"โทร 0 4400 {round_no:04d}"
        data = {"code": OFFICE, "phone": marker.removeprefix("โทร ")}
        kind, question = ContentKind.OFFICE, OFFICE_QUESTION
    async with db.session() as session:
        draft = await editing.create_draft(session, kind, data, EDITOR)
        await editing.publish(session, draft.id, EDITOR, "วัดเวลาจากการเผยแพร่ถึงคำตอบ")
    return question, marker


async def answer(session: aiohttp.ClientSession, stack: Stack, question: str) -> str:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    body = {"sender": f"bench-{uuid.uuid4().hex}", "message": question}
    async with session.post(url, json=body) as reply:
        messages = await reply.json()
    return "\n".join(m.get("text", "") for m in messages or [])


async def rounds(stacks: list[Stack], kb_url: str, count: int, limit: float) -> list[float]:
    db = Database(kb_url)
    samples: list[float] = []
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            for question in (FAQ_QUESTION, OFFICE_QUESTION):  # warm every cache
                for stack in stacks:
                    await answer(session, stack, question)
            for round_no in range(count):
                question, marker = await publish(db, round_no)
                published = time.monotonic()
                pending = set(range(len(stacks)))
                while pending and time.monotonic() - published < limit:
                    texts = await asyncio.gather(*(answer(session, stacks[i], question)
                                                   for i in sorted(pending)))
                    pending = {i for i, t in zip(sorted(pending), texts) if marker not in t}
                elapsed = time.monotonic() - published
                samples.append(elapsed if not pending else float("inf"))
                print(f"round {round_no + 1:2d}: {elapsed:5.2f} s"
                      + ("" if not pending else f"  (replicas {sorted(pending)} never answered)"))
                await asyncio.sleep(0.3 + (round_no % 5) * 0.17)  # spread over the check phase
    finally:
        await db.dispose()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--limit", type=float, default=30.0, help="give up on a round after (s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as tmp:
        workdir = Path(tmp)
        kb_url = f"sqlite+aiosqlite:///{workdir / 'kb.sqlite3'}"
        seed_kb(kb_url)
        stacks = [Stack(StackConfig(rasa_port=free_port(), action_port=free_port(), web_port=None,
                                    tracker_db=workdir / f"tracker-{i}.sqlite3",
                                    kb_database_url=kb_url, log_dir=workdir / f"logs-{i}"))
                  for i in range(args.replicas)]
        try:
            for stack in stacks:
                stack.start(web=False, timeout=900)
            samples = asyncio.run(rounds(stacks, kb_url, args.rounds, args.limit))
        finally:
            for stack in stacks:
                stack.stop()
    finite = [s for s in samples if s != float("inf")]
    result = {
        "replicas": args.replicas, "rounds": len(samples), "never_answered": len(samples) - len(finite),
        "p50_s": round(percentile(finite, 50), 2), "p95_s": round(percentile(samples, 95), 2),
        "max_s": round(max(samples), 2), "mean_s": round(statistics.fmean(finite), 2) if finite else None,
        "target_p95_s": TARGET_P95_S, "ttl_only_p95_s": TTL_ONLY_P95_S,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "publish_to_answer.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    verdict = "meets" if result["p95_s"] <= TARGET_P95_S else "MISSES"
    print(f"p95 {result['p95_s']} s {verdict} the target of {TARGET_P95_S} s "
          f"(time-to-live alone: p95 {TTL_ONLY_P95_S} s)")


if __name__ == "__main__":
    main()
