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
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
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
            config = self.component_config  # type: ignore[attr-defined]
            usable = config[INTENT_CLASSIFICATION] and not config[ENTITY_RECOGNITION]
            self._sentence_inference = SentenceInference.from_model(model) if usable else None
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


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class NumpyDIETClassifier(SentenceInferenceMixin, DIETClassifier):
    """Rasa's DIETClassifier; intents of a message are scored with NumPy where possible."""
