"""Redaction's cost on a turn of the embedded default (run in .venv/rasa).

    .venv/rasa/bin/python -m bench.analytics_turn

what redaction adds to a turn on the embedded default is what the
tracker store's ``save`` does more (redaction of the turn's events, keyed
hash; the broker only appends to memory). Both stores run in the same process
on the same turns: the current code, and the same store with redaction and
pseudonyms switched off (the code before issue 11). p50/p95 of ``save``.
Figures to bench/results/analytics_worker.json (key "turn") and the terminal.
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from typing import Any

from bench.analytics_worker import RESULTS, ROOT, corpus_texts


async def bench_turn(turns: int) -> dict[str, Any]:
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key")
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

    from bot.server import patches

    patches.apply()
    from bot.server.tracker_store import CachingSQLTrackerStore

    class BeforeIssue11(CachingSQLTrackerStore):
        """The same store without redaction or pseudonyms: the code this replaces."""

        def key_for(self, sender_id: str) -> str:
            return sender_id

        def redacted_event(self, event: Any, known: Any = None) -> dict[str, Any]:
            return event.as_dict()

    class Broker:
        def publish(self, event: dict[str, Any]) -> None:
            pass

    domain = Domain.load(str(ROOT / "domain.yml"))
    texts = corpus_texts()
    out: dict[str, Any] = {"turns": turns}
    with tempfile.TemporaryDirectory() as tmp:
        stores = {
            "current": CachingSQLTrackerStore(domain, dialect="sqlite", db=f"{tmp}/a.db", event_broker=Broker()),
            "before": BeforeIssue11(domain, dialect="sqlite", db=f"{tmp}/b.db", event_broker=Broker(),
                                    redact_names=False),
        }
        timings: dict[str, list[float]] = {name: [] for name in stores}
        cpu: dict[str, list[float]] = {name: [] for name in stores}
        for n in range(turns):
            for name, store in stores.items():  # interleaved: both see the same load
                sender = f"U{n // 10:032x}"
                tracker = await store.retrieve(sender) or await store.get_or_create_tracker(sender)
                text = texts[n % len(texts)]
                for event in [UserUttered(text, {"name": "ask_documents", "confidence": 0.9},
                                          [{"entity": "service", "value": "passport"}], input_channel="line"),
                              SlotSet("service", "passport"), ActionExecuted("action_answer_service"),
                              BotUttered("เอกสารที่ต้องใช้สำหรับทำหนังสือเดินทางค่ะ\n• บัตรประจำตัวประชาชน", {}),
                              BotUttered("คำตอบนี้เป็นประโยชน์ไหมคะ", {}, {"utter_action": "utter_ask_feedback"}),
                              ActionExecuted("action_listen")]:
                    tracker.update(event)
                started, cpu_started = time.perf_counter(), time.process_time()
                await store.save(tracker)
                timings[name].append((time.perf_counter() - started) * 1000)
                cpu[name].append((time.process_time() - cpu_started) * 1000)
    for name, values in timings.items():
        values.sort()
        out[f"{name}_save_ms_p50"] = round(statistics.median(values), 3)
        out[f"{name}_save_ms_p95"] = round(values[int(0.95 * len(values)) - 1], 3)
    for name, values in cpu.items():
        values.sort()
        out[f"{name}_save_cpu_ms_p50"] = round(statistics.median(values), 3)
        out[f"{name}_save_cpu_ms_p95"] = round(values[int(0.95 * len(values)) - 1], 3)
    out["added_cpu_p95_ms"] = round(out["current_save_cpu_ms_p95"] - out["before_save_cpu_ms_p95"], 3)
    out["added_cpu_p50_ms"] = round(out["current_save_cpu_ms_p50"] - out["before_save_cpu_ms_p50"], 3)
    out["added_p95_ms"] = round(out["current_save_ms_p95"] - out["before_save_ms_p95"], 3)
    out["added_p50_ms"] = round(out["current_save_ms_p50"] - out["before_save_ms_p50"], 3)
    return out


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "analytics_worker.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    figures = asyncio.run(bench_turn(int(os.environ.get("BENCH_TURNS", "600"))))
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    figures["at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    saved["turn"] = figures
    path.write_text(json.dumps(saved, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
