"""The blended intent classifier averages DIET's ranking with a logistic regression."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_blend import BlendedLogisticRegressionClassifier
from common.paths import ROOT

# Three intents told apart by which of three sparse features a sentence has.
INTENTS = ["ask_fee", "greet", "thank"]


def _features(column: int) -> Features:
    row = scipy.sparse.coo_matrix(([1.0], ([0], [column])), shape=(1, 3))
    return Features(row, "sentence", "text", "CountVectorsFeaturizer")


def _message(column: int | None, intent: str | None = None,
             ranking: list[tuple[str, float]] | None = None) -> Message:
    message = Message(data={"text": "ข้อความ", **({"intent": intent} if intent else {})})
    if column is not None:
        message.add_features(_features(column))
    if ranking is not None:
        message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
        message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
    return message


def _classifier(tmp_path: Path, **config: Any) -> BlendedLogisticRegressionClassifier:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "blend-test")
    resource = Resource("train_BlendedLogisticRegressionClassifier0")
    trained = BlendedLogisticRegressionClassifier.create(config, storage, resource, context)
    examples = [_message(i % 3, INTENTS[i % 3]) for i in range(30)]
    trained.train(TrainingData(training_examples=examples))
    return BlendedLogisticRegressionClassifier.load(config, storage, resource, context)


def _own(classifier: BlendedLogisticRegressionClassifier, column: int) -> dict[str, float]:
    matrix = scipy.sparse.csr_matrix(([1.0], ([0], [column])), shape=(1, 3))
    return dict(zip(classifier.clf.classes_, classifier.clf.predict_proba(matrix)[0]))


def test_averages_the_earlier_ranking_with_its_own_probabilities(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path, earlier_weight=0.25)
    own = _own(classifier, 1)  # the regression says greet
    earlier = [("thank", 0.7), ("greet", 0.2), ("ask_fee", 0.1)]
    [message] = classifier.process([_message(1, ranking=earlier)])

    expected = {name: 0.25 * dict(earlier)[name] + 0.75 * own[name] for name in INTENTS}
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking] == sorted(INTENTS, key=lambda n: -expected[n])
    assert [r["confidence"] for r in ranking] == pytest.approx([expected[r["name"]] for r in ranking])
    assert message.get("intent") == ranking[0]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_an_intent_missing_from_the_earlier_ranking_counts_as_zero(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path)
    own = _own(classifier, 0)
    [message] = classifier.process([_message(0, ranking=[("greet", 1.0)])])
    confidences = {r["name"]: r["confidence"] for r in message.get("intent_ranking")}
    assert confidences["ask_fee"] == pytest.approx(0.5 * own["ask_fee"])
    assert confidences["greet"] == pytest.approx(0.5 + 0.5 * own["greet"])


def test_without_an_earlier_ranking_it_is_the_regression(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path, ranking_length=2)
    own = _own(classifier, 2)
    [message] = classifier.process([_message(2)])
    ranking = message.get("intent_ranking")
    assert len(ranking) == 2  # its own ranking_length
    assert ranking[0]["name"] == "thank"
    assert ranking[0]["confidence"] == pytest.approx(own["thank"])


def test_a_message_without_features_keeps_what_it_had(tmp_path: Path) -> None:
    classifier = _classifier(tmp_path)
    message = _message(None, ranking=[("greet", 0.9), ("thank", 0.1)])
    before = message.get("intent_ranking")
    classifier.process([message])
    assert message.get("intent_ranking") is before


def test_an_untrained_regression_changes_nothing(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "blend-test")
    classifier = BlendedLogisticRegressionClassifier.create({}, storage, Resource("r"), context)
    message = _message(0, ranking=[("greet", 0.9), ("thank", 0.1)])
    classifier.process([message])
    assert message.get("intent")["name"] == "greet"


def test_config_feeds_it_every_one_of_diets_confidences() -> None:
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [step["name"].rsplit(".", 1)[-1] for step in pipeline]
    diet = names.index("NumpyDIETClassifier")
    assert names[diet + 1] == "BlendedLogisticRegressionClassifier"
    assert pipeline[diet]["ranking_length"] == 0
    assert np.isclose(pipeline[diet + 1]["earlier_weight"], 0.5)


@pytest.mark.parametrize("column", [0, 1, 2])
def test_scores_as_scikit_learn_does(tmp_path: Path, column: int) -> None:
    classifier = _classifier(tmp_path)
    assert classifier._multinomial()
    own = classifier._probabilities(_message(column))
    expected = classifier.clf.predict_proba(classifier._create_X([_message(column)]))[0]
    assert own == pytest.approx(expected, abs=1e-12)


def test_training_stops_at_rasas_iterations_without_a_warning(tmp_path: Path) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ConvergenceWarning would fail here
        classifier = _classifier(tmp_path, max_iter=1)
    assert classifier.clf.n_iter_[0] == 1
