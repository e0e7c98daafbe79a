"""Quantity entities: rules against DIET entity learning, per type, in one run.

Run in the Rasa environment::

    .venv/rasa/bin/python -m bench.entities [--model models/thai-assistant.tar.gz]
                                           [--diet-model var/bench/entities/diet_entities.tar.gz]

Scores the six quantity types (age, duration, date, amount, vehicle_class,
licence_type) on the held-out ``tests/data/nlu_entities_test.yml`` for:

* ``project``: the trained model of config.yml, QuantityEntityExtractor in it.
* ``without_extractor``: the same parses without that extractor's entities,
  which is what the pipeline without it returns: no later component reads
  entities, and DIET runs with ``entity_recognition: false``.
* ``diet_entities``: config.yml with DIET's ``entity_recognition: true`` and
  no QuantityEntityExtractor, trained on data/nlu plus the annotated
  tests/fixtures/entities/quantities.yml (NLU only; trained here unless ``--diet-model``
  names one). Its values are the text as typed, so
  its value F1 is low by construction; ``span`` F1 shows what it learned.

Per type: precision, recall and F1 on (type, value) per message, what an
action gets, and on (type, start, end). Also in the same run, for ``project``
and ``diet_entities``: intent accuracy on tests/data/nlu_test.yml (does
entity learning cost intents?) and the wall-clock time of a parse (median and
p95 over every test message, parsed five times). Figures go to
bench/results/entities.json and bench/README.md.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import json
import shutil
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bench.nlu_eval import TEST_FILE as INTENT_TEST_FILE
from bench.nlu_eval import load_examples, score
from bench.nlu_quality import ROOT, WORK, train
from bot.nlu.thai_quantities import ENTITY_TYPES

ENTITY_TEST_FILE = ROOT / "tests" / "data" / "nlu_entities_test.yml"
ANNOTATED = ROOT / "tests" / "fixtures" / "entities" / "quantities.yml"
RESULTS = ROOT / "bench" / "results"
EXTRACTOR = "bot.nlu.quantity_extractor.QuantityEntityExtractor"
EXTRACTOR_NAME = "QuantityEntityExtractor"
DIET = "bot.nlu.sentence_inference.NumpyDIETClassifier"
TIMING_ROUNDS = 5

Entity = tuple[str, str, int, int]


def diet_entities_config() -> dict[str, Any]:
    """config.yml with DIET tagging entities and without the rules."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config.pop("policies", None)
    pipeline = []
    for component in copy.deepcopy(config["pipeline"]):
        if component["name"] == EXTRACTOR:
            continue
        if component["name"] == DIET:
            component["entity_recognition"] = True
        pipeline.append(component)
    config["pipeline"] = pipeline
    return config


def gold_entities(path: Path = ENTITY_TEST_FILE) -> list[tuple[str, set[Entity]]]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [
        (m.get("text"), {(e["entity"], str(e["value"]), int(e["start"]), int(e["end"]))
                         for e in m.get("entities") or [] if e["entity"] in ENTITY_TYPES})
        for m in load_data(str(path)).intent_examples
    ]


def found_entities(parsed: dict[str, Any], drop_extractor: str | None = None) -> set[Entity]:
    return {
        (e["entity"], str(e.get("value")), int(e["start"]), int(e["end"]))
        for e in parsed.get("entities") or []
        if e["entity"] in ENTITY_TYPES and e.get("extractor") != drop_extractor
    }


def _prf(counts: Counter[str]) -> dict[str, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "fp": fp, "fn": fn}


def per_type(gold: list[set[Entity]], found: list[set[Entity]]) -> dict[str, Any]:
    """Per type and overall: value P/R/F1 on (type, value), span F1 on (type, start, end)."""
    values: dict[str, Counter[str]] = {t: Counter() for t in (*ENTITY_TYPES, "all")}
    spans: dict[str, Counter[str]] = {t: Counter() for t in (*ENTITY_TYPES, "all")}
    for g, f in zip(gold, found):
        for entity_type in ENTITY_TYPES:
            for table, key in ((values, lambda e: (e[0], e[1])), (spans, lambda e: (e[0], e[2], e[3]))):
                gs = {key(e) for e in g if e[0] == entity_type}
                fs = {key(e) for e in f if e[0] == entity_type}
                for counter in (table[entity_type], table["all"]):
                    counter["tp"] += len(gs & fs)
                    counter["fp"] += len(fs - gs)
                    counter["fn"] += len(gs - fs)
    return {t: {**_prf(values[t]), "span_f1": _prf(spans[t])["f1"]} for t in values}


async def _parse(agent: Any, texts: list[str]) -> list[dict[str, Any]]:
    return [await agent.parse_message(text) for text in texts]


async def _timings(agent: Any, texts: list[str]) -> list[float]:
    times = []
    for _ in range(TIMING_ROUNDS):
        for text in texts:
            started = time.perf_counter()
            await agent.parse_message(text)
            times.append((time.perf_counter() - started) * 1000)
    return times


def evaluate(model: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Parses of the entity test file, intent scores on the NLU test file, parse times."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    texts = [text for text, _ in gold_entities()]
    parsed = asyncio.run(_parse(agent, texts))
    intent_examples = load_examples(INTENT_TEST_FILE)
    intents = score(intent_examples, asyncio.run(_parse(agent, [e.text for e in intent_examples])))
    times = asyncio.run(_timings(agent, texts + [e.text for e in intent_examples]))
    extra = {
        "intent_accuracy": round(intents.intent_accuracy, 4),
        "gazetteer_entity_f1": round(intents.entity_f1, 4),
        "parse_ms_median": round(statistics.median(times), 2),
        "parse_ms_p95": round(statistics.quantiles(times, n=20)[-1], 2),
    }
    return parsed, extra


def main() -> None:
    import logging

    from rasa.utils.log_utils import configure_structlog

    # Rasa's structlog prints every parse at debug level: not part of a parse's cost.
    configure_structlog(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "thai-assistant.tar.gz")
    parser.add_argument("--diet-model", type=Path, default=None)
    args = parser.parse_args()

    gold_pairs = gold_entities()
    gold = [g for _, g in gold_pairs]
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "test_file": str(ENTITY_TEST_FILE.relative_to(ROOT)),
        "examples": len(gold),
        "annotations": {t: sum(e[0] == t for g in gold for e in g) for t in ENTITY_TYPES},
    }

    parsed, extra = evaluate(args.model)
    results["project"] = {"scores": per_type(gold, [found_entities(p) for p in parsed]), **extra}
    results["without_extractor"] = {
        "scores": per_type(gold, [found_entities(p, drop_extractor=EXTRACTOR_NAME) for p in parsed])
    }
    errors = [
        {"missing": sorted(g - f), "extra": sorted(f - g)}
        for g, f in zip(gold, (found_entities(p) for p in parsed)) if g != f
    ]
    results["project"]["errors"] = len(errors)

    diet_model = args.diet_model
    train_seconds = None
    if diet_model is None:
        nlu = WORK / "diet_entities_data"
        shutil.rmtree(nlu, ignore_errors=True)
        shutil.copytree(ROOT / "data" / "nlu", nlu)
        shutil.copyfile(ANNOTATED, nlu / ANNOTATED.name)
        diet_model, train_seconds = train("diet_entities", diet_entities_config(), nlu)
    parsed, extra = evaluate(diet_model)
    results["diet_entities"] = {"scores": per_type(gold, [found_entities(p) for p in parsed]), **extra,
                                "train_seconds": round(train_seconds, 1) if train_seconds else None}

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "entities.json").write_text(json.dumps(results, indent=1), encoding="utf-8")

    print(f"{results['examples']} examples, annotations: {results['annotations']}")
    header = f"{'type':14}" + "".join(f"{name:>26}" for name in ("project", "without_extractor", "diet_entities"))
    print(header)
    print(f"{'':14}" + "".join(f"{'P / R / F1 (span F1)':>26}" for _ in range(3)))
    for entity_type in (*ENTITY_TYPES, "all"):
        row = f"{entity_type:14}"
        for name in ("project", "without_extractor", "diet_entities"):
            s = results[name]["scores"][entity_type]
            row += f"{s['precision']:>9.3f}/{s['recall']:.3f}/{s['f1']:.3f} ({s['span_f1']:.3f})"
        print(row)
    for name in ("project", "diet_entities"):
        r = results[name]
        print(f"{name}: intent accuracy {r['intent_accuracy']:.4f}, gazetteer entity F1 "
              f"{r['gazetteer_entity_f1']:.4f}, parse {r['parse_ms_median']:.2f} ms median, "
              f"{r['parse_ms_p95']:.2f} ms p95")


if __name__ == "__main__":
    main()
