"""Cross-validated intent accuracy of pipeline variants, on the training data only.

Run in the Rasa environment::

    nice -n 15 .venv/rasa/bin/python -m bench.nlu_cv [--folds 5] [--seed 7] [VARIANT ...]

Every intent's examples are shuffled (fixed seed) and cut into ``--folds``
parts; each variant is trained on all parts but one and scored on the part
held back, so every training example is scored once by a model that never saw
it. The held-out test file is never read, so choices made here do not tune on
it. Reported per variant:

* accuracy before fallback (top intent other than ``nlu_fallback``) and after
  it (the FallbackClassifier of the variant's config counts as wrong, as in
  ``bench/nlu_eval.py``);
* recall per intent and the most frequent confusions (gold → predicted);
* the fallback threshold and ambiguity threshold that score best on all
  folds' predictions together (``best_fallback_pooled``: the sweep and cost of
  ``bench/fallback_threshold.py`` on five times as many examples);
* training seconds and parse latency of the NLU pipeline.

Every held-back prediction, with its intent ranking, goes to
var/bench/nlu/cv_predictions_*.json (not committed): the misses show what to
write next, and thresholds and blends (bench/blend_weight.py) are studied from
them without training again. data/nlu is copied when the run starts, so
editing it meanwhile does not change the data under a run.

The ResponseSelector is left out of these trainings: it picks the FAQ answer
after DIET has chosen the intent and does not change the intent, so leaving
it out only saves time. Entities are not scored here (the training data does
not annotate them); the gazetteer is deterministic and has its own tests.
Results go to bench/results/nlu_cv.json, one entry per variant.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import yaml

from bench.fallback_threshold import ROOT, best_intent, best_row, margin, split_training_data, sweep
from bench.nlu_quality import RESULTS, WORK, train

Config = dict[str, Any]


def _component(config: Config, name: str) -> dict[str, Any]:
    return next(c for c in config["pipeline"] if c["name"].endswith(name))  # ours subclass Rasa's


def _diet(**overrides: Any) -> Callable[[Config], None]:
    def change(config: Config) -> None:
        _component(config, "DIETClassifier").update(overrides)

    return change


def _tokenizer(**overrides: Any) -> Callable[[Config], None]:
    def change(config: Config) -> None:
        _component(config, "bot.nlu.tokenizer.ThaiTokenizer").update(overrides)

    return change


def _char_ngrams(min_ngram: int, max_ngram: int) -> Callable[[Config], None]:
    def change(config: Config) -> None:
        char = next(c for c in config["pipeline"] if c.get("analyzer") == "char_wb")
        char.update(min_ngram=min_ngram, max_ngram=max_ngram)

    return change


def _word_ngrams(max_ngram: int) -> Callable[[Config], None]:
    def change(config: Config) -> None:
        word = next(c for c in config["pipeline"]
                    if c["name"] == "CountVectorsFeaturizer" and "analyzer" not in c)
        word.update(min_ngram=1, max_ngram=max_ngram)

    return change


def _without(name: str) -> Callable[[Config], None]:
    def change(config: Config) -> None:
        config["pipeline"] = [c for c in config["pipeline"] if not c["name"].endswith(name)]

    return change


def _both(*changes: Callable[[Config], None]) -> Callable[[Config], None]:
    def change(config: Config) -> None:
        for one in changes:
            one(config)

    return change


VARIANTS: dict[str, Callable[[Config], None]] = {
    "config.yml": lambda config: None,
    "newmm plain": _tokenizer(domain_dictionary=False),
    "epochs 200": _diet(epochs=200),
    "char 2-5": _char_ngrams(2, 5),
    "word 1-2": _word_ngrams(2),
    "without gazetteer features": _without("GazetteerFeaturizer"),
    "without domain vocabulary": _without("DomainVocabularyFeaturizer"),
    "vocabulary from records only": lambda config: _component(
        config, "DomainVocabularyFeaturizer").update(example_count=0),
    "vocabulary from 3 examples": lambda config: _component(
        config, "DomainVocabularyFeaturizer").update(example_count=3),
    # The blend's two halves alone (with DIET gone, the blend is the regression).
    "DIET alone": _without("BlendedLogisticRegressionClassifier"),
    "regression alone": _without("DIETClassifier"),
    "regression to convergence": lambda config: _component(
        config, "BlendedLogisticRegressionClassifier").update(max_iter=1000),
    # Halves to blend offline with the other's saved rankings (bench/blend_weight.py).
    "DIET alone, epochs 200": _both(_without("BlendedLogisticRegressionClassifier"), _diet(epochs=200)),
    "regression alone, word 1-2": _both(_without("DIETClassifier"), _word_ngrams(2)),
    "regression alone, char 1-5": _both(_without("DIETClassifier"), _char_ngrams(1, 5)),
    "DIET alone, seed 1": _both(_without("BlendedLogisticRegressionClassifier"), _diet(random_seed=1)),
}


def slug(variant: str) -> str:
    """The variant's name in file names."""
    return "".join(c if c.isalnum() else "_" for c in variant)


def predictions_path(variant: str) -> Path:
    """Where a run leaves the variant's held-back predictions."""
    return WORK / f"cv_predictions_{slug(variant)}.json"


def variant_config(name: str) -> Config:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config.pop("policies", None)
    config["pipeline"] = [c for c in config["pipeline"] if not c["name"].endswith("ResponseSelector")]
    VARIANTS[name](config)
    for component in config["pipeline"]:
        if component["name"].endswith(("DIETClassifier", "LogisticRegressionClassifier")):
            # Every intent's confidence, not the top ten: blends and thresholds
            # are studied offline from the saved rankings. Ranking length does
            # not change the top intent (confidences are not renormalised).
            component["ranking_length"] = 0
    return config


async def _predict(model: Path, held_out: list[tuple[str, str]]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    rows = []
    for text, intent in held_out:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        ms = (time.perf_counter() - started) * 1000
        name, confidence = best_intent(parsed["intent_ranking"])
        rows.append({"text": text, "gold": intent, "best": name, "confidence": confidence,
                     "margin": margin(parsed["intent_ranking"]),
                     "answered": parsed["intent"]["name"], "ms": ms,
                     "ranking": [[r["name"], round(float(r["confidence"]), 5)]
                                 for r in parsed["intent_ranking"]]})
    return rows


def summarise(rows: list[dict[str, Any]], seconds: list[float]) -> dict[str, Any]:
    gold = Counter(r["gold"] for r in rows)
    hits = Counter(r["gold"] for r in rows if r["best"] == r["gold"])
    confusions = Counter(f"{r['gold']} -> {r['best']}" for r in rows if r["best"] != r["gold"])
    latencies = sorted(r["ms"] for r in rows)
    best_sweep = best_row(sweep([(r["best"], r["confidence"], r["gold"], r["margin"]) for r in rows]))
    return {
        "examples": len(rows),
        "accuracy_before_fallback": round(sum(hits.values()) / len(rows), 4),
        "accuracy": round(sum(r["answered"] == r["gold"] for r in rows) / len(rows), 4),
        "asked_back": sum(r["answered"] == "nlu_fallback" for r in rows),
        "best_fallback_pooled": {k: best_sweep[k] for k in (
            "threshold", "ambiguity_threshold", "answered_correctly", "answered_wrongly",
            "asked_back_right_guess", "asked_back_wrong_guess")},
        "train_seconds_per_fold": round(sum(seconds) / len(seconds), 1),
        "parse_p50_ms": round(latencies[len(latencies) // 2], 2),
        "parse_p95_ms": round(latencies[int(len(latencies) * 0.95)], 2),
        "recall": {i: round(hits[i] / n, 3) for i, n in sorted(gold.items(), key=lambda x: hits[x[0]] / x[1])},
        "confusions": dict(confusions.most_common(25)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("variants", nargs="*", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    out_path = RESULTS / "nlu_cv.json"
    # A copy taken now, so that editing data/nlu during a long run does not
    # give the folds and variants of this run different data.
    source = WORK / f"cv-data-{os.getpid()}"
    shutil.copytree(ROOT / "data" / "nlu", source)
    for variant in args.variants:
        config = variant_config(variant)
        rows: list[dict[str, Any]] = []
        seconds = []
        for fold in range(args.folds):
            name = f"cv-{slug(variant)}-{fold}"
            folder, held_out = split_training_data(args.seed, args.folds, fold, name=name,
                                                  source=source)
            model, took = train(name, config, nlu_path=folder)
            seconds.append(took)
            rows += asyncio.run(_predict(model, held_out))
            model.unlink()  # predictions are kept; 20-70 MB per fold are not
        summary = summarise(rows, seconds)
        results: dict[str, Any] = (
            json.loads(out_path.read_text(encoding="utf-8")) if out_path.exists() else {})
        results[variant] = {"date": time.strftime("%Y-%m-%d %H:%M"), "folds": args.folds,
                            "seed": args.seed, **summary}
        print(variant, {k: v for k, v in summary.items() if k not in ("recall", "confusions")}, flush=True)
        # Every held-back prediction with its ranking (not committed): the misses
        # show what to write next, and fallback thresholds can be re-chosen
        # offline without training again.
        predictions_path(variant).write_text(
            json.dumps(rows, indent=0, ensure_ascii=False), encoding="utf-8")
        RESULTS.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(source)


if __name__ == "__main__":
    main()
