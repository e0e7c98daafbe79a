"""Choose the FallbackClassifier threshold from data (Rasa environment).

Run: ``.venv/rasa/bin/python -m bench.fallback_threshold``. Splits the
training data 80/20 per intent (fixed seed), trains the NLU pipeline of
config.yml on the 80 %, and for each candidate threshold and ambiguity
threshold (FallbackClassifier also asks back when the top two intents are
closer than that) counts on the 20 %:

* answered correctly (confidence >= t, right intent),
* answered wrongly (confidence >= t, wrong intent): the citizen gets the
  answer to another question,
* asked back (confidence < t, or top two closer than the ambiguity
  threshold): the two-stage fallback shows "did you mean"
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
AMBIGUITIES = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
WRONG_COST, ASK_BACK_COST = 2.0, 0.5


def split_training_data(
    seed: int = 7, folds: int = 5, fold: int = 0, name: str = "split",
    source: Path = ROOT / "data" / "nlu",
) -> tuple[Path, list[tuple[str, str]]]:
    """Write all but one fold of data/nlu to a folder; return it and the held-back fold.

    The defaults hold back the first fifth of each intent (an 80/20 split);
    ``fold`` 0 … ``folds`` - 1 with one seed give a stratified cross-validation
    in which every example is held back once.
    """
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.loading import load_data

    # As `rasa train` does: only files that hold NLU data (not the lookups).
    files = get_data_files([str(source)], is_nlu_file)
    data = load_data(files[0]).merge(*(load_data(f) for f in files[1:]))
    by_intent: dict[str, list[Any]] = defaultdict(list)
    for message in data.intent_examples:
        by_intent[message.get("intent")].append(message)
    rng = random.Random(seed)
    train_lines: dict[str, list[str]] = defaultdict(list)
    held_out: list[tuple[str, str]] = []
    for intent, messages in sorted(by_intent.items()):
        rng.shuffle(messages)
        first, last = fold * len(messages) // folds, (fold + 1) * len(messages) // folds
        held_out += [(m.get("text"), intent) for m in messages[first:last]]
        for m in messages[:first] + messages[last:]:
            label = m.get_full_intent() if m.get("intent_response_key") else intent
            train_lines[label].append(m.get("text"))
    folder = WORK / name
    folder.mkdir(parents=True, exist_ok=True)
    nlu = [{"intent": label, "examples": "".join(f"- {t}\n" for t in texts)}
           for label, texts in train_lines.items()]
    (folder / "nlu.yml").write_text(yaml.safe_dump({"version": "3.1", "nlu": nlu},
                                                   allow_unicode=True), encoding="utf-8")
    responses = source / "responses"
    for path in responses.glob("*.yml"):
        (folder / f"responses_{path.name}").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder, held_out


Prediction = tuple[str, float, str, float]  # best intent, its confidence, gold, margin to the 2nd


async def confidences(model: Path, examples: list[tuple[str, str]]) -> list[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    out = []
    for text, intent in examples:
        ranking = (await agent.parse_message(text))["intent_ranking"]
        name, confidence = best_intent(ranking)
        out.append((name, confidence, intent, margin(ranking)))
    return out


def best_intent(ranking: list[dict[str, Any]]) -> tuple[str, float]:
    """The top intent other than ``nlu_fallback`` and its confidence."""
    best = next(r for r in ranking if r["name"] != "nlu_fallback")
    return best["name"], float(best["confidence"])


def margin(ranking: list[dict[str, Any]]) -> float:
    """Confidence of the top intent minus the second's, as FallbackClassifier computes it."""
    scores = [float(r["confidence"]) for r in ranking if r["name"] != "nlu_fallback"]
    return scores[0] - scores[1] if len(scores) > 1 else 1.0


def sweep(predictions: list[Prediction]) -> list[dict[str, float]]:
    """Outcomes per (threshold, ambiguity threshold): both make FallbackClassifier ask back."""
    rows = []
    for t in THRESHOLDS:
        for a in AMBIGUITIES:
            answered = [(p, g) for p, c, g, m in predictions if c >= t and m >= a]
            asked = [(p, g) for p, c, g, m in predictions if c < t or m < a]
            correct = sum(1 for p, g in answered if p == g)
            wrong = len(answered) - correct
            asked_right = sum(1 for p, g in asked if p == g)
            rows.append({"threshold": t, "ambiguity_threshold": a, "answered_correctly": correct,
                         "answered_wrongly": wrong, "asked_back_right_guess": asked_right,
                         "asked_back_wrong_guess": len(asked) - asked_right,
                         "score": correct - WRONG_COST * wrong - ASK_BACK_COST * asked_right})
    return rows


def best_row(rows: list[dict[str, float]]) -> dict[str, float]:
    """Best score; on a tie the lower thresholds (fewer questions back)."""
    return max(rows, key=lambda r: (r["score"], -r["threshold"], -r["ambiguity_threshold"]))


def main() -> None:
    folder, held_out = split_training_data()
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config.pop("policies", None)
    model, seconds = train("threshold_split", config, nlu_path=folder)
    rows = sweep(asyncio.run(confidences(model, held_out)))
    best = best_row(rows)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "held_out_examples": len(held_out),
              "train_seconds": round(seconds, 1), "best_threshold": best["threshold"],
              "best_ambiguity_threshold": best["ambiguity_threshold"], "sweep": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fallback_threshold.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"{'t':>5}{'amb':>6}{'right':>7}{'wrong':>7}{'ask(right)':>11}{'ask(wrong)':>11}{'score':>8}")
    for r in rows:
        print(f"{r['threshold']:5.2f}{r['ambiguity_threshold']:6.2f}{r['answered_correctly']:7}"
              f"{r['answered_wrongly']:7}{r['asked_back_right_guess']:11}"
              f"{r['asked_back_wrong_guess']:11}{r['score']:8.1f}")
    print(f"best threshold: {best['threshold']}, ambiguity threshold: {best['ambiguity_threshold']}")


if __name__ == "__main__":
    main()
