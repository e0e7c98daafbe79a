"""DomainVocabularyFeaturizer: tells the intent classifiers which words are foreign to the domain.

"ขั้นตอนทำเค้กช็อกโกแลต" (how to bake a chocolate cake) has the words of a
service question ("ขั้นตอน") and DIET answered it as ``ask_steps`` with full
confidence: nothing in the word features says that เค้ก and ช็อกโกแลต are
foreign to government services. Out-of-scope messages were the most missed
intent in cross-validation.

The domain vocabulary is every word of the knowledge base's own texts
(service records, office types, agencies, holidays, FAQ titles and answers,
exported from the published database into ``nlu/content/terms.yml`` when
training, see ``common.training_content``) and of the assistant's responses
(``domain.yml``), the gazetteer's terms and PyThaiNLP's Thai stop words (FAQ
question variants are training examples, and count as such, below). Built at
training time and stored in the model; the exported texts are part of the
component's fingerprint, so a published change to them retrains it.

With ``example_count`` k > 0 (config.yml: 2), a word also belongs to the
vocabulary when at least k training examples of in-domain intents (all but
``outside_intents``) use it: the colloquial words of service questions (โมง,
ตรงไหน, ใช้เวลา) that no record writes. A training example is featurised as if it were not in
the counts (leave-one-out): a word it shares with exactly k - 1 others is
foreign to it, as it would be to an unseen message, so the classifiers do not
learn that in-domain examples never have a foreign word. In 5-fold
cross-validation (bench/nlu_cv.py; README "Benchmarks") the records' words
alone took all intents from 0.863 to 0.875 before fallback and the fallback's
score from 1,371.5 to 1,379; counting words of two or more examples kept
0.874 and raised the score to 1,411.5 (fewer wrong answers).

Features: on each token, whether it is a word (it has a letter) outside the
vocabulary; on the sentence, whether there is at least one such word and
whether there are at least two.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Set as AbstractSet
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
import scipy.sparse
import yaml
from pythainlp.corpus import thai_stopwords
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import stored
from bot.nlu.gazetteer import domain_texts_of, read_terms, sources_fingerprint
from bot.nlu.tokenizer import ThaiSegmenter, segmenter_from_data

SENTENCE_COUNTS = (1, 2)


def domain_texts(data_root: str | Path, domain: str | Path) -> Iterator[str]:
    """The exported texts of the knowledge base (but training examples) and the responses."""
    yield from domain_texts_of(read_terms(data_root))
    responses = yaml.safe_load(Path(domain).read_text(encoding="utf-8")).get("responses") or {}
    yield from _strings(responses)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def domain_vocabulary(segmenter: ThaiSegmenter, texts: Iterable[str]) -> frozenset[str]:
    """Normalised words of ``texts``, the segmenter's domain terms and Thai stop words."""
    words: set[str] = set(segmenter.terms)
    for text in (*texts, *thai_stopwords()):
        words.update(segmenter.words(text))
    return frozenset(words)


def is_word(text: str) -> bool:
    return any(char.isalpha() for char in text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class DomainVocabularyFeaturizer(SparseFeaturizer, GraphComponent):
    """Sparse features: words outside the service domain's vocabulary."""

    RESOURCE_FILE = "domain_vocabulary.json"
    FORMAT = 1

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["pythainlp"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Same default as ThaiTokenizer, whose dictionary comes from the same data.
        return {
            **SparseFeaturizer.get_default_config(),
            "data_root": "data",
            "domain": "domain.yml",
            # As ThaiTokenizer's: the vocabulary is segmented as messages are.
            "domain_dictionary": True,
            # 0: the knowledge base's and responses' words only.
            "example_count": 0,
            "outside_intents": ["out_of_scope"],
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when the exported content changes, though Rasa does not read it."""
        return sources_fingerprint(config.get("data_root") or cls.get_default_config()["data_root"])

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        vocabulary: frozenset[str] = frozenset(),
        borderline: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(execution_context.node_name, {**self.get_default_config(), **config})
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary
        # Words in the vocabulary only through exactly ``example_count`` examples.
        self.borderline = borderline

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DomainVocabularyFeaturizer:
        return cls(config, model_storage, resource, execution_context)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DomainVocabularyFeaturizer:
        """Reads the vocabulary from model storage, never from ``data_root``."""
        data = stored.load(model_storage, resource, cls.RESOURCE_FILE, cls.FORMAT,
                           "no domain vocabulary features")
        if data is None:
            return cls(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, execution_context,
                   frozenset(data["words"]), frozenset(data["borderline"]))

    def train(self, training_data: TrainingData) -> Resource:
        """Builds the vocabulary from ``data_root`` and ``domain``; stores it in the model."""
        data_root = self._config["data_root"]
        segmenter = segmenter_from_data(data_root, bool(self._config["domain_dictionary"]))
        records = domain_vocabulary(segmenter, domain_texts(data_root, self._config["domain"]))
        needed = int(self._config["example_count"])
        counts: Counter[str] = Counter()
        if needed > 0:
            for message in training_data.training_examples:
                if self._in_domain(message):
                    counts.update(self._words(message))
        self.vocabulary = records | {word for word, count in counts.items() if count >= needed}
        self.borderline = frozenset(word for word, count in counts.items()
                                    if count == needed and word not in records)
        stored.save(self._model_storage, self._resource, self.RESOURCE_FILE, self.FORMAT,
                    {"words": sorted(self.vocabulary), "borderline": sorted(self.borderline)})
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, leave_one_out=True)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages, leave_one_out=False)
        return messages

    def _featurize(self, messages: List[Message], leave_one_out: bool) -> None:
        # An untrained model marks nothing rather than everything.
        if not self.vocabulary:
            return
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if not tokens:
                continue
            own = (self._words(message) & self.borderline
                   if leave_one_out and self._in_domain(message) else frozenset())
            self.add_features_to_message(*self.features(tokens, own), TEXT, message)

    def _in_domain(self, message: Message) -> bool:
        intent = message.get(INTENT)
        return bool(intent) and intent not in self._config["outside_intents"]

    @staticmethod
    def _words(message: Message) -> set[str]:
        tokens = message.get(TOKENS_NAMES[TEXT]) or ()
        return {token.text for token in tokens if is_word(token.text)}

    def features(
        self, tokens: list[Token], left_out: AbstractSet[str] = frozenset()
    ) -> tuple[scipy.sparse.coo_matrix, scipy.sparse.coo_matrix]:
        """(tokens x 1) foreign-word flags and (1 x 2) at-least-one / at-least-two flags.

        ``left_out``: words taken out of the vocabulary for this message.
        """
        sequence = np.array([[float(is_word(t.text) and (t.text not in self.vocabulary
                                                         or t.text in left_out))] for t in tokens])
        foreign = sequence.sum()
        sentence = np.array([[float(foreign >= count) for count in SENTENCE_COUNTS]])
        return scipy.sparse.coo_matrix(sequence), scipy.sparse.coo_matrix(sentence)
