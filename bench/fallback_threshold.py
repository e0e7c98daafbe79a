"""Choose the FallbackClassifier threshold from data (Rasa environment).

Run: ``.venv/rasa/bin/python -m bench.fallback_threshold``. Splits the
training data 80/20 per intent (fixed seed), trains the NLU pipeline of
config.yml on the 80 %, and for each candidate threshold counts on the 20 %:

* answered correctly (confidence >= t, right intent),
* answered wrongly (confidence >= t, wrong intent): the citizen gets the
  answer to another question,
* asked back (confidence < t): the two-stage fallback shows "did you mean"
  buttons, which costs the citizen one tap when the guess was right.

A wrong answer is worse than a question back, so the score is
``correct - 2 * wrong - 0.5 * asked_back_when_right``; the threshold with the
best score is the one config.yml uses. The held-out test file is never used
here, so the NLU evaluation stays independent of this choice.
"""
from __future__ import annotations

import asyncio
import json
import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from bench.nlu_quality import RESULTS, WORK, train

ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(15)]
WRONG_COST, ASK_BACK_COST = 2.0, 0.5


def split_training_data(seed: int = 7) -> tuple[Path, list[tuple[str, str]]]:
    """Write 80 % of data/nlu to a folder; return it and the held-back 20 %."""
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data

    # As `rasa train` does: only files that hold NLU data (not the lookups).
    files = get_data_files([str(ROOT / "data" / "nlu")], is_nlu_file)
    data = load_data(files[0]).merge(*(load_data(f) for f in files[1:]))
    by_intent: dict[str, list[Any]] = defaultdict(list)
    for message in data.intent_examples:
        by_intent[message.get("intent")].append(message)
    rng = random.Random(seed)
    train_lines: dict[str, list[str]] = defaultdict(list)
    held_out: list[tuple[str, str]] = []
    for intent, messages in sorted(by_intent.items()):
        rng.shuffle(messages)
        cut = max(1, len(messages) // 5)
        held_out += [(m.get("text"), intent) for m in messages[:cut]]
        for m in messages[cut:]:
            label = m.get_full_intent() if m.get("intent_response_key") else intent
            train_lines[label].append(m.get("text"))
    folder = WORK / "split"
    folder.mkdir(parents=True, exist_ok=True)
    nlu = [{"intent": label, "examples": "".join(f"- {t}\n" for t in texts)}
           for label, texts in train_lines.items()]
    (folder / "nlu.yml").write_text(yaml.safe_dump({"version": "3.1", "nlu": nlu},
                                                   allow_unicode=True), encoding="utf-8")
    responses = ROOT / "data" / "nlu" / "responses"
    for path in responses.glob("*.yml"):
        (folder / f"responses_{path.name}").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder, held_out


async def confidences(model: Path, examples: list[tuple[str, str]]) -> list[tuple[str, float, str]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    out = []
    for text, intent in examples:
        parsed = await agent.parse_message(text)
        best = next(r for r in parsed["intent_ranking"] if r["name"] != "nlu_fallback")
        out.append((best["name"], float(best["confidence"]), intent))
    return out


def sweep(predictions: list[tuple[str, float, str]]) -> list[dict[str, float]]:
    rows = []
    for t in THRESHOLDS:
        correct = sum(1 for p, c, g in predictions if c >= t and p == g)
        wrong = sum(1 for p, c, g in predictions if c >= t and p != g)
        asked_right = sum(1 for p, c, g in predictions if c < t and p == g)
        asked_wrong = sum(1 for p, c, g in predictions if c < t and p != g)
        rows.append({"threshold": t, "answered_correctly": correct, "answered_wrongly": wrong,
                     "asked_back_right_guess": asked_right, "asked_back_wrong_guess": asked_wrong,
                     "score": correct - WRONG_COST * wrong - ASK_BACK_COST * asked_right})
    return rows


def main() -> None:
    folder, held_out = split_training_data()
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config.pop("policies", None)
    model, seconds = train("threshold_split", config, nlu_path=folder)
    rows = sweep(asyncio.run(confidences(model, held_out)))
    best = max(rows, key=lambda r: (r["score"], -r["threshold"]))
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "held_out_examples": len(held_out),
              "train_seconds": round(seconds, 1), "best_threshold": best["threshold"], "sweep": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fallback_threshold.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"{'t':>5}{'right':>7}{'wrong':>7}{'ask(right)':>11}{'ask(wrong)':>11}{'score':>8}")
    for r in rows:
        print(f"{r['threshold']:5.2f}{r['answered_correctly']:7}{r['answered_wrongly']:7}"
              f"{r['asked_back_right_guess']:11}{r['asked_back_wrong_guess']:11}{r['score']:8.1f}")
    print(f"best threshold: {best['threshold']}")


if __name__ == "__main__":
    main()
