"""How big must DIET be? Accuracy, training time and parse latency per size.

Run in the Rasa environment: ``.venv/rasa/bin/python -m bench.diet_size``.
Uses the same 80/20 split of the *training* data as the fallback threshold
(the held-out test file is not touched, so choosing a size here does not
tune on it), trains the NLU pipeline of config.yml with several DIET
transformer sizes, and reports validation intent accuracy, training seconds
and p50/p95 parse latency of the whole NLU pipeline.
"""
from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import yaml

from bench.fallback_threshold import ROOT, split_training_data
from bench.nlu_quality import RESULTS, train

VARIANTS: dict[str, dict[str, Any]] = {
    "2 layers x 256 (Rasa default)": {"number_of_transformer_layers": 2, "transformer_size": 256},
    "1 layer x 128": {"number_of_transformer_layers": 1, "transformer_size": 128},
    "no transformer": {"number_of_transformer_layers": 0},
    "no transformer, hidden 256-128 (config.yml)": {
        "number_of_transformer_layers": 0, "hidden_layers_sizes": {"text": [256, 128]}},
}


async def evaluate(model: Any, held_out: list[tuple[str, str]]) -> dict[str, float]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    correct, latencies = 0, []
    for text, intent in held_out:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        latencies.append((time.perf_counter() - started) * 1000)
        best = next(r for r in parsed["intent_ranking"] if r["name"] != "nlu_fallback")
        correct += best["name"] == intent
    latencies.sort()
    return {"accuracy": round(correct / len(held_out), 4),
            "parse_p50_ms": round(latencies[len(latencies) // 2], 2),
            "parse_p95_ms": round(latencies[int(len(latencies) * 0.95)], 2)}


def main() -> None:
    folder, held_out = split_training_data()
    base = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    base.pop("policies", None)
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "held_out": len(held_out)}
    for index, (label, overrides) in enumerate(VARIANTS.items()):
        config = copy.deepcopy(base)
        for component in config["pipeline"]:
            if component["name"].endswith("DIETClassifier"):
                component.update(overrides)
        model, seconds = train(f"diet_{index}", config, nlu_path=folder)
        results[label] = {**asyncio.run(evaluate(model, held_out)), "train_seconds": round(seconds, 1)}
        print(label, results[label], flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "diet_size.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
