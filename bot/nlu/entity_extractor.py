"""GazetteerEntityExtractor: provinces, districts, services and office types by name.

Tags ``province``, ``district``, ``service`` and ``office_type`` with their
canonical values (province and district codes, service codes, office type
keys) and raw-text offsets. Matching runs on the tokens of ``ThaiTokenizer``:
a spaCy ``PhraseMatcher`` over a Thai ``Doc`` built from those tokens, so a
gazetteer term matches exactly when the tokenizer cut the message the way it
cuts the term.

At training time the gazetteer is read from ``data_root`` and every term is
segmented into the token sequences it can appear as; those patterns are
stored in the model and the matcher is rebuilt from them on ``load``, so a
trained model does not read ``data/``.

Decisions:
- overlapping matches: the longest (in raw characters, then in tokens) wins,
  then the earliest; "บัตรประชาชนหาย" is the lost-card service rather than
  "บัตรประชาชน", "อ.เมืองเชียงใหม่" the district rather than the province.
  A district's span is not also tagged as its province; the province code is
  the first two digits of the district code.
- an alias glued to the next or previous word ("ต่อภาษีรถเก๋ง": the tokenizer
  keeps "รถเก๋ง" whole, so the alias "ต่อภาษีรถ" ends inside a token) still
  matches: a token that begins with the last word of a multi-word service or
  office name, or ends with the first, and whose rest is a word, is also
  tried cut in two. Only multi-word names, so the other words must match
  exactly; a one-word name or a place never matches inside a word ("ตาก" in
  "ตากผ้า").
- ambiguous names (จอมทอง is khet 1035 of Bangkok and amphoe 5002 of Chiang
  Mai; "อำเภอเมือง" is the capital district of every province) resolve to the
  one candidate in a province the same message names (by a province or an
  unambiguous district); otherwise they are not tagged at all, so no slot gets
  a guess, and the shorter names inside them may match instead ("อำเภอ" as
  the district office). A service alias claimed by two services is never
  tagged (the gazetteer build warns about it).
"""
from __future__ import annotations

import hashlib
import json
import weakref
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import stored
from bot.nlu.gazetteer import (
    DISTRICT,
    OFFICE_TYPE,
    PROVINCE,
    SERVICE,
    Gazetteer,
    build_gazetteer,
    sources_fingerprint,
)
from bot.nlu.tokenizer import ThaiSegmenter, base_words, finer_words, segmenter_from_data


class Pattern(NamedTuple):
    """A token sequence and, per entity type, the values it names."""

    tokens: tuple[str, ...]
    values: dict[str, tuple[str, ...]]


class _Piece(NamedTuple):
    """A token, or one part of a token cut where a glued alias begins or ends."""

    text: str
    token: int  # index of the token it belongs to
    start: int  # raw offset
    end: int  # raw offset


class _Match(NamedTuple):
    first: int  # token index
    last: int  # token index, exclusive
    start: int  # raw offset
    end: int  # raw offset
    entity: str
    values: tuple[str, ...]


def build_patterns(
    gazetteer: Gazetteer, segmenter: ThaiSegmenter, base_segmenter: ThaiSegmenter
) -> list[Pattern]:
    """Every token sequence a gazetteer term can appear as, with what it names.

    A term is segmented with the domain dictionary (how the tokenizer cuts it)
    and with PyThaiNLP's words alone (how it may be cut next to unusual
    neighbours). Phrases, services and offices also get their finest cut, as
    when typed with spaces ("บัตร ประชาชน หาย"); a one-word place name does not,
    or "เชียง ใหม่" would be a province in any sentence that has both words.
    Terms that normalise alike merge.
    """
    merged: dict[tuple[str, ...], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entry in gazetteer.entries:
        words = segmenter.words(entry.term)
        variants = {tuple(words), tuple(base_segmenter.words(entry.term))}
        if len(words) > 1 or entry.entity in (SERVICE, OFFICE_TYPE):
            variants.add(tuple(finer_words(words)))
        for tokens in variants:
            if tokens:
                merged[tokens][entry.entity].update(entry.values)
    return [
        Pattern(tokens, {entity: tuple(sorted(vals)) for entity, vals in sorted(by_entity.items())})
        for tokens, by_entity in sorted(merged.items())
    ]


def patterns_from_data(data_root: str | Path) -> list[Pattern]:
    """The gazetteer patterns of a model trained on ``data_root`` (reads the data)."""
    data_root = Path(data_root)
    return build_patterns(
        build_gazetteer(data_root), segmenter_from_data(data_root), ThaiSegmenter()
    )


def patterns_to_json(patterns: list[Pattern]) -> list[dict[str, Any]]:
    return [
        {"tokens": list(p.tokens), "values": {e: list(v) for e, v in p.values.items()}}
        for p in patterns
    ]


def patterns_from_json(data: list[dict[str, Any]]) -> list[Pattern]:
    return [
        Pattern(tuple(p["tokens"]), {e: tuple(v) for e, v in p["values"].items()})
        for p in data
    ]


@lru_cache(maxsize=1)
def _thai_vocab() -> Any:
    from spacy.vocab import Vocab

    # The Doc is built from our own tokens and matched on their exact text
    # (ORTH), so a bare vocabulary does: no language is needed. spacy.blank("th")
    # gave the same matches and cost a second and more of every start.
    return Vocab()


class GazetteerMatcher:
    """PhraseMatcher over the gazetteer patterns plus overlap and ambiguity rules."""

    def __init__(self, patterns: list[Pattern]) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self._doc_class = Doc
        self._vocab = _thai_vocab()
        self._matcher = PhraseMatcher(self._vocab, attr="ORTH")
        self._patterns: dict[int, Pattern] = {}
        for index, pattern in enumerate(patterns):
            key = f"gazetteer-{index}"
            self._matcher.add(key, [Doc(self._vocab, words=list(pattern.tokens))])
            self._patterns[self._vocab.strings[key]] = pattern
        self.patterns = patterns
        # Words a glued alias can end (begin) with: the last (first) word of a
        # name of several words that names a service or an office.
        phrases = [p.tokens for p in patterns
                   if len(p.tokens) > 1 and set(p.values) & set(_GLUED_ENTITIES)]
        self._last_words = frozenset(tokens[-1] for tokens in phrases)
        self._first_words = frozenset(tokens[0] for tokens in phrases)
        self._pattern_words = frozenset(t for p in patterns for t in p.tokens)

    def match(self, tokens: List[Token]) -> list[_Match]:
        """Non-overlapping, unambiguous matches over ``tokens``, in text order."""
        if not tokens:
            return []
        found = self._found([_Piece(t.text, i, t.start, t.end) for i, t in enumerate(tokens)])
        pieces = self._cut_glued(tokens)
        if len(pieces) > len(tokens):
            found = list(dict.fromkeys([*found, *self._glued(pieces)]))
        return self._without_overlaps(self._resolved(found))

    def _found(self, pieces: list[_Piece]) -> list[_Match]:
        words = [piece.text for piece in pieces]
        doc = self._doc_class(self._vocab, words=words, spaces=[False] * len(words))
        return [
            _Match(pieces[first].token, pieces[last - 1].token + 1, pieces[first].start,
                   pieces[last - 1].end, entity, values)
            for match_id, first, last in self._matcher(doc)
            for entity, values in self._patterns[match_id].values.items()
        ]

    def _glued(self, pieces: list[_Piece]) -> list[_Match]:
        """Service and office names that begin or end inside a token."""
        counts = Counter(piece.token for piece in pieces)
        cut = {token for token, count in counts.items() if count > 1}
        found = []
        for match in self._found(pieces):
            inside = [p for p in pieces if match.first <= p.token < match.last]
            within = [p for p in inside if match.start <= p.start and p.end <= match.end]
            # A name of several pieces that uses a cut piece, and is more than the piece.
            if (match.entity in _GLUED_ENTITIES and len(within) > 1
                    and any(p.token in cut for p in within)):
                found.append(match)
        return found

    def _cut_glued(self, tokens: List[Token]) -> list[_Piece]:
        """The tokens, with each that holds the end (start) of a name cut after (before) it."""
        words = base_words()
        pieces: list[_Piece] = []
        for index, token in enumerate(tokens):
            text = token.text
            cut = None
            if text not in self._pattern_words:
                cut = _cut_at(text, self._last_words, words, head=True) or _cut_at(
                    text, self._first_words, words, head=False)
            if cut is None:
                pieces.append(_Piece(text, index, token.start, token.end))
                continue
            # Raw offsets inside the token only when normalising kept its length.
            same_length = token.end - token.start == len(text)
            middle = token.start + cut if same_length else token.end
            pieces.append(_Piece(text[:cut], index, token.start, middle))
            pieces.append(_Piece(text[cut:], index, middle if same_length else token.start,
                                 token.end))
        return pieces

    @staticmethod
    def _resolved(found: list[_Match]) -> list[_Match]:
        provinces = {m.values[0] for m in found if m.entity == PROVINCE and len(m.values) == 1}
        provinces |= {m.values[0][:2] for m in found if m.entity == DISTRICT and len(m.values) == 1}
        resolved = []
        for match in found:
            values = match.values
            if len(values) > 1 and match.entity == DISTRICT:
                values = tuple(value for value in values if value[:2] in provinces)
            if len(values) == 1:
                resolved.append(match._replace(values=values))
        return resolved

    @staticmethod
    def _without_overlaps(matches: list[_Match]) -> list[_Match]:
        ranked = sorted(matches, key=lambda m: (-(m.end - m.start), -(m.last - m.first), m.first))
        taken: set[int] = set()
        kept: list[_Match] = []
        for match in ranked:
            span = set(range(match.first, match.last))
            # Same span, other entity type (a name that is both an office and a
            # service alias) is kept; any other overlap loses to the longer match.
            if span & taken and not any(
                (k.first, k.last) == (match.first, match.last) for k in kept
            ):
                continue
            taken |= span
            kept.append(match)
        return sorted(kept, key=lambda m: (m.first, m.entity))


# Entities whose names are phrases of ordinary words, which citizens glue to
# the next word; places are single names that the tokenizer keeps whole.
_GLUED_ENTITIES = (SERVICE, OFFICE_TYPE)
# The shortest word a glued name may end or begin with: "รถ", "บัตร".
_MIN_GLUED_WORD = 2


def _cut_at(text: str, names: frozenset[str], words: frozenset[str], *, head: bool) -> int | None:
    """Where to cut ``text`` so that one side is a name's word and the other a word.

    ``head``: the name's word comes first ("รถ" + "เก๋ง"), else last. The longest
    name's word wins.
    """
    for size in range(len(text) - 1, _MIN_GLUED_WORD - 1, -1):
        name, rest = (text[:size], text[size:]) if head else (text[-size:], text[:-size])
        if name in names and rest in words:
            return size if head else len(text) - size
    return None


_MATCHERS: weakref.WeakValueDictionary[str, GazetteerMatcher] = weakref.WeakValueDictionary()


def matcher_for(patterns: list[Pattern]) -> GazetteerMatcher:
    """One matcher per set of patterns, shared by the components that use them.

    The extractor and the featurizer store the same patterns in the model;
    built twice, the matcher took twice the time of a start's loading and
    twice the memory. It is only read after it is built.
    """
    key = hashlib.sha256(json.dumps(patterns_to_json(patterns), ensure_ascii=False,
                                    sort_keys=True).encode()).hexdigest()
    matcher = _MATCHERS.get(key)
    if matcher is None:
        matcher = _MATCHERS[key] = GazetteerMatcher(patterns)
    return matcher


class StoredPatterns:
    """Gazetteer patterns built from ``data_root`` at training time and kept in the model.

    For the components that match the gazetteer: they set ``_config``,
    ``_model_storage``, ``_resource`` and ``_matcher``.
    """

    RESOURCE_FILE: str
    FORMAT = 1
    _config: Dict[Text, Any]
    _model_storage: ModelStorage
    _resource: Resource
    _matcher: Optional[GazetteerMatcher]

    # Same default as ThaiTokenizer, whose dictionary comes from the same data.
    DEFAULT_CONFIG: Dict[Text, Any] = {"data_root": "data"}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "pythainlp"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return sources_fingerprint(config.get("data_root") or cls.DEFAULT_CONFIG["data_root"])

    @property
    def patterns(self) -> list[Pattern]:
        return self._matcher.patterns if self._matcher else []

    def train(self, training_data: TrainingData) -> Resource:
        """Builds the patterns from ``data_root`` and stores them in the model."""
        self._matcher = GazetteerMatcher(patterns_from_data(self._config["data_root"]))
        stored.save(self._model_storage, self._resource, self.RESOURCE_FILE, self.FORMAT,
                    {"patterns": patterns_to_json(self.patterns)})
        return self._resource

    @classmethod
    def stored_patterns(cls, model_storage: ModelStorage, resource: Resource,
                        consequence: str) -> Optional[list[Pattern]]:
        """The patterns in the model (never from ``data_root``); ``None`` if missing."""
        data = stored.load(model_storage, resource, cls.RESOURCE_FILE, cls.FORMAT, consequence)
        return patterns_from_json(data["patterns"]) if data else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class GazetteerEntityExtractor(StoredPatterns, EntityExtractorMixin, GraphComponent):
    """Tags places, offices and services named in the message with canonical values."""

    RESOURCE_FILE = "gazetteer_patterns.json"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return dict(StoredPatterns.DEFAULT_CONFIG)

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        patterns: Optional[list[Pattern]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
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
    ) -> GazetteerEntityExtractor:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GazetteerEntityExtractor:
        patterns = cls.stored_patterns(model_storage, resource, "no entities will be tagged")
        return cls(config, model_storage, resource, patterns)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._matcher is None:
            return messages
        for message in messages:
            entities = self.extract(message.get(TOKENS_NAMES[TEXT]) or [])
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def extract(self, tokens: List[Token]) -> List[Dict[Text, Any]]:
        """Entity dicts (Rasa format) for a tokenized message."""
        if self._matcher is None:
            return []
        entities = [
            self.add_processor_name(
                {
                    ENTITY_ATTRIBUTE_TYPE: match.entity,
                    ENTITY_ATTRIBUTE_START: match.start,
                    ENTITY_ATTRIBUTE_END: match.end,
                    ENTITY_ATTRIBUTE_VALUE: match.values[0],
                }
            )
            for match in self._matcher.match(tokens)
        ]
        return self.add_extractor_name(entities)
