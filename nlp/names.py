"""People's names in Thai messages, added to the findings of ``common.privacy``.

Three sources, each checked against the others because every one alone is noisy:

1. Cues: an honorific or "ชื่อ" followed by a word that is a known name
   (PyThaiNLP's female/male/family name lists) or not a dictionary word at all.
2. Pairs without a cue: a known first name followed by a known family name.
3. PyThaiNLP's Thai NER CRF model (``thainer`` 1.5.1, shipped inside the
   package): a PERSON span counts when it holds a known name or a word the
   dictionary does not know, so "คุณช่วยบอกขั้นตอน" (all dictionary words) stays.

Everything is loaded lazily, once, from files inside the PyThaiNLP package:
nothing here asks PyThaiNLP for a corpus it would download (a test runs it with
sockets disabled and PYTHAINLP_OFFLINE=1, which production should set too).
"""
from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from common.privacy import NAME, Finding, RedactingFilter, apply, find_personal_data, resolve

if TYPE_CHECKING:
    from pycrfsuite import Tagger
    from pythainlp.util import Trie

NER_CORPUS = "thainer"
NER_VERSION = "1.5.1"  # the CRF file PyThaiNLP 5.4.0 ships: thainer_crf_1_5_1.model
ENGINES = ("cues+lists", "cues+lists+ner")

# Longest first so "นางสาว" wins over "นาง". Titles people write in front of a
# name; "คุณ" and "ชื่อ" are weak (คุณภาพ, เปลี่ยนชื่อ) and need more evidence.
_STRONG_CUES = ("นางสาว", "น.ส.", "นส.", "นาง", "นาย", "ด.ช.", "ด.ญ.", "ดช.", "ดญ.", "เด็กชาย",
                "เด็กหญิง", "ดร.", "นพ.", "พญ.", "ผศ.", "รศ.", "ร.ต.อ.", "พ.ต.อ.", "จ.ส.อ.")
_WEAK_CUES = ("ชื่อ-นามสกุล", "ชื่อ-สกุล", "ชื่อจริง", "ชื่อว่า", "ชื่อเก่า", "ชื่อเดิม", "ชื่อใหม่", "ชื่อ",
              "คุณ", "ดิฉัน", "ข้าพเจ้า", "กระผม")
# Cues after which a family name stands alone ("นามสกุล วงศ์สวัสดิ์").
_SURNAME_CUES = ("นามสกุล", "สกุล")
# Kinship words people put before a name (ลุงสมชาย, พี่แอดมิน, น้องบอท): only a
# listed name that is no ordinary word counts after them, never an unknown word.
_KIN_CUES = ("ลุง", "ป้า", "น้า", "อา", "พี่", "น้อง", "ยาย", "ตา", "ปู่", "ย่า")
# Words for a person that a name often follows with no title: pronouns,
# family, the people of a village or an office (ผมวรวุฒิ, แม่สมหญิง, ครูมาลัย,
# กำนันสมบัติ, เจ้าบ้านคือบุญมี). Like kinship words they need a listed name.
_PERSON_CUES = ("ผม", "หนู", "แม่", "พ่อ", "ลูก", "ลูกสาว", "ลูกชาย", "สามี", "ภรรยา", "เมีย", "แฟน",
                "เพื่อน", "หลาน", "พี่สาว", "พี่ชาย", "น้องสาว", "น้องชาย", "ครู", "ครูใหญ่", "อาจารย์",
                "หมอ", "กำนัน", "ผู้ใหญ่บ้าน", "ผู้ใหญ่", "ปลัด", "คือ")
_SOFT_CUES = frozenset(_KIN_CUES + _PERSON_CUES)
_CUE = re.compile(
    "(?P<cue>" + "|".join(re.escape(c) for c in sorted(
        _STRONG_CUES + _WEAK_CUES + _SURNAME_CUES + _KIN_CUES + _PERSON_CUES, key=len, reverse=True))
    + r")[ \t]?"
)
_THAI_WORD = re.compile(r"[\u0E01-\u0E4E]+")
# Words that end a name: particles and the words people type right after one.
_ENDERS = frozenset({
    "ไหม", "มั้ย", "นะคะ", "นะครับ", "คับ", "ค้าบ", "ครับผม", "จ้ะ", "ฮะ", "เลข", "เบอร์", "โทร", "อายุ",
    "เกิด", "บ้าน", "อยู่", "ลูก", "แม่", "พ่อ", "ค่า", "คะ", "ค่ะ", "ครับ", "นะ", "จ้า",
})

# Ordinary words that are also in PyThaiNLP's name lists or read like one after
# a cue: "ชื่อสกุล", "คุณสมบัติ", "คุณแม่" are not names.
_NOT_NAMES = frozenset({
    "สกุล", "นามสกุล", "ใหม่", "เดิม", "เล่น", "จริง", "ตัว", "เต็ม", "เรื่อง", "สมบัติ", "ค่า", "ภาพ",
    "วุฒิ", "ธรรม", "ประโยชน์", "ความ", "หญิง", "ชาย", "น้อง", "แม่", "พ่อ", "ตา", "ยาย", "ป้า", "ลุง",
    "น้า", "พี่", "หมอ", "ครู", "ลูกค้า", "เจ้าหน้าที่", "บัญชี", "ไทย", "อังกฤษ", "ภาษาอังกฤษ",
})
# Offices written with นาย/นาง in front: นายอำเภอ, นายทะเบียน, นายก, นางพยาบาล.
_ROLE_WORDS = frozenset({
    "อำเภอ", "ทะเบียน", "ก", "กรัฐมนตรี", "จ้าง", "หน้า", "ทุน", "ตรวจ", "ด่าน", "ช่าง", "ประกัน",
    "แบบ", "พยาบาล", "งาน", "ร้อย", "สิบ", "พัน", "พล", "กเทศมนตรี", "ห้าง", "ประตู", "แพทย์",
})
# Words that start a sentence rather than a surname after a first name.
_NOT_SURNAME_START = frozenset({
    "ต้องการ", "แจ้ง", "ทำ", "ลงทะเบียน", "เสียชีวิต", "ติดต่อ", "สอบถาม", "อยาก", "เลข", "เบอร์",
    "โทร", "อายุ", "เกิด", "บ้าน", "อีเมล", "เมล", "ไลน์", "บัตร", "ยื่น", "รับ", "ส่ง", "สมัคร",
})


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """First names, family names, dictionary words, stopwords (PyThaiNLP's lists)."""
    from pythainlp.corpus import (
        thai_family_names,
        thai_female_names,
        thai_male_names,
        thai_stopwords,
        thai_words,
    )

    first = frozenset(thai_female_names() | thai_male_names())
    family = frozenset(thai_family_names())
    return first, family, frozenset(thai_words()), frozenset(thai_stopwords()) | _ENDERS


@lru_cache(maxsize=1)
def _name_trie() -> Trie:
    # Names in the dictionary keep "สมชายใจดี" from splitting into ordinary words.
    from pythainlp.util import Trie

    first, family, words, _ = _lists()
    return Trie(words | first | family)


@lru_cache(maxsize=1)
def _ner_model_path() -> str:
    """The thainer 1.5.1 CRF shipped inside PyThaiNLP, found without a download.

    ``pythainlp.tag.NER("thainer")`` cannot load it offline in 5.4.0: it asks for
    version "1.5" (the package ships "1.5.1") and for a POS model it does not
    ship (blackboard); so the file is opened here directly.
    """
    from pythainlp.corpus.core import get_corpus_default_db

    path = get_corpus_default_db(NER_CORPUS, NER_VERSION)
    if not path or not os.path.exists(path):
        raise FileNotFoundError(
            f"PyThaiNLP's {NER_CORPUS} {NER_VERSION} CRF model is not in the installed package"
        )
    return path


_per_thread = threading.local()


def _ner_tagger() -> Tagger:
    # A crfsuite Tagger holds per-call state in C, so each thread opens its own
    # (a few milliseconds, once per thread).
    tagger = getattr(_per_thread, "tagger", None)
    if tagger is None:
        from pycrfsuite import Tagger

        tagger = Tagger()
        tagger.open(_ner_model_path())
        _per_thread.tagger = tagger
    return tagger


def _coarse_pos(token: str) -> str:
    # The model was trained with Blackboard (LST20) POS tags whose tagger is not
    # shipped; space/number/other is all we give it. Measured when choosing, on the
    # CRF alone: 84 of the corpus' 96 names found this way against 78 with the
    # shipped ORCHID tagger's tags mapped to LST20, which took ten times as long.
    if token.isspace():
        return "PU"
    return "NU" if token.isdigit() else "NN"


def ner_person_spans(text: str) -> list[tuple[int, int]]:
    """Character spans the thainer CRF tags PERSON (honorifics included)."""
    if not text:
        return []
    from pythainlp.tag.thainer import ThaiNameTagger
    from pythainlp.tokenize import word_tokenize

    tokens = word_tokenize(text, engine="mm")  # the tokenizer PyThaiNLP pairs with this model
    features = ThaiNameTagger._extract_features([(t, _coarse_pos(t)) for t in tokens])
    spans: list[tuple[int, int]] = []
    pos = 0
    for token, label in zip(tokens, _ner_tagger().tag(features)):
        end = pos + len(token)
        if label.endswith("-PERSON"):
            if label.startswith("I-") and spans and spans[-1][1] == pos:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((pos, end))
        pos = end
    return spans


class _Doc:
    """A message tokenized once (newmm with names in the dictionary), by offset."""

    def __init__(self, text: str) -> None:
        from pythainlp.tokenize import word_tokenize

        self.text = text
        self.tokens = word_tokenize(text, custom_dict=_name_trie(), engine="newmm", keep_whitespace=True)
        self.index: dict[int, int] = {}
        pos = 0
        for i, token in enumerate(self.tokens):
            self.index[pos] = i
            pos += len(token)
        self.edges = set(self.index) | {pos}

    def thai_tokens(self, start: int) -> list[str]:
        """Tokens from ``start`` while they are Thai letters (a name never spans a space)."""
        i = self.index.get(start)
        out: list[str] = []
        while i is not None and i < len(self.tokens) and _THAI_WORD.fullmatch(self.tokens[i]):
            out.append(self.tokens[i])
            i += 1
        return out


def _name_prefix(doc: _Doc, start: int) -> tuple[int, list[str]]:
    """End of the name-like tokens that start at ``start``, and those tokens.

    A name is a run of tokens that are known names or unknown to the dictionary;
    it ends at a stopword, particle or ordinary word.
    """
    first, family, words, stop = _lists()
    end, taken = start, []
    for token in doc.thai_tokens(start):
        if token in stop or (token in words and token not in first and token not in family):
            break
        taken.append(token)
        end += len(token)
    return end, taken


def _word_prefix(doc: _Doc, start: int) -> tuple[int, list[str]]:
    """The Thai tokens at ``start`` up to the first stopword or particle."""
    _, _, _, stop = _lists()
    end, taken = start, []
    for token in doc.thai_tokens(start):
        if token in stop or token in _NOT_SURNAME_START and not taken:
            break
        taken.append(token)
        end += len(token)
    return end, taken


def _is_name(tokens: list[str], *, family_too: bool = False) -> bool:
    """A known name that is not an ordinary word, or a run with a word the dictionary lacks."""
    first, family, words, _ = _lists()
    joined = "".join(tokens)
    if len(joined) < 2:
        return False
    if joined in first or (family_too and joined in family):
        return joined not in words
    return any(t not in words and t not in first and t not in family for t in tokens) or (
        len(tokens) > 1 and all(t in first or t in family for t in tokens))


def _surname_after(doc: _Doc, end: int) -> int:
    """End of a family name that follows a first name ending at ``end``, else ``end``.

    Thai surnames are long compounds of ordinary words (ปัญญาดี, รักษ์ไทย) that
    no list holds, so after a first name and one space any short run of words up
    to a particle counts, unless it starts like a sentence (ต้องการ, แจ้ง, เบอร์).
    """
    rest = doc.text[end:end + 3]
    gap = len(rest) - len(rest.lstrip(" "))
    if gap not in (1, 2):
        return end
    if _CUE.match(doc.text, end + gap):
        return end  # "ชื่อเก่าประนอม ชื่อใหม่...": the next name's cue, not a surname
    s_end, tokens = _word_prefix(doc, end + gap)
    joined = "".join(tokens)
    if len(joined) < 2 or len(tokens) > 4 or joined in _NOT_NAMES:
        return end
    return s_end


def _cue_names(doc: _Doc, ner: list[tuple[int, int]]) -> list[Finding]:
    first, family, words, _ = _lists()
    text = doc.text
    found: list[Finding] = []
    for cue in _CUE.finditer(text):
        # A cue that ends inside a word is no cue: มิถุ(นาย)น, เดือ(นพ.)ค., (คุณ)ภาพ.
        # Its start may be inside one: ขอบ(คุณ), แทน(คุณ) are followed by names.
        if cue.end("cue") not in doc.edges or _CUE.match(text, cue.end()):
            continue  # a second cue follows (คุณนางสาว...): that one leads to the name
        if cue.group("cue") in _SOFT_CUES and cue.start() not in doc.edges:
            continue  # a person word inside another word: (ตา)ม, ความ(หมอ)ง
        strong = cue.group("cue") in _STRONG_CUES
        start = cue.end()
        if strong:
            # After นาย, นาง, น.ส., ด.ช. ... the next words are a name, unless they
            # name an office (นายอำเภอ, นายทะเบียน, นางพยาบาล).
            end, tokens = _word_prefix(doc, start)
            if len("".join(tokens)) < 2 or tokens[0] in _ROLE_WORDS or "".join(tokens) in _NOT_NAMES:
                continue
        else:
            end, tokens = _name_prefix(doc, start)
            if not tokens:
                # A first name that is also a word (มานี, มาลี) followed by a surname:
                # "ชื่อ มานี ทองประเสริฐ". Only where the cue says a name comes.
                found.extend(_word_then_surname(doc, start, cue.group("cue")))
                continue
            joined = "".join(tokens)
            by_ner = any(a < max(end, start + 1) and start < b for a, b in ner)
            if joined in _NOT_NAMES:
                continue
            if cue.group("cue") in _SOFT_CUES:
                # A listed first name; one that is also a word (ประยูร, ชาตรี)
                # only with a surname after it or the NER's agreement, and a
                # family name only with a surname after it (ครูมาลัย ทองคำ).
                with_surname = _surname_after(doc, end) > end
                if not (joined in first and (joined not in words or by_ner or with_surname)
                        or joined in family and with_surname):
                    continue
                found.append(Finding(start, _surname_after(doc, end), NAME, 0.7))
                continue
            surname_cue = cue.group("cue") in _SURNAME_CUES
            self_intro = (cue.group("cue") in _SELF_CUES and joined in family
                          and doc.text[end:].lstrip(" ").startswith(_PARTICLES))
            if not (joined in first or _is_name(tokens, family_too=surname_cue) or by_ner or self_intro):
                continue
        found.append(Finding(start, _surname_after(doc, end), NAME, 0.9 if strong else 0.8))
    return found


# Cues after which the next word is a name even when it is also a dictionary
# word, provided a surname follows; "คุณ" needs the surname to be a listed one.
_NAME_INTRO_CUES = frozenset({"ชื่อ", "ชื่อว่า", "ชื่อจริง", "ชื่อ-นามสกุล", "ชื่อ-สกุล", "ชื่อเดิม", "ชื่อเก่า",
                              "ชื่อใหม่"})


_SELF_CUES = frozenset({"ดิฉัน", "กระผม", "ข้าพเจ้า"})
_PARTICLES = ("ค่ะ", "คะ", "ครับ", "นะคะ", "นะครับ", "จ้ะ", "จ้า")


def _word_then_surname(doc: _Doc, start: int, cue: str) -> list[Finding]:
    first, family, words, stop = _lists()
    tokens = doc.thai_tokens(start)
    if not tokens or tokens[0] in stop or tokens[0] in _NOT_NAMES or len(tokens[0]) < 2:
        return []
    end = start + len(tokens[0])
    full_end = _surname_after(doc, end)
    if full_end == end:
        # "ดิฉันมาลัย ค่ะ": introducing oneself with a listed name and a particle.
        after = doc.text[end:].lstrip(" ")
        if (cue in _SELF_CUES and (tokens[0] in first or tokens[0] in family)
                and any(after.startswith(p) for p in _PARTICLES)):
            return [Finding(start, end, NAME, 0.7)]
        return []
    surname = doc.text[end:full_end].strip()
    if cue in _NAME_INTRO_CUES or (cue == "คุณ" and (surname in family or surname not in words)):
        return [Finding(start, full_end, NAME, 0.7)]
    return []


def _pair_names(doc: _Doc) -> list[Finding]:
    """A known first name and a known family name side by side, no cue needed."""
    first, family, words, _ = _lists()
    found: list[Finding] = []
    for run in _THAI_WORD.finditer(doc.text):
        end, tokens = _name_prefix(doc, run.start())
        if not tokens or "".join(tokens) not in first:
            continue
        full_end = _surname_after(doc, end)
        surname = doc.text[end:full_end].strip()
        # Both halves from the lists: "ประเสริฐ ใจดี" is two ordinary words too,
        # but side by side at the head of a chunk they are a name.
        if full_end > end and (surname in family or surname not in words):
            found.append(Finding(run.start(), full_end, NAME, 0.75))
    return found


def _ner_names(doc: _Doc, ner: list[tuple[int, int]]) -> list[Finding]:
    """NER spans, trimmed of the cue in front, kept when they hold a name-like word."""
    found: list[Finding] = []
    for a, b in ner:
        cue = _CUE.match(doc.text, a)
        start = cue.end() if cue else a
        end, tokens = _name_prefix(doc, start)
        # A name glued to an ordinary word is part of that word: สมชาย|แลนด์.
        if end not in doc.index or _THAI_WORD.fullmatch(doc.tokens[doc.index[end]]) is None:
            glued = False
        else:
            glued = doc.tokens[doc.index[end]] not in _lists()[3]
        if end > start and not glued and _is_name(tokens, family_too=True):
            found.append(Finding(start, _surname_after(doc, min(end, b)), NAME, 0.6))
    return found


def warm_up() -> None:
    """Load the lists, the dictionaries and the CRF now (5-10 s), not on the first message.

    Call it where a process starts (the worker, the Rasa server's tracker store).
    """
    find_all("ทดสอบ นายสมชาย ใจดี")


def find_names(text: str, *, engine: str = "cues+lists+ner") -> list[Finding]:
    """Findings of people's names, left to right."""
    if engine not in ENGINES:
        raise ValueError(f"find_names: engine must be one of {ENGINES}, not {engine!r}")
    if not text:
        return []
    ner = ner_person_spans(text) if engine == "cues+lists+ner" else []
    doc = _Doc(text)
    return resolve(_cue_names(doc, ner) + _pair_names(doc) + _ner_names(doc, ner))


def find_all(text: str, *, engine: str = "cues+lists+ner") -> list[Finding]:
    """Every finding: the shapes of ``common.privacy`` first, then names around them."""
    if not text:
        return []
    return resolve(find_personal_data(text) + find_names(text, engine=engine))


def redact_all(text: str, *, engine: str = "cues+lists+ner") -> str:
    """Replace every kind of personal data, names included, with typed placeholders."""
    if not text:
        return text
    return apply(text, find_all(text, engine=engine))


class NameRedactingFilter(RedactingFilter):
    """Logging filter that redacts names too (for ``()`` in a dictConfig, like its base)."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name, redactor=redact_all)


def install_log_redaction() -> None:
    """Redact every log record of this process, names included (``common.privacy``)."""
    from common import privacy

    privacy.install_log_redaction(redact_all)
