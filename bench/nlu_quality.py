"""NLU quality: our Thai pipeline against stock Rasa and plain newmm, in one run.

Run in the Rasa environment: ``.venv/rasa/bin/python -m bench.nlu_quality``.
Each pipeline is trained on ``data/nlu`` and evaluated on the held-out
``tests/data/nlu_test.yml`` with the same scorer as the floor test:

* ``project``: config.yml as shipped (domain dictionary, gazetteer, DIET).
* ``stock_whitespace_en``: stock Rasa, WhitespaceTokenizer with ``language: en``
  (stock Rasa refuses Thai with it), the same featurizers and DIET settings.
* ``newmm_plain``: our pipeline, but PyThaiNLP newmm without the domain
  dictionary (``domain_dictionary: false``).

Figures go to bench/results/nlu_quality.json and are printed as a table.
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from bench.nlu_eval import TEST_FILE, evaluate_model

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench" / "nlu"
# Ours that segment with the domain dictionary: the tokenizer, and the
# vocabulary featurizer, which segments its vocabulary as messages are.
DICTIONARY_USERS = ("bot.nlu.tokenizer.ThaiTokenizer", "bot.nlu.domain_vocabulary.DomainVocabularyFeaturizer")
# Our subclasses of Rasa's classifiers, and their own settings, for stock Rasa.
STOCK_CLASSIFIERS = {
    "bot.nlu.sentence_inference.NumpyDIETClassifier": ("DIETClassifier", ()),
    "bot.nlu.response_selector.FaqResponseSelector": ("ResponseSelector", ("skip_above", "skip_lead")),
}


def _stock(component: dict[str, Any]) -> dict[str, Any] | None:
    if component["name"] in STOCK_CLASSIFIERS:
        name, own_settings = STOCK_CLASSIFIERS[component["name"]]
        return {**{k: v for k, v in component.items() if k not in own_settings}, "name": name}
    return None if component["name"].startswith("bot.") else component


def pipelines() -> dict[str, dict[str, Any]]:
    project = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    project.pop("policies", None)

    stock = copy.deepcopy(project)
    stock["language"] = "en"
    stock["pipeline"] = [{"name": "WhitespaceTokenizer"}] + [
        c for c in map(_stock, copy.deepcopy(project["pipeline"])) if c is not None
    ]

    plain = copy.deepcopy(project)
    for component in plain["pipeline"]:
        if component["name"] in DICTIONARY_USERS:
            component["domain_dictionary"] = False
    return {"project": project, "stock_whitespace_en": stock, "newmm_plain": plain}


def train(name: str, config: dict[str, Any], nlu_path: Path = ROOT / "data" / "nlu") -> tuple[Path, float]:
    WORK.mkdir(parents=True, exist_ok=True)
    config_path = WORK / f"{name}.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "train", "nlu", "--config", str(config_path),
         "--nlu", str(nlu_path), "--domain", "domain.yml", "--out", str(WORK),
         "--fixed-model-name", name, "--quiet"],
        cwd=ROOT, env=env, check=True,
    )
    return WORK / f"{name}.tar.gz", time.perf_counter() - started


def main() -> None:
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "test_file": str(TEST_FILE.relative_to(ROOT))}
    for name, config in pipelines().items():
        model, seconds = train(name, config)
        scores = evaluate_model(model, TEST_FILE)
        results[name] = {**scores.as_dict(), "train_seconds": round(seconds, 1)}
        print(f"{name}: {results[name]}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "nlu_quality.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    header = f"{'pipeline':22}{'intent acc':>12}{'macro-F1':>10}{'entity F1':>11}{'train s':>9}"
    print(header)
    for name in pipelines():
        r = results[name]
        print(f"{name:22}{r['intent_accuracy']:12.3f}{r['intent_macro_f1']:10.3f}"
              f"{r['entity_f1']:11.3f}{r['train_seconds']:9.1f}")


if __name__ == "__main__":
    main()
