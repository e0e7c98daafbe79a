"""Rasa's ResponseSelector, run only on messages that may be answered as FAQs.

Selecting an FAQ answer runs a second DIET model and costs as much as
classifying the intent (with TensorFlow scoring, 3.3 of 8.3 ms of NLU per
message, profiled; bot/nlu/sentence_inference.py has since made both cheap). Its
result is only used when the message's intent is the retrieval intent, or when
the assistant asks back ("did you mean ...") and may offer that intent. A
message whose top intent is another one, with a confidence and a lead over the
runner-up that the FallbackClassifier accepts, is answered as that intent: for
it the selection is skipped and nothing about it appears in the parse result.

``skip_above`` and ``skip_lead`` must equal the FallbackClassifier's
``threshold`` and ``ambiguity_threshold``: config.yml gives each value once,
as a YAML anchor both components use (tests/bot/nlu/test_response_selector.py
checks it). Without them every message gets a selection, as in Rasa.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.sentence_inference import NUMPY_WEIGHTS, NUMPY_WEIGHTS_FORMAT, SentenceInferenceMixin

SKIP_ABOVE = "skip_above"
SKIP_LEAD = "skip_lead"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(SentenceInferenceMixin, ResponseSelector):
    """``ResponseSelector`` that leaves out messages confidently of another intent.

    The selection itself is scored with NumPy, as DIET's intents are.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**ResponseSelector.get_default_config(), SKIP_ABOVE: None, SKIP_LEAD: None,
                NUMPY_WEIGHTS: NUMPY_WEIGHTS_FORMAT}

    def may_be_retrieval(self, message: Message) -> bool:
        """Whether the selection could be used for ``message``."""
        skip_above: Optional[float] = self.component_config.get(SKIP_ABOVE)
        if skip_above is None:
            return True
        ranking = message.get("intent_ranking") or []
        top = message.get(INTENT) or {}
        if not ranking or top.get(INTENT_NAME_KEY) in (None, self.retrieval_intent):
            return True
        confidence = float(top.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        runner_up = float(ranking[1].get(PREDICTED_CONFIDENCE_KEY) or 0.0) if len(ranking) > 1 else 0.0
        lead = float(self.component_config.get(SKIP_LEAD) or 0.0)
        return confidence < skip_above or confidence - runner_up < lead

    def process(self, messages: List[Message]) -> List[Message]:
        candidates = [message for message in messages if self.may_be_retrieval(message)]
        if candidates:
            super().process(candidates)
        return messages
