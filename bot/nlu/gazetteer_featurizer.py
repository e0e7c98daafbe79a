"""GazetteerFeaturizer: tells DIET which tokens name a place, an office or a service.

DIET learns intents from the words and character n-grams of its examples. A
place name it never saw there looks like any unknown word: a bare "แม่ริม"
or "อ.แม่สอด" (the citizen answering "which district?") was classified by
its length and its particles, often as ``affirm``. With 77 provinces, 928
districts, 33 services and their aliases, most names are in no example.

This featurizer adds one sparse feature per gazetteer entity type (province,
district, service, office type): on each token that is part of a match, and
on the sentence when the message has such a match. Matches are the
``GazetteerEntityExtractor``'s (same patterns, overlap and ambiguity rules);
they are computed here as well because Rasa runs no entity extractor over
the training data. Like the extractor, the patterns are built from
``data_root`` at training time and stored in the model.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entity_extractor import Pattern, StoredPatterns, matcher_for
from bot.nlu.gazetteer import ENTITY_TYPES


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class GazetteerFeaturizer(StoredPatterns, SparseFeaturizer, GraphComponent):
    """Sparse features: which gazetteer entity types each token is part of."""

    RESOURCE_FILE = "gazetteer_featurizer_patterns.json"

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config(), **StoredPatterns.DEFAULT_CONFIG}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        patterns: Optional[list[Pattern]] = None,
    ) -> None:
        super().__init__(execution_context.node_name, {**self.get_default_config(), **config})
        self._model_storage = model_storage
        self._resource = resource
        self._matcher = matcher_for(patterns) if patterns else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GazetteerFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GazetteerFeaturizer:
        patterns = cls.stored_patterns(model_storage, resource, "no gazetteer features")
        return cls(config, model_storage, resource, execution_context, patterns)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if not tokens:
                continue
            sequence, sentence = self.features(tokens)
            self.add_features_to_message(sequence, sentence, TEXT, message)
        return messages

    def features(self, tokens: list) -> tuple[scipy.sparse.coo_matrix, scipy.sparse.coo_matrix]:
        """(tokens x entity types) and (1 x entity types) 0/1 matrices."""
        sequence = np.zeros((len(tokens), len(ENTITY_TYPES)))
        if self._matcher is not None:
            for match in self._matcher.match(tokens):
                sequence[match.first : match.last, ENTITY_TYPES.index(match.entity)] = 1.0
        sentence = sequence.max(axis=0, keepdims=True)
        return scipy.sparse.coo_matrix(sequence), scipy.sparse.coo_matrix(sentence)
