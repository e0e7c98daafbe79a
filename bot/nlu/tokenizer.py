"""ThaiTokenizer: Thai word segmentation for the Rasa pipeline.

Stock Rasa refuses ``language: th`` with its whitespace tokenizer, and Thai has
no spaces between words anyway. This tokenizer normalises the message
(``bot.nlu.normalizer``), segments the normalised text with PyThaiNLP ``newmm``
over PyThaiNLP's word list plus the project's domain dictionary (names of
provinces, districts and offices, form numbers such as ทร.14), and maps every
token back to the raw text: ``raw[token.start:token.end]`` is the token as the
citizen typed it, while ``token.text`` is its normalised form, which the
featurizers and the gazetteer see.

Like Rasa's ``JiebaTokenizer``, the domain dictionary travels inside the model:
it is read from ``data_root`` at training time, persisted to model storage by
``train`` and read back by ``load``, so a trained model never reads ``data/``.

Decisions:
- whitespace is never a token; punctuation-only pieces ("?", "-", "...") are
  dropped, as Rasa's whitespace tokenizer does;
- emoji are kept, one token per emoji (with its modifiers and joiners):
  "🙏" carries meaning in Thai chat ("please", "thank you");
- a message with nothing but punctuation becomes one token, as in Rasa, so
  featurizers always see something; an empty message has no tokens.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize
from pythainlp.util import Trie
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.gazetteer import build_gazetteer, read_normalisation, sources_fingerprint
from bot.nlu import stored
from bot.nlu.normalizer import NormalizedText, Normalizer

_ZWJ = "\u200d"
_KEPT_SYMBOL_CATEGORIES = ("So", "Sc")


@lru_cache(maxsize=1)
def _base_words() -> frozenset[str]:
    return frozenset(thai_words())


def base_words() -> frozenset[str]:
    """PyThaiNLP's word list, loaded once: what counts as a Thai word."""
    return _base_words()


@lru_cache(maxsize=4)
def _trie(terms: tuple[str, ...]) -> Trie:
    """PyThaiNLP's words plus ``terms``; built once per dictionary (about 0.4 s)."""
    return Trie(_base_words() | set(terms))


@lru_cache(maxsize=1)
def _splitting_trie() -> Trie:
    """Private copy of the base trie; ``finer_words`` removes a word for a moment."""
    return Trie(_base_words())


def finer_words(words: Iterable[str]) -> list[str]:
    """Each word split into smaller dictionary words when it is made of them.

    "บัตรประชาชน" → "บัตร", "ประชาชน": how a term looks when a citizen types
    it with spaces. A word stays whole unless every part is a known word.
    Mutates a private trie, so it is for training time, not concurrent use.
    """
    base = _base_words()
    trie = _splitting_trie()
    finer: list[str] = []
    for word in words:
        known = word in base
        if known:
            trie.remove(word)
        try:
            parts = word_tokenize(word, custom_dict=trie, engine="newmm", keep_whitespace=False)
        finally:
            if known:
                trie.add(word)
        finer.extend(parts if len(parts) > 1 and all(part in base for part in parts) else [word])
    return finer


def _piece_spans(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for piece in pieces:
        start = position if text.startswith(piece, position) else text.find(piece, position)
        if start < 0:
            continue
        position = start + len(piece)
        spans.append((start, position))
    return spans


def _is_modifier(char: str) -> bool:
    return (
        unicodedata.category(char) in ("Mn", "Me")
        or char in "\ufe0e\ufe0f"
        or 0x1F3FB <= ord(char) <= 0x1F3FF  # skin tones
    )


def _symbol_clusters(piece: str) -> list[tuple[int, int]]:
    """Split a run of symbols into single symbols, keeping emoji sequences whole."""
    clusters: list[tuple[int, int]] = []
    for index, char in enumerate(piece):
        if clusters and (_is_modifier(char) or char == _ZWJ or piece[index - 1] == _ZWJ):
            clusters[-1] = (clusters[-1][0], index + 1)
        else:
            clusters.append((index, index + 1))
    return clusters


class ThaiSegmenter:
    """Normalise, segment and map back to raw offsets.

    Args:
        terms: domain dictionary terms, already normalised with ``normalizer``.
        normalizer: the normaliser shared with the gazetteer.
    """

    def __init__(self, terms: Iterable[str] = (), normalizer: Normalizer | None = None) -> None:
        self.normalizer = normalizer or Normalizer()
        # A term with a space would become a token with a space; such terms are
        # matched by the extractor as token sequences instead.
        self.terms = tuple(
            sorted({term for term in terms if term and not any(c.isspace() for c in term)})
        )
        self._trie = _trie(self.terms)

    @classmethod
    def from_raw_terms(cls, terms: Iterable[str], normalizer: Normalizer) -> ThaiSegmenter:
        return cls((normalizer.normalize_term(term) for term in terms), normalizer)

    def tokenize(self, raw: str) -> list[Token]:
        """Tokens of ``raw``: normalised text, raw offsets."""
        normalized = self.normalizer.normalize(raw or "")
        text = normalized.text
        if not text.strip():
            return []
        pieces = word_tokenize(text, custom_dict=self._trie, engine="newmm", keep_whitespace=True)
        tokens: list[Token] = []
        for start, end in self._unglued(normalized, _piece_spans(text, pieces)):
            piece = text[start:end]
            if piece.isspace():
                continue
            if any(char.isalnum() for char in piece):
                tokens.append(self._token(normalized, start, end))
                continue
            for first, last in _symbol_clusters(piece):
                if unicodedata.category(piece[first]) in _KEPT_SYMBOL_CATEGORIES:
                    tokens.append(self._token(normalized, start + first, start + last))
        if not tokens:
            stripped = len(text) - len(text.lstrip())
            tokens.append(self._token(normalized, stripped, len(text.rstrip())))
        return tokens

    def words(self, text: str) -> list[str]:
        """Normalised token texts of ``text``: how a gazetteer term appears in messages."""
        return [token.text for token in self.tokenize(text)]

    @staticmethod
    def _unglued(
        normalized: NormalizedText, spans: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """Merge pieces cut inside a rewritten group (a replaced misspelling)."""
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and normalized.glued[start]:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        return merged

    @staticmethod
    def _token(normalized: NormalizedText, start: int, end: int) -> Token:
        text = normalized.text[start:end]
        raw_start, raw_end = normalized.raw_span(start, end)
        return Token(text, raw_start, raw_end, lemma=text)


def segmenter_from_data(data_root: str | Path, domain_dictionary: bool = True) -> ThaiSegmenter:
    """The segmenter a model trained on ``data_root`` uses (reads the data)."""
    normalizer = Normalizer.from_dict(read_normalisation(data_root))
    terms = build_gazetteer(data_root).dictionary if domain_dictionary else ()
    return ThaiSegmenter.from_raw_terms(terms, normalizer)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class ThaiTokenizer(Tokenizer):
    """Thai tokenizer whose domain dictionary is stored in the model."""

    RESOURCE_FILE = "thai_tokenizer.json"
    FORMAT = 1

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return ["th"]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["pythainlp"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Where the gazetteer sources live; read at training time only.
            "data_root": "data",
            # False segments with PyThaiNLP's words only (the benchmark's
            # "plain newmm" pipeline); normalisation stays on.
            "domain_dictionary": True,
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """Retrain when a gazetteer source changes, though Rasa does not read them."""
        data_root = config.get("data_root") or cls.get_default_config()["data_root"]
        return sources_fingerprint(data_root)

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        segmenter: ThaiSegmenter,
    ) -> None:
        super().__init__({**self.get_default_config(), **config})
        self._model_storage = model_storage
        self._resource = resource
        self.segmenter = segmenter

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiTokenizer:
        """Reads the domain dictionary from ``data_root`` (training time)."""
        data_root = config.get("data_root") or cls.get_default_config()["data_root"]
        domain_dictionary = bool(config.get("domain_dictionary", True))
        return cls(config, model_storage, resource, segmenter_from_data(data_root, domain_dictionary))

    def train(self, training_data: TrainingData) -> Resource:
        """Stores the domain dictionary and normalisation rules in the model."""
        self.persist()
        return self._resource

    def persist(self) -> None:
        stored.save(
            self._model_storage,
            self._resource,
            self.RESOURCE_FILE,
            self.FORMAT,
            {
                "terms": list(self.segmenter.terms),
                "normalisation": self.segmenter.normalizer.to_dict(),
            },
        )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ThaiTokenizer:
        """Reads the dictionary from model storage, never from ``data_root``."""
        data = stored.load(
            model_storage,
            resource,
            cls.RESOURCE_FILE,
            cls.FORMAT,
            "segmenting with PyThaiNLP's words only",
        )
        if data is None:
            return cls(config, model_storage, resource, ThaiSegmenter())
        normalizer = Normalizer.from_dict(data["normalisation"])
        return cls(config, model_storage, resource, ThaiSegmenter(data["terms"], normalizer))

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        return self._apply_token_pattern(self.segmenter.tokenize(message.get(attribute)))
