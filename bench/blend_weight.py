"""Choose the blend's weight of DIET against the regression, from cross-validation.

Run in the Rasa environment after ``bench.nlu_cv "DIET alone" "regression alone"``
(same folds, seed and data)::

    .venv/rasa/bin/python -m bench.blend_weight

Each held-back message's two saved rankings (every intent's confidence) are
averaged with DIET's weight w, as ``bot/nlu/intent_blend.py`` does, and scored
as ``bench/nlu_cv.py`` scores a variant: accuracy before fallback, and the
fallback sweep of ``bench/fallback_threshold.py`` (correct - 2 x wrong - 0.5 x
needless ask-backs) at its best thresholds. No training; the held-out test
file is never read. Results go to bench/results/blend_weight.json.
"""
from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.fallback_threshold import best_row, sweep
from bench.nlu_cv import predictions_path
from bench.nlu_quality import RESULTS

WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]


def _rankings(variant: str) -> list[dict[str, Any]]:
    return json.loads(predictions_path(variant).read_text(encoding="utf-8"))


def blend(diet: dict[str, float], regression: dict[str, float], weight: float) -> list[tuple[str, float]]:
    names = (set(diet) | set(regression)) - {"nlu_fallback"}
    scores = {n: weight * diet.get(n, 0.0) + (1 - weight) * regression.get(n, 0.0) for n in names}
    return sorted(scores.items(), key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--diet", default="DIET alone", help="nlu_cv variant of the DIET half")
    parser.add_argument("--regression", default="regression alone", help="nlu_cv variant of the other half")
    args = parser.parse_args()
    diet_rows, regression_rows = _rankings(args.diet), _rankings(args.regression)
    if [r["text"] for r in diet_rows] != [r["text"] for r in regression_rows]:
        raise SystemExit("the two variants were not scored on the same folds: run them in one nlu_cv run")
    rows = []
    for weight in WEIGHTS:
        predictions = []
        for d, r in zip(diet_rows, regression_rows):
            ranked = blend(dict(d["ranking"]), dict(r["ranking"]), weight)
            predictions.append((ranked[0][0], ranked[0][1], d["gold"], ranked[0][1] - ranked[1][1]))
        best = best_row(sweep(predictions))
        rows.append({"diet_weight": weight,
                     "accuracy_before_fallback": round(
                         sum(p == g for p, _, g, _ in predictions) / len(predictions), 4),
                     **{k: best[k] for k in ("threshold", "ambiguity_threshold", "answered_correctly",
                                             "answered_wrongly", "asked_back_right_guess", "score")}})
        print(rows[-1], flush=True)
    best = max(rows, key=lambda r: (r["score"], r["accuracy_before_fallback"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "blend_weight.json").write_text(json.dumps(
        {"date": time.strftime("%Y-%m-%d %H:%M"), "diet": args.diet, "regression": args.regression,
         "examples": len(diet_rows),
         "best_diet_weight": best["diet_weight"], "sweep": rows}, indent=1), encoding="utf-8")
    print(f"best DIET weight: {best['diet_weight']}")


if __name__ == "__main__":
    main()
