"""NumPy and TensorFlow give the same intent and FAQ scores for every training message."""
from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import pytest

from bot.nlu.sentence_inference import SentenceInferenceMixin
from common.paths import ROOT
from common.training_content import FAQ_FILE
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"


def _training_texts() -> list[str]:
    """Every training message, the FAQ questions exported from the database included."""
    from rasa.shared.nlu.training_data.loading import load_data

    paths = [*sorted((ROOT / "data" / "nlu").glob("*.yml")), ROOT / "data" / FAQ_FILE]
    return sorted({m.get("text") for path in paths for m in load_data(str(path)).intent_examples})


def _scores(parsed: dict[str, Any]) -> dict[str, float]:
    scores = {r["name"]: r["confidence"] for r in parsed.get("intent_ranking") or []}
    ranking = ((parsed.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    scores.update({f"faq:{r['intent_response_key']}": r["confidence"] for r in ranking})
    return scores


@pytest.mark.model
def test_numpy_scores_equal_tensorflow_scores_on_the_training_messages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_model(MODEL)
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    texts = _training_texts()
    assert len(texts) > 500

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    fast = asyncio.run(parse_all())
    used = sum(1 for node in agent.processor.graph_runner._instantiated_nodes.values()
               if isinstance(node._component, SentenceInferenceMixin)
               and node._component._sentence_inference is not None)
    assert used == 2  # DIET and the FAQ response selector both took the NumPy path

    monkeypatch.setattr(SentenceInferenceMixin, "_inference", lambda self: None)
    reference = asyncio.run(parse_all())  # Rasa's TensorFlow path

    worst = 0.0
    for text, ours, rasa in zip(texts, fast, reference):
        assert ours["intent"]["name"] == rasa["intent"]["name"], text
        ours_scores, rasa_scores = _scores(ours), _scores(rasa)
        assert ours_scores.keys() == rasa_scores.keys(), text
        worst = max(worst, max(abs(ours_scores[k] - rasa_scores[k]) for k in rasa_scores))
    assert worst < 1e-4, worst


def test_combined_sentence_features_are_reused_until_a_featurizer_adds_more() -> None:
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.sentence_inference import sentence_sparse_features

    def features(value: float, origin: str) -> Features:
        return Features(scipy.sparse.coo_matrix([[value]]), "sentence", "text", origin)

    message = Message(data={"text": "ทำบัตร"})
    message.add_features(features(1.0, "a"))
    first = sentence_sparse_features(message)
    assert sentence_sparse_features(message) is first  # combined once
    message.add_features(features(2.0, "b"))
    assert sentence_sparse_features(message).features.toarray().tolist() == [[1.0, 2.0]]
    assert sentence_sparse_features(message, ["b"]).features.toarray().tolist() == [[2.0]]
