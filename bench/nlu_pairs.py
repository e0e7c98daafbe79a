"""Per-intent precision and recall and the confusion pairs of a trained model on the test file.

Run in the Rasa environment::

    .venv/rasa/bin/python -m bench.nlu_pairs [--model models/thai-assistant.tar.gz]

Prints counts only: per gold intent its examples, recall, precision and
F1, then every (gold, predicted) pair that occurs, most frequent first, with
the pair's count before and after the FallbackClassifier. It never prints a
test sentence, so the test file tells which intents meet, not which wording
to write (training data is written from what citizens say, and checked with
bench/nlu_cv.py on the training data). FAQ keys are pooled as ``faq/*``;
``faq/<other key>`` counts as a wrong FAQ answer. Figures also go to
bench/results/nlu_pairs.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.nlu_eval import TEST_FILE, _parse_all, load_examples, quiet_parses, score
from common.paths import ROOT

RESULTS = ROOT / "bench" / "results" / "nlu_pairs.json"


def _pooled(gold: str, predicted: str) -> tuple[str, str]:
    if gold.startswith("faq/"):
        return "faq/*", ("faq/*" if predicted == gold else "faq/<other key>" if predicted.startswith("faq") else predicted)
    return gold, "faq/*" if predicted.startswith("faq") else predicted


def pairs(examples: list[Any], parsed: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-intent figures and confusion pairs (counts only, no text)."""
    strict: Counter[tuple[str, str]] = Counter()
    before: Counter[tuple[str, str]] = Counter()
    for example, result in zip(examples, parsed):
        name = (result.get("intent") or {}).get("name") or ""
        if name == "faq":
            key = ((result.get("response_selector", {}).get("faq", {}).get("response", {}) or {})
                   .get("intent_response_key", ""))
            name = key or "faq"
        top = next((r["name"] for r in result.get("intent_ranking") or [] if r["name"] != "nlu_fallback"), "")
        if top == "faq" and example.intent.startswith("faq/"):
            top = example.intent  # before fallback, the FAQ key is not chosen yet
        strict[_pooled(example.intent, name)] += 1
        before[_pooled(example.intent, top)] += 1
    intents = sorted({g for g, _ in strict})
    per_intent = {}
    for intent in intents:
        tp = strict[(intent, intent)]
        support = sum(n for (g, _), n in strict.items() if g == intent)
        predicted = sum(n for (_, p), n in strict.items() if p == intent)
        precision = tp / predicted if predicted else 1.0
        recall = tp / support if support else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[intent] = {"examples": support, "recall": round(recall, 3),
                              "precision": round(precision, 3), "f1": round(f1, 3)}
    confusions = sorted(
        ({"gold": g, "predicted": p, "strict": strict[(g, p)], "before_fallback": before[(g, p)]}
         for g, p in set(strict) | set(before) if g != p),
        key=lambda row: (-row["strict"], -row["before_fallback"], row["gold"], row["predicted"]),
    )
    return {"per_intent": per_intent, "confusions": [c for c in confusions if c["strict"] or c["before_fallback"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "thai-assistant.tar.gz")
    args = parser.parse_args()
    quiet_parses()
    examples = load_examples(TEST_FILE)
    parsed = asyncio.run(_parse_all(args.model, [e.text for e in examples]))
    scores = score(examples, parsed)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "model": str(args.model),
              **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.as_dict().items()},
              **pairs(examples, parsed)}
    print(f"strict {scores.intent_accuracy:.3f}  before fallback {scores.intent_accuracy_before_fallback:.3f}  "
          f"macro-F1 {scores.intent_macro_f1:.3f}  entity F1 {scores.entity_f1:.3f}  ({scores.examples} examples)")
    print(f"{'intent':22}{'n':>4}{'recall':>8}{'prec':>7}{'F1':>7}")
    for intent, row in result["per_intent"].items():
        print(f"{intent:22}{row['examples']:4}{row['recall']:8.3f}{row['precision']:7.3f}{row['f1']:7.3f}")
    print(f"{'gold':22}{'predicted':22}{'strict':>7}{'before fallback':>16}")
    for row in result["confusions"]:
        print(f"{row['gold']:22}{row['predicted']:22}{row['strict']:7}{row['before_fallback']:16}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
