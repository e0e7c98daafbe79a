"""DIET's intent scores for one message, computed with NumPy instead of TensorFlow.

Without a transformer (config.yml: ``number_of_transformer_layers: 0``), DIET's
intent prediction for a message depends on its sentence-level features only:
sparse sentence features -> dense layer -> feed-forward layers (GELU) -> embedding,
then a similarity with every label's embedding (precomputed by the model) and
a softmax. For one message TensorFlow spends most of its 2 ms per call on
dispatching these few small operations, and Rasa another 1.3 ms on building
batched model data; the same arithmetic in NumPy takes a fraction of that.

The weights are read from the trained TensorFlow model, which stays the
source of truth: training, persistence and every other configuration (a
transformer, dense features, entity recognition, diagnostic data) use Rasa's
own path. tests/bot/nlu/test_sentence_inference.py checks that both paths give the
same scores on every training message.

Serving needs no TensorFlow model at all: when DIET is trained (``persist``)
the weights of this path are also written as ``.npy`` files next to Rasa's
checkpoint, and loading a model that has them builds no TensorFlow model
(building one cost most of a start and a few hundred MB). The files are
memory-mapped: the sparse kernel (a row per n-gram of the vocabulary) is read
only where a message has features. Rasa's model is still built, on first
use, if anything asks for it (diagnostic data, dense features, fine-tuning).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.constants import (
    ENTITY_RECOGNITION,
    FEATURIZERS,
    INNER,
    INTENT_CLASSIFICATION,
    LABEL,
    SENTENCE,
    SOFTMAX,
)
from scipy.special import erf
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)

_SQRT_HALF = np.float32(np.sqrt(0.5))
# Where a message keeps its combined sentence features (not part of its data).
_SENTENCE_FEATURES = "_bot_sentence_features"
# The default config carries the format of the ``.npy`` files, so that Rasa's
# training cache, keyed by the configuration, does not restore a DIET trained
# before they were written (it would load, but through TensorFlow).
NUMPY_WEIGHTS = "numpy_weights"
NUMPY_WEIGHTS_FORMAT = 1
_ARRAYS = ("sparse_kernel", "sparse_bias", "embed_kernel", "embed_bias", "labels_embed")


def _single_threaded_blas() -> None:
    # OpenBLAS parallelises even these (1 x 256) products over every core and
    # its idle threads spin: a quarter of a core per server, measured, for
    # nothing. The server answers one message at a time anyway.
    threadpool_limits(limits=1, user_api="blas")


def sentence_sparse_features(message: Message, featurizers: Optional[List[Text]] = None) -> Optional[Features]:
    """The message's sparse sentence features combined, as ``get_sparse_features`` combines them.

    Without the sequence features, which sentence-level scoring does not use.
    Combining copies every featurizer's matrix (0.3 ms a message, measured) and
    DIET, the intent blend and the FAQ selector each need the same result, so it
    is kept on the message until a featurizer adds features.
    """
    names = list(featurizers or [])
    key = (tuple(names), len(message.features))
    cached = message.__dict__.get(_SENTENCE_FEATURES)
    if cached is not None and cached[0] == key:
        return cached[1]
    _, sentence = message._filter_sparse_features(TEXT, names)
    combined = message._combine_features(sentence, names)
    message.__dict__[_SENTENCE_FEATURES] = (key, combined)
    return combined


def _gelu(x: np.ndarray) -> np.ndarray:
    # tf.nn.gelu(approximate=False), as Rasa's feed-forward layers use it
    return np.float32(0.5) * x * (np.float32(1.0) + erf(x * _SQRT_HALF))


@dataclass(frozen=True)
class SentenceInference:
    """The weights on the path from sentence features to intent confidences."""

    sparse_kernel: np.ndarray
    sparse_bias: Optional[np.ndarray]
    hidden: List[tuple[np.ndarray, np.ndarray]]
    embed_kernel: np.ndarray
    embed_bias: np.ndarray
    labels_embed: np.ndarray  # (labels, embedding dimension)

    @classmethod
    def from_model(cls, model: Any) -> Optional[SentenceInference]:
        """Read the weights of a trained DIET model; ``None`` where this shortcut does not apply."""
        try:
            sequence_layer = model._tf_layers[f"sequence_layer.{TEXT}"]
            combining = sequence_layer._tf_layers[sequence_layer.FEATURE_COMBINING]
            loss = model._tf_layers[f"loss.{LABEL}"]
            if (sequence_layer._has_transformer or loss.similarity_type != INNER
                    or loss.model_confidence != SOFTMAX or model.all_labels_embed is None
                    or any(name.startswith("unify_dims") for name in combining._tf_layers)):
                return None
            to_dense = combining._tf_layers[f"sparse_dense.{SENTENCE}"]._tf_layers["sparse_to_dense"]
            hidden = []
            for layer in sequence_layer._tf_layers[sequence_layer.FFNN]._ffn_layers:
                if hasattr(layer, "kernel"):
                    kernel = layer.kernel.numpy()
                    if getattr(layer, "density", 1.0) < 1.0:
                        kernel = kernel * layer.kernel_mask.numpy()
                    hidden.append((kernel, layer.bias.numpy()))
            embed = model._tf_layers[f"embed.{TEXT}"]._dense
            return cls(
                sparse_kernel=to_dense.kernel.numpy(),
                sparse_bias=to_dense.bias.numpy() if to_dense.use_bias else None,
                hidden=hidden,
                embed_kernel=embed.kernel.numpy(),
                embed_bias=embed.bias.numpy(),
                labels_embed=np.asarray(model.all_labels_embed.numpy()),
            )
        except (KeyError, AttributeError) as error:  # a model shaped otherwise: Rasa's path
            logger.info("NumPy intent inference not available for this model: %s", error)
            return None

    def save(self, directory: Path) -> None:
        """Write the arrays as ``.npy`` files (memory-mappable) and a small index."""
        directory.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            array = getattr(self, name)
            if array is not None:
                np.save(directory / f"{name}.npy", np.ascontiguousarray(array))
        for index, (kernel, bias) in enumerate(self.hidden):
            np.save(directory / f"hidden_{index}_kernel.npy", np.ascontiguousarray(kernel))
            np.save(directory / f"hidden_{index}_bias.npy", np.ascontiguousarray(bias))
        index = {"format": NUMPY_WEIGHTS_FORMAT, "hidden_layers": len(self.hidden),
                 "sparse_bias": self.sparse_bias is not None}
        (directory / "index.json").write_text(json.dumps(index))

    @classmethod
    def load(cls, directory: Path) -> Optional[SentenceInference]:
        """The arrays :meth:`save` wrote, memory-mapped; ``None`` without them."""
        try:
            index = json.loads((directory / "index.json").read_text())
        except (FileNotFoundError, ValueError):
            return None
        if index.get("format") != NUMPY_WEIGHTS_FORMAT:
            return None

        def array(name: str) -> np.ndarray:
            return np.load(directory / f"{name}.npy")

        return cls(
            # A row per feature of the vocabulary, and a message has few
            # features: mapped, only the rows used are ever read. The other
            # arrays are small and used whole on every message.
            sparse_kernel=np.load(directory / "sparse_kernel.npy", mmap_mode="r"),
            sparse_bias=array("sparse_bias") if index["sparse_bias"] else None,
            hidden=[(array(f"hidden_{i}_kernel"), array(f"hidden_{i}_bias"))
                    for i in range(index["hidden_layers"])],
            embed_kernel=array("embed_kernel"),
            embed_bias=array("embed_bias"),
            labels_embed=array("labels_embed"),
        )

    def confidences(self, sentence_features: scipy.sparse.spmatrix) -> np.ndarray:
        """Softmax confidences over the labels, shaped as DIET's ``i_scores`` (1, labels)."""
        x = np.asarray(sentence_features.tocsr().astype(np.float32) @ self.sparse_kernel)
        if self.sparse_bias is not None:
            x = x + self.sparse_bias
        for kernel, bias in self.hidden:
            x = _gelu(x @ kernel + bias)
        embedded = x @ self.embed_kernel + self.embed_bias
        similarities = embedded @ self.labels_embed.T
        similarities = similarities - similarities.max(axis=-1, keepdims=True)
        exp = np.exp(similarities)
        return (exp / exp.sum(axis=-1, keepdims=True)).astype(np.float32)


class TensorFlowModelOnDemand:
    """Stands where DIET keeps its TensorFlow model while NumPy serves.

    Anything that asks the model for something (Rasa's own prediction path,
    persisting) builds the TensorFlow model then, exactly as loading would
    have built it, and gets its answer.
    """

    def __init__(self, inference: SentenceInference, build: Callable[[], Any]) -> None:
        self.inference = inference
        self._build = build
        self._model: Any = None

    def tensorflow_model(self) -> Any:
        if self._model is None:
            logger.info("Building the TensorFlow model that NumPy inference had made unnecessary")
            self._model = self._build()
        return self._model

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_model", "_build", "inference"):
            raise AttributeError(name)
        return getattr(self.tensorflow_model(), name)


def _keep_checkpoint(model_path: Path, class_name: str) -> Path:
    """Hard links to the TensorFlow checkpoint, for a model built after loading.

    Rasa deletes the directory it unpacked the model into once the model is
    loaded. Links cost nothing on the same file system (a copy elsewhere);
    they go when the process ends.
    """
    kept = Path(tempfile.mkdtemp(prefix=f"bot-{class_name}-"))
    for source in model_path.glob(f"{class_name}.tf_model*"):
        try:
            os.link(source, kept / source.name)
        except OSError:
            shutil.copy2(source, kept / source.name)
    return kept


def _numpy_directory(model_path: Path, class_name: str) -> Path:
    return model_path / f"{class_name}.numpy"


def _usable(config: Dict[Text, Any]) -> bool:
    return bool(config[INTENT_CLASSIFICATION]) and not config[ENTITY_RECOGNITION]


class SentenceInferenceMixin:
    """``_predict`` through :class:`SentenceInference` where it applies.

    For DIETClassifier and its subclasses (the ResponseSelector is one).
    """

    _sentence_inference_for: Any = None
    _sentence_inference: Optional[SentenceInference] = None

    def _inference(self) -> Optional[SentenceInference]:
        model = self.model  # type: ignore[attr-defined]
        if model is None:
            return None
        if self._sentence_inference_for is not model:  # loaded, or trained in this process
            if not _usable(self.component_config):  # type: ignore[attr-defined]
                self._sentence_inference = None
            elif isinstance(model, TensorFlowModelOnDemand):
                self._sentence_inference = model.inference
            else:
                self._sentence_inference = SentenceInference.from_model(model)
            self._sentence_inference_for = model
            if self._sentence_inference is not None:
                _single_threaded_blas()
        return self._sentence_inference

    def _predict(self, message: Message) -> Optional[Dict[Text, Any]]:
        inference = self._inference()
        if inference is None or self._execution_context.should_add_diagnostic_data:  # type: ignore[attr-defined]
            return super()._predict(message)  # type: ignore[misc]
        featurizers = self.component_config.get(FEATURIZERS)  # type: ignore[attr-defined]
        if not message.features_present(attribute=TEXT, featurizers=featurizers):
            return None  # as Rasa: nothing to classify
        sequence_dense, sentence_dense = message.get_dense_features(TEXT, featurizers)
        sentence = sentence_sparse_features(message, featurizers)
        if sequence_dense is not None or sentence_dense is not None or sentence is None:
            return super()._predict(message)  # type: ignore[misc]
        return {"i_scores": inference.confidences(sentence.features)}

    def persist(self) -> None:
        super().persist()  # type: ignore[misc]
        model = self.model  # type: ignore[attr-defined]
        if model is not None and not isinstance(model, TensorFlowModelOnDemand) \
                and not getattr(model, "prepared_for_prediction", True):
            # Just trained: the labels' embeddings are computed on the first
            # prediction. As Rasa's ``run_inference`` does, once, in inference mode.
            model._training = False
            model.prepare_for_predict()
            model.prepared_for_prediction = True
            self._sentence_inference_for = None
        inference = self._inference()
        if inference is None or isinstance(self.model, TensorFlowModelOnDemand):  # type: ignore[attr-defined]
            return
        with self._model_storage.write_to(self._resource) as model_path:  # type: ignore[attr-defined]
            inference.save(_numpy_directory(model_path, type(self).__name__))

    @classmethod
    def _load_model(cls, entity_tag_specs: Any, label_data: Any, config: Dict[Text, Any],
                    data_example: Any, model_path: Path, finetune_mode: bool = False) -> Any:
        def build(path: Path = model_path) -> Any:
            return super(SentenceInferenceMixin, cls)._load_model(  # type: ignore[misc]
                entity_tag_specs, label_data, config, data_example, path, finetune_mode)

        inference = None
        # The ResponseSelector's own __init__ turns intent classification on
        # and entity recognition off, whatever the configuration says.
        if not finetune_mode and (_usable(config) or issubclass(cls, ResponseSelector)):
            inference = SentenceInference.load(_numpy_directory(model_path, cls.__name__))
        if inference is None:  # a model trained before the files, or another configuration
            return build()
        kept = _keep_checkpoint(model_path, cls.__name__)
        on_demand = TensorFlowModelOnDemand(inference, lambda: build(kept))
        weakref.finalize(on_demand, shutil.rmtree, kept, ignore_errors=True)
        return on_demand


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class NumpyDIETClassifier(SentenceInferenceMixin, DIETClassifier):
    """Rasa's DIETClassifier; intents of a message are scored with NumPy where possible."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DIETClassifier.get_default_config(), NUMPY_WEIGHTS: NUMPY_WEIGHTS_FORMAT}
