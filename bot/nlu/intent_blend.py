"""A second intent classifier whose probabilities are averaged with DIET's.

DIET learns a dense embedding of the sparse features; a logistic regression
on the same sentence features is a different kind of model with different
mistakes. Averaged, they are more often right and surer when right: in 5-fold
cross-validation on the training data (bench/nlu_cv.py; README "Benchmarks"),
0.863 of held-back messages got the right top intent, against 0.840 for DIET
and 0.852 for the regression alone, and the fallback's cost-weighted score
rose by a tenth.

Placed right after DIET, whose ``ranking_length`` must be 0 so that every
intent's confidence is there to average; the blended ranking is cut to this
component's own ``ranking_length``. The FallbackClassifier and the FAQ
selector then see the blend as they saw DIET's ranking.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH
from scipy.special import softmax
from sklearn.exceptions import ConvergenceWarning

from bot.nlu.sentence_inference import sentence_sparse_features

EARLIER_WEIGHT = "earlier_weight"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlendedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's ``LogisticRegressionClassifier``, averaged with the ranking already on the message.

    ``earlier_weight`` is the weight of the earlier classifier's confidences
    (DIET's); the regression's get the rest. A message no earlier classifier
    ranked gets the regression's ranking alone.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), EARLIER_WEIGHT: 0.5}

    def train(self, training_data: TrainingData) -> Resource:
        # lbfgs stops at Rasa's 100 iterations before it converges and says so
        # on every training; run to convergence (1,000) the blend was no better
        # in cross-validation and training slower (README "Benchmarks").
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return super().train(training_data)

    def process(self, messages: List[Message]) -> List[Message]:
        # An untrained regression (no intent examples) has no classes: leave
        # whatever the earlier classifier decided.
        if not hasattr(self.clf, "classes_"):
            return messages
        intents = [str(name) for name in self.clf.classes_]
        weight = float(self.config[EARLIER_WEIGHT])
        for message in messages:
            own = self._probabilities(message)
            if own is None:
                continue  # nothing to classify, as in Rasa
            earlier = {r[INTENT_NAME_KEY]: float(r[PREDICTED_CONFIDENCE_KEY])
                       for r in message.get(INTENT_RANKING_KEY) or []}
            blended = own if not earlier else (
                weight * np.array([earlier.get(name, 0.0) for name in intents]) + (1 - weight) * own)
            order = np.argsort(-blended, kind="stable")
            if self.config[RANKING_LENGTH] > 0:
                order = order[: self.config[RANKING_LENGTH]]
            ranking = [{INTENT_NAME_KEY: intents[i], PREDICTED_CONFIDENCE_KEY: float(blended[i])}
                       for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def _probabilities(self, message: Message) -> Optional[np.ndarray]:
        """The regression's probability of every class, or None without sentence features.

        Rasa's ``_create_X`` combines sequence features it then drops and
        ``predict_proba`` validates its input: 1.6 ms of CPU a message, against
        0.09 ms this way with the sentence features DIET has already combined
        (measured). For a multinomial model (more than two
        intents) the same softmax of the same linear scores is computed directly.
        """
        sentence = sentence_sparse_features(message)
        if sentence is None:
            return None
        _, sentence_dense = message.get_dense_features(TEXT)
        if sentence_dense is not None or not self._multinomial():
            return self.clf.predict_proba(self._create_X([message]))[0]
        scores = np.asarray(sentence.features @ self.clf.coef_.T)[0] + self.clf.intercept_
        return softmax(scores)

    def _multinomial(self) -> bool:
        # As LogisticRegression.predict_proba decides between softmax and one-vs-rest.
        return self.clf.multi_class == "multinomial" or (
            self.clf.multi_class == "auto" and self.clf.classes_.size > 2
            and self.clf.solver != "liblinear")
