"""QuantityEntityExtractor: ages, durations, dates, amounts and vehicle classes by rule.

The Rasa side of ``bot.nlu.thai_quantities``: tags each message with the
quantities no gazetteer can list, in Rasa's entity format, with raw-text
offsets and normalised values (``value``; a relative date's meaning today and
a duration's parts in ``additional_info``).

Why rules and not DIET: DIET here runs with ``entity_recognition: false`` so
that its intent scores come from NumPy (bot/nlu/sentence_inference.py), and a
learned tagger would still need these same rules to turn "๑,๐๐๐ บาท" into
1000 or "7 ธ.ค. 69" into 2026-12-07. bench/entities.py measures both on
tests/data/nlu_entities_test.yml (figures in bench/README.md).

Nothing is trained and nothing is stored: the rules are code, so the model
fingerprint changes with this module and ``bot.nlu.thai_quantities``.
"""
from __future__ import annotations

import hashlib
import inspect
from datetime import date
from typing import Any, Callable, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import thai_quantities
from bot.nlu.thai_quantities import ENTITY_TYPES, extract

ADDITIONAL_INFO = "additional_info"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class QuantityEntityExtractor(EntityExtractorMixin, GraphComponent):
    """Tags ages, durations, dates, amounts, vehicle classes and licence types.

    Config:
        dimensions: the entity types to tag (default: all of
            ``thai_quantities.ENTITY_TYPES``).
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"dimensions": list(ENTITY_TYPES)}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # Rasa fingerprints this class's source only; the rules live next door.
        return hashlib.sha256(inspect.getsource(thai_quantities).encode("utf-8")).hexdigest()

    def __init__(self, config: Dict[Text, Any],
                 today: Callable[[], date] = thai_quantities.thai_today) -> None:
        self._config = {**self.get_default_config(), **config}
        unknown = set(self._config["dimensions"]) - set(ENTITY_TYPES)
        if unknown:
            raise ValueError(f"QuantityEntityExtractor: unknown dimensions {sorted(unknown)}; "
                             f"known: {list(ENTITY_TYPES)}")
        self._dimensions = frozenset(self._config["dimensions"])
        self._today = today

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuantityEntityExtractor:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            # In the order of the text, as annotations list them: Rasa's
            # end-to-end story test compares the lists as they are. A vehicle
            # class inside a service's name stays ("ใบขับขี่มอไซค์": the
            # licence's fee depends on it), although no annotation can hold
            # both (tests/test_stories.yml).
            entities = sorted(message.get(ENTITIES, []) + self.extract(message.get(TEXT) or ""),
                              key=lambda e: (e[ENTITY_ATTRIBUTE_START], e[ENTITY_ATTRIBUTE_END]))
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def extract(self, text: str) -> List[Dict[Text, Any]]:
        """Entity dicts (Rasa format) for the message ``text`` as typed."""
        entities = []
        today = self._today()
        for quantity in extract(text, today):
            if quantity.entity not in self._dimensions:
                continue
            entity: Dict[Text, Any] = {
                ENTITY_ATTRIBUTE_TYPE: quantity.entity,
                ENTITY_ATTRIBUTE_START: quantity.start,
                ENTITY_ATTRIBUTE_END: quantity.end,
                ENTITY_ATTRIBUTE_VALUE: quantity.value,
            }
            if quantity.additional_info:
                entity[ADDITIONAL_INFO] = quantity.additional_info
            entities.append(self.add_processor_name(entity))
        return self.add_extractor_name(entities)

