"""What makes the server lighter changes nothing it answers: NumPy weight files, the on-demand
TensorFlow model, one gazetteer matcher for both components, the launcher's allocator setting."""
from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

from bot.nlu.entity_extractor import Pattern, matcher_for
from bot.nlu.sentence_inference import SentenceInference, TensorFlowModelOnDemand
from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"


def _inference(rng: np.random.Generator, sparse_bias: bool) -> SentenceInference:
    def array(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    return SentenceInference(
        sparse_kernel=array(50, 8), sparse_bias=array(8) if sparse_bias else None,
        hidden=[(array(8, 6), array(6)), (array(6, 4), array(4))],
        embed_kernel=array(4, 3), embed_bias=array(3), labels_embed=array(5, 3))


@pytest.mark.parametrize("sparse_bias", [True, False])
def test_weights_saved_and_memory_mapped_give_the_same_confidences(tmp_path: Path,
                                                                   sparse_bias: bool) -> None:
    rng = np.random.default_rng(7)
    inference = _inference(rng, sparse_bias)
    inference.save(tmp_path / "Classifier.numpy")
    loaded = SentenceInference.load(tmp_path / "Classifier.numpy")
    assert loaded is not None
    assert isinstance(loaded.sparse_kernel, np.memmap)
    assert (loaded.sparse_bias is None) == (not sparse_bias)
    features = scipy.sparse.random(1, 50, density=0.1, random_state=3, format="coo")
    expected = inference.confidences(features)
    assert np.array_equal(loaded.confidences(features), expected)
    assert expected.shape == (1, 5)


def test_no_weight_files_or_another_format_means_no_numpy_inference(tmp_path: Path) -> None:
    assert SentenceInference.load(tmp_path / "missing") is None
    _inference(np.random.default_rng(1), True).save(tmp_path / "old")
    (tmp_path / "old" / "index.json").write_text('{"format": 0, "hidden_layers": 2}')
    assert SentenceInference.load(tmp_path / "old") is None


def test_the_tensorflow_model_is_built_once_and_only_when_asked_for() -> None:
    built: list[int] = []

    class Model:
        def run_inference(self, data: str) -> str:
            return f"tensorflow scored {data}"

    def build() -> Model:
        built.append(1)
        return Model()

    inference = _inference(np.random.default_rng(2), True)
    model = TensorFlowModelOnDemand(inference, build)
    assert model.inference is inference and built == []
    assert model.run_inference("x") == "tensorflow scored x"
    assert model.run_inference("y") == "tensorflow scored y"
    assert built == [1]


def test_the_extractor_and_the_featurizer_share_one_matcher() -> None:
    patterns = [Pattern(("บาง", "รัก"), {"district": ("1004",)}),
                Pattern(("เชียงใหม่",), {"province": ("50",)})]
    same = [Pattern(("บาง", "รัก"), {"district": ("1004",)}),
            Pattern(("เชียงใหม่",), {"province": ("50",)})]
    other = [Pattern(("เชียงราย",), {"province": ("57",)})]
    assert matcher_for(patterns) is matcher_for(same)
    assert matcher_for(other) is not matcher_for(patterns)


@pytest.mark.model
def test_the_trained_model_carries_numpy_weights_for_diet_and_the_faq_selector() -> None:
    require_model(MODEL)
    with tarfile.open(MODEL, "r:gz") as archive:
        indexes = {Path(name).parent.name for name in archive.getnames()
                   if name.endswith(".numpy/index.json")}
    assert indexes == {"NumpyDIETClassifier.numpy", "FaqResponseSelector.numpy"}


def test_skops_finds_the_same_ufunc_modules_when_imported_before_rasa() -> None:
    import subprocess
    import sys

    script = """
import sys
if sys.argv[1] == "late":
    from bot.server import deferred_tensorflow
    deferred_tensorflow.install()
    from bot.server import patches
    patches.apply()
    import rasa.core.agent, rasa.core.run
from skops.io import _trusted_types as trusted
print(trusted.NUMPY_UFUNC_TYPE_NAMES + trusted.SCIPY_UFUNC_TYPE_NAMES)
"""
    names = {}
    for when in ("early", "late"):
        result = subprocess.run([sys.executable, "-c", script, when], cwd=ROOT, capture_output=True,
                                text=True, timeout=300, env={"PYTHONPATH": str(ROOT),
                                                             "TF_CPP_MIN_LOG_LEVEL": "2"})
        assert result.returncode == 0, result.stderr
        names[when] = result.stdout.strip().splitlines()[-1]
    assert names["early"] == names["late"]
    assert "numpy.core._multiarray_umath.add" in names["early"]


def test_a_trained_diet_writes_its_numpy_weights_and_loads_without_building_tensorflow(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
        CountVectorsFeaturizer,
    )
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu.sentence_inference import NumpyDIETClassifier, SentenceInferenceMixin

    examples = {"greet": ["hello there", "hi friend", "good morning"],
                "ask_fee": ["how much is the fee", "what does it cost", "fee for a new card"],
                "ask_documents": ["which documents", "what papers do i bring", "documents needed"]}
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "footprint-test")
    tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), storage,
                                           Resource("tokenizer"), context)
    featurizer = CountVectorsFeaturizer.create(CountVectorsFeaturizer.get_default_config(),
                                               storage, Resource("featurizer"), context)
    data = TrainingData([Message(data={"text": text, "intent": intent})
                         for intent, texts in examples.items() for text in texts])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    config = {**NumpyDIETClassifier.get_default_config(), "epochs": 3, "random_seed": 1,
              "number_of_transformer_layers": 0, "entity_recognition": False,
              "hidden_layers_sizes": {"text": [16], "label": []}, "ranking_length": 0}
    resource = Resource("diet")
    NumpyDIETClassifier.create(config, storage, resource, context).train(data)
    assert (tmp_path / "diet" / "NumpyDIETClassifier.numpy" / "index.json").is_file()

    loaded = NumpyDIETClassifier.load(config, storage, resource, context)
    assert isinstance(loaded.model, TensorFlowModelOnDemand)
    assert loaded.model._model is None  # nothing built by loading
    import shutil

    shutil.rmtree(tmp_path / "diet")  # as Rasa removes the unpacked model after loading

    def parse(text: str) -> dict[str, float]:
        message = Message(data={"text": text})
        tokenizer.process([message])
        featurizer.process([message])
        loaded.process([message])
        return {r["name"]: r["confidence"] for r in message.get("intent_ranking")}

    texts = ["hello", "how much does a card cost", "documents for the fee"]
    numpy_scores = [parse(text) for text in texts]
    assert loaded.model._model is None  # NumPy answered
    monkeypatch.setattr(SentenceInferenceMixin, "_inference", lambda self: None)
    tensorflow_scores = [parse(text) for text in texts]  # Rasa's path, built on demand
    assert loaded.model._model is not None
    for ours, rasa in zip(numpy_scores, tensorflow_scores):
        assert ours.keys() == rasa.keys()
        assert max(abs(ours[k] - rasa[k]) for k in rasa) < 1e-5
