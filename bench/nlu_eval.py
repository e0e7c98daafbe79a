"""NLU evaluation on the held-out test file (Rasa environment).

Shared by the NLU floor test (tests/bot/nlu/test_nlu_quality.py) and the quality
benchmark (bench/nlu_quality.py), so both compute the same figures.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEST_FILE = ROOT / "tests" / "data" / "nlu_test.yml"
GAZETTEER_ENTITIES = ("province", "district", "service", "office_type")


@dataclass
class Example:
    text: str
    intent: str
    entities: set[tuple[str, str, int, int]]


@dataclass
class NluScores:
    examples: int
    intent_accuracy: float
    # The top intent other than nlu_fallback: what the "did you mean" buttons
    # offer first when the assistant asks back instead of answering.
    intent_accuracy_before_fallback: float
    intent_macro_f1: float
    entity_precision: float
    entity_recall: float
    entity_f1: float
    entity_span_f1: float
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "errors"}


def load_examples(path: Path = TEST_FILE) -> list[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        Example(
            text=m.get("text"),
            intent=m.get("intent"),
            entities={
                (e["entity"], str(e.get("value")), int(e["start"]), int(e["end"]))
                for e in m.get("entities") or []
                if e["entity"] in GAZETTEER_ENTITIES
            },
        )
        for m in data.intent_examples
    ]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _values(entities: set[tuple[str, str, int, int]]) -> set[tuple[str, str]]:
    return {(entity, value) for entity, value, _, _ in entities}


def score(examples: list[Example], parsed: list[dict[str, Any]]) -> NluScores:
    """Intent accuracy and macro-F1; entity micro-F1.

    ``entity_f1`` compares what the assistant acts on, the (type, canonical
    value) pairs of each message; ``entity_span_f1`` also requires the exact
    character span, which depends on annotation conventions (is the verb in
    "ทำพาสปอร์ต" part of the service name?) more than on understanding.
    """
    from sklearn.metrics import f1_score

    gold = [e.intent for e in examples]
    top_non_fallback = [
        next((r["name"] for r in p.get("intent_ranking") or [] if r["name"] != "nlu_fallback"), "")
        for p in parsed
    ]
    predicted = [(p.get("intent") or {}).get("name") or "" for p in parsed]
    # A retrieval intent predicts "faq"; the test file labels faq/<key>.
    predicted = [
        f"faq/{(p.get('response_selector', {}).get('faq', {}).get('response', {}) or {}).get('intent_response_key', '').split('/', 1)[-1]}"
        if name == "faq" and g.startswith("faq/") else name
        for name, g, p in zip(predicted, gold, parsed)
    ]
    counts: Counter[str] = Counter()
    spans: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    for example, result, intent in zip(examples, parsed, predicted):
        found = {
            (e["entity"], str(e.get("value")), int(e["start"]), int(e["end"]))
            for e in result.get("entities") or []
            if e["entity"] in GAZETTEER_ENTITIES
        }
        spans["tp"] += len(found & example.entities)
        spans["fp"] += len(found - example.entities)
        spans["fn"] += len(example.entities - found)
        found_values, gold_values = _values(found), _values(example.entities)
        counts["tp"] += len(found_values & gold_values)
        counts["fp"] += len(found_values - gold_values)
        counts["fn"] += len(gold_values - found_values)
        if intent != example.intent or found_values != gold_values:
            errors.append({
                "text": example.text, "intent": example.intent, "predicted": intent,
                "missing": sorted(example.entities - found), "extra": sorted(found - example.entities),
            })
    precision, recall, f1 = _f1(counts["tp"], counts["fp"], counts["fn"])
    return NluScores(
        examples=len(examples),
        intent_accuracy=sum(g == p for g, p in zip(gold, predicted)) / max(1, len(gold)),
        intent_accuracy_before_fallback=sum(
            g == p or (g.startswith("faq/") and p == "faq") for g, p in zip(gold, top_non_fallback)
        ) / max(1, len(gold)),
        intent_macro_f1=float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro",
                                         zero_division=0)),
        entity_precision=precision, entity_recall=recall, entity_f1=f1,
        entity_span_f1=_f1(spans["tp"], spans["fp"], spans["fn"])[2], errors=errors,
    )


def quiet_parses() -> None:
    """Silence Rasa's debug log of every parse, which prints the message text.

    Scripts that print figures about the test file must not print its
    sentences (they would become material to tune on).
    """
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)


async def _parse_all(model_path: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    return [await agent.parse_message(text) for text in texts]


def evaluate_model(model_path: Path, test_file: Path = TEST_FILE) -> NluScores:
    examples = load_examples(test_file)
    parsed = asyncio.run(_parse_all(model_path, [e.text for e in examples]))
    return score(examples, parsed)
