"""The trained model on the held-out test file stays above the quality floor."""
from __future__ import annotations

import json

import pytest

from bench.nlu_eval import TEST_FILE, evaluate_model
from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"
# Floors sit a little under the figures measured when they were set (README,
# "Benchmarks") so that retraining noise does not fail the build, while a real
# regression does. Back at 0.93 after the answer-first changes of issue 12 had
# lowered it for a day (bench/README.md, "NLU test file won back"). The
# retraining job's floor is the same (app/training/decision.py).
INTENT_ACCURACY_FLOOR = 0.93
ENTITY_F1_FLOOR = 0.95


@pytest.mark.model
def test_intent_accuracy_and_entity_f1_stay_above_floor() -> None:
    require_model(MODEL)
    scores = evaluate_model(MODEL, TEST_FILE)
    report = ROOT / "test-artifacts" / "nlu-eval.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps({**scores.as_dict(), "errors": scores.errors},
                                 ensure_ascii=False, indent=1), encoding="utf-8")
    assert scores.examples >= 300
    assert scores.intent_accuracy >= INTENT_ACCURACY_FLOOR, scores.as_dict()
    assert scores.entity_f1 >= ENTITY_F1_FLOOR, scores.as_dict()
