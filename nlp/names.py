"""People's names in Thai messages, added to the findings of ``common.privacy``.

Three sources, each checked against the others because every one alone is noisy:

1. Cues: an honorific or "ชื่อ" followed by a word that is a known name
   (PyThaiNLP's female/male/family name lists) or not a dictionary word at all.
2. Pairs without a cue: a known first name followed by a known family name.
3. PyThaiNLP's Thai NER CRF model (``thainer`` 1.5.1, shipped inside the
   package): a PERSON span counts when it holds a known name or a word the
   dictionary does not know, so "คุณช่วยบอกขั้นตอน" (all dictionary words) stays.
4. Names that are ordinary words (ฟ้า, ส้ม, น้ำ, ทอง) where the sentence says
   so: "ชื่อ" said of a person (ลูกชื่อฟ้า), "ชื่อเล่น", or a kinship word, a
   nickname and what a person does (ยายทองอายุ 85).
5. Romanised names after a title or an introduction (นาย Somchai, Mr.,
   "my name is", "ชื่อ ...") and passport-style capitals (SOMCHAI JAIDEE),
   never the English words citizens mix in (LINE, passport, Google Maps).

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
_WEAK_CUES = ("ชื่อ-นามสกุล", "ชื่อ-สกุล", "ชื่อจริง", "ชื่อว่า", "ชื่อเก่า", "ชื่อเดิม", "ชื่อใหม่", "ชื่อเล่นว่า",
              "ชื่อเล่น", "ชื่อ",
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
    from pythainlp.tokenize import word_tokenize

    tokens = word_tokenize(text, engine="mm")  # the tokenizer PyThaiNLP pairs with this model
    features = _ner_features(tokens)
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


def _token_features(token: str) -> tuple[bool, bool, bool, str, bool]:
    """What thainer's features say of one token: stopword, Thai, space, POS, digits.

    PyThaiNLP's ``_doc2features`` works these out three times per token (as
    the word, the next word's previous and the previous word's next), in
    Python a character at a time. Here once per token, and once per process
    for a single character or a token of PyThaiNLP's own lists (words, names,
    stopwords): those repeat from message to message and are public; any
    other token (somebody's name, a phone number) is worked out again and not kept.
    """
    first, family, words, _ = _lists()
    if token in words or token in first or token in family or len(token) == 1:
        return _listed_token_features(token)
    return _compute_token_features(token)


def _compute_token_features(token: str) -> tuple[bool, bool, bool, str, bool]:
    from pythainlp.corpus import thai_stopwords
    from pythainlp.util import is_thai

    return token in thai_stopwords(), is_thai(token), token.isspace(), _coarse_pos(token), token.isdigit()


_listed_token_features = lru_cache(maxsize=100_000)(_compute_token_features)


def _ner_features(tokens: list[str]) -> list[dict[str, str | bool]]:
    """The features ``ThaiNameTagger._extract_features`` gives the CRF, the same dicts
    (tests/nlp check them equal), from ``_token_features`` of each token."""
    props = [_token_features(t) for t in tokens]
    last = len(tokens) - 1
    out: list[dict[str, str | bool]] = []
    for i, word in enumerate(tokens):
        stop, thai, space, pos, digit = props[i]
        features: dict[str, str | bool] = {
            "word.word": word, "word.stopword": stop, "word.isthai": thai, "word.isspace": space,
            "postag": pos, "word.isdigit": digit,
        }
        if digit and len(word) == 5:
            features["word.islen5"] = True
        if i > 0:
            p_stop, p_thai, p_space, p_pos, p_digit = props[i - 1]
            features.update({
                "word.prevword": tokens[i - 1], "word.previsspace": p_space, "word.previsthai": p_thai,
                "word.prevstopword": p_stop, "word.prevpostag": p_pos, "word.prevwordisdigit": p_digit,
            })
        else:
            features["BOS"] = True
        if i < last:
            n_stop, n_thai, n_space, n_pos, n_digit = props[i + 1]
            features.update({
                "word.nextword": tokens[i + 1], "word.nextisspace": n_space, "word.nextpostag": n_pos,
                "word.nextisthai": n_thai, "word.nextstopword": n_stop, "word.nextwordisdigit": n_digit,
            })
        else:
            features["EOS"] = True
        out.append(features)
    return out


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
                by_surname = _word_then_surname(doc, start, cue.group("cue"))
                found.extend(by_surname or _word_name(doc, cue))
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
                    found.extend(_word_name(doc, cue))
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


# --- Names that are ordinary words: ฟ้า, ส้ม, น้ำ, ทอง, พร ... -------------------
#
# A word is a name only where the sentence says so. Two kinds of evidence:
# 1. "ชื่อ" said of a person (ลูกชื่อฟ้า, ภรรยาชื่อน้ำ, ชื่อเล่นดาว): whatever short
#    word follows, up to a particle, a space or a word that starts the rest of
#    the sentence, unless it is a word said *about* a name (ซ้ำ, หาย, เต็ม ...).
# 2. A kinship or person word, then a word people use as a nickname, then a
#    word a person does (อายุ, ป่วย, บอก, ฝาก, ที่ ...): ยายทองอายุ 85, คุณพรที่
#    อำเภอ. The nickname list holds nouns only; adjectives and numbers people
#    also take as nicknames (เล็ก, โต, ใหม่, หนึ่ง) read as "the small child",
#    "the new one" after ลูก or พี่, so they are left out on purpose.

# Cues after which "ชื่อ" is about a person, read backwards from the cue.
_PERSON_BEFORE_NAME = tuple(sorted(frozenset(_KIN_CUES + _PERSON_CUES) - {"คือ"} | {
    "ฉัน", "เรา", "ดิฉัน", "กระผม", "ข้าพเจ้า", "หลานสาว", "หลานชาย", "คนเล็ก", "คนโต", "คนกลาง",
    "ผู้ปกครอง", "ผู้รับมอบอำนาจ", "เจ้าบ้าน", "ผู้ตาย", "ผู้เสียชีวิต", "ผู้ป่วย", "เด็ก", "ทารก",
    "ลูกค้า", "คุณแม่", "คุณพ่อ", "เจ้าหน้าที่", "พนักงาน", "ผู้หญิง", "ผู้ชาย", "ผู้สูงอายุ",
}, key=len, reverse=True))
_NAME_WORD_CUES = frozenset({"ชื่อ", "ชื่อว่า", "ชื่อจริง", "ชื่อเล่น", "ชื่อเล่นว่า"})
# Words said about a name, not names: ผมชื่อซ้ำ, ลูกชื่อหายจากทะเบียน, ชื่อเต็ม.
_ABOUT_A_NAME = frozenset({
    "ซ้ำ", "เหมือน", "หาย", "ผิด", "ถูก", "ตรง", "แปลก", "ยาว", "สั้น", "เต็ม", "ย่อ", "กลาง", "เพราะ",
    "ตกหล่น", "ตก", "หล่น", "คน", "คนละ", "ซ้ำกัน", "เดียวกัน", "เดียว", "อะไร", "ไร", "ใคร", "เปลี่ยน",
    "แก้", "แก้ไข", "สะกด", "ขึ้น", "อยู่", "มี", "ไม่", "ยัง", "ตาม", "เป็น", "บน", "ใน", "ภาษา",
    "บัตร", "บ้าน", "ร้าน", "บริษัท", "หมู่บ้าน", "โครงการ", "ผู้ใช้", "เว็บ", "แอป", "ไฟล์", "เพจ",
    "ไลน์", "เฟซบุ๊ก", "เฟส", "อีเมล", "บัญชี", "ถนน", "ซอย", "ตำบล", "อำเภอ", "จังหวัด", "วัด",
    "โรงเรียน", "โรงพยาบาล", "สถานที่", "สินค้า", "ลูก", "ตัว", "ดี", "สวย", "มงคล",
})
# Animals people take as nicknames; after ลูก, แม่, พ่อ they are a young or a
# parent animal (ลูกหมู, แม่ไก่), so there they never count.
_ANIMALS = frozenset({
    "นก", "ปลา", "ปู", "กุ้ง", "หมู", "ไก่", "แมว", "หมี", "กบ", "เต่า", "ม้า", "ช้าง", "กวาง",
    "ต่าย", "กระต่าย", "ปลาวาฬ", "โลมา", "เป็ด", "ห่าน", "แพะ", "หมา", "วัว", "ควาย",
})
_NICKNAMES = frozenset({
    # sky, water, land
    "ฟ้า", "ฝน", "เมฆ", "ดาว", "เดือน", "ตะวัน", "น้ำ", "ทะเล", "ภู", "ภูผา", "ลม", "หมอก", "น้ำฝน",
    "น้ำค้าง", "รุ้ง", "ฟ้าใส", "ต้น", "ต้นน้ำ", "ต้นข้าว", "ข้าว", "ข้าวหอม", "ข้าวฟ่าง", "ข้าวปุ้น",
    "ปลายฟ้า", "ดิน", "ผา", "ธาร", "ทราย", "หิน", "ใบบัว", "ใบเตย", "เตย", "ใบไม้", "ใบข้าว",
    # gems and metals
    "เพชร", "พลอย", "ทอง", "เงิน", "แก้ว", "มุก", "ทับทิม", "หยก", "นิล", "บุษบา", "อำพัน",
    # flowers, fruit, food
    "มะลิ", "ชบา", "กุหลาบ", "บัว", "พิกุล", "ลำดวน", "จำปา", "จำปี", "ดาวเรือง", "กล้วยไม้",
    "ส้ม", "ส้มโอ", "มะนาว", "มะปราง", "ชมพู่", "ลำไย", "ลิ้นจี่", "มังคุด", "แตงโม", "แตงกวา",
    "กล้วย", "ขนุน", "มะม่วง", "ตาล", "อ้อย", "ขิง", "พริก", "แป้ง", "ขนม", "ขนมปัง", "น้ำตาล",
    "น้ำผึ้ง", "น้ำหวาน", "ไอติม", "ข้าวตู", "ข้าวโอ๊ต", "ข้าวปั้น", "คุกกี้", "เค้ก", "มะขาม",
    "ส้มจี๊ด", "องุ่น", "สตรอว์เบอร์รี", "เชอร์รี่", "ลูกหว้า", "ลูกตาล", "ฝ้าย", "ไหมพรม",
} | _ANIMALS | {
    # colours
    "แดง", "ดำ", "ขาว", "เขียว", "ชมพู", "ม่วง", "เหลือง",
    # blessings
    "บุญ", "พร", "ชัย", "โชค", "ลาภ", "สุข", "ศรี", "ขวัญ", "ขวัญใจ", "ขวัญข้าว", "เอก", "โท",
    "ปราง", "แพร", "แพรว", "ปลื้ม", "อิ่ม", "เอม", "แจ่ม", "เด่น", "ยอด", "มิ่ง", "จันทร์",
    # English nicknames written in Thai
    "ตุ๊กตา", "กอล์ฟ", "เบียร์", "แบงค์", "แบงก์", "บอล", "มิ้นท์", "มิ้น", "ไอซ์", "ครีม", "ฟิล์ม", "ปาล์ม",
    "เฟิร์น", "แนน", "จอย", "แอน", "บิว", "มิว", "ตูน", "ป๊อป", "แม็ก", "เจน", "บีม", "นัท", "พีช",
    "บุ๊ค", "บุ๊ก", "ปอนด์", "เบล", "เค้ก", "ป๊อก", "ออย", "อาร์ม", "เฟรม", "กิ๊ฟ", "กิ๊บ", "โบว์",
})
# Kinship and person words a nickname follows directly (not ผม, หนู, คือ: ผมแดง
# is red hair, คือน้ำ starts a sentence).
_NICKNAME_CUES = frozenset(_KIN_CUES) | {
    "คุณ", "แม่", "พ่อ", "ลูก", "ลูกสาว", "ลูกชาย", "สามี", "ภรรยา", "แฟน", "เพื่อน", "หลาน",
    "พี่สาว", "พี่ชาย", "น้องสาว", "น้องชาย", "ครู", "หมอ", "กำนัน", "ผู้ใหญ่", "ผู้ใหญ่บ้าน", "ปลัด",
}
# What a person does next in a request: ยายทองอายุ 85, พี่แก้วฝากถาม, คุณพรที่อำเภอ.
# Not ไม่, ได้, ก็, ให้: "พ่อเงินไม่พอ" is about money.
_PERSON_FOLLOWERS = (
    "อายุ", "ป่วย", "เสีย", "บอก", "ฝาก", "จะ", "ที่", "ข้างบ้าน", "เป็น", "อยู่", "เกิด", "ลูก", "หลาน",
    "ไป", "มา", "ยัง", "ต้องการ", "อยาก", "ขอ", "โทร", "เบอร์", "เลข", "ค่ะ", "ครับ", "คะ", "นะ", "จ้า",
    "แต่งงาน", "ทำงาน", "เรียน", "ได้รับ", "ถาม", "แจ้ง", "สอบ", "ย้าย", "ตั้งท้อง", "ท้อง", "คลอด",
    "เพิ่ง", "กำลัง", "เคย", "ต้อง", "ติดเตียง", "พิการ", "ตาย", "ทำ", "ไม่สบาย", "เข้า", "ออก",
)


# Followers only a person has, for listed names that are also words.
_STRICT_FOLLOWERS = ("อายุ", "ป่วย", "เสียชีวิต", "เสียแล้ว", "ติดเตียง", "บอกว่า", "บอกให้", "ฝาก", "ข้างบ้าน",
                     "ไม่สบาย")
# Listed names that make a kinship word with the cue (แม่เลี้ยง, ลูกบุญธรรม) or
# name a job people call by (พี่ธุรการ, พี่เสมียน): rare as words, still no names.
_KIN_COMPOUNDS = frozenset({"เลี้ยง", "บุญธรรม", "เลี้ยงดู", "ธุรการ", "เสมียน", "นิติกร", "จิตรกร", "ทายาท",
                            "สหาย", "โยธา", "อธิการ", "ตุลาการ", "คณบดี", "ประมุข", "เทคนิค", "เกษตร"})
# A listed name that is also a word counts only if the word is rare in the Thai
# National Corpus (PyThaiNLP's tnc_freq): ทองใบ 121, ทองม้วน 33, ประยูร 195
# against ประธาน 9,779, สมัคร 2,581, เจริญ 6,927 occurrences.
_RARE_WORD = 400


@lru_cache(maxsize=1)
def _word_counts() -> dict[str, int]:
    from importlib.resources import files

    counts: dict[str, int] = {}
    for line in (files("pythainlp.corpus") / "tnc_freq.txt").read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition("\t")
        if count.isdigit():
            counts[word] = int(count)
    return counts


def _word_count(word: str) -> int:
    return _word_counts().get(word, 0)


def _person_before(text: str, at: int) -> bool:
    return text[:at].rstrip(" ").endswith(_PERSON_BEFORE_NAME)


def _word_name(doc: _Doc, cue: re.Match[str]) -> list[Finding]:
    """A name that is an ordinary word, where the words around it say it is one."""
    word, start, text = cue.group("cue"), cue.end(), doc.text
    _, _, _, stop = _lists()
    if word in _NAME_WORD_CUES:
        if not (word.startswith("ชื่อเล่น") or _person_before(text, cue.start())):
            return []
        tokens = doc.thai_tokens(start)
        run: list[str] = []
        for token in tokens[:3]:
            if token in stop or token in _ENDERS or token in _ABOUT_A_NAME or token in _NOT_NAMES:
                break
            run.append(token)
        joined = "".join(run)
        # Two words at most, then something that is not part of a phrase.
        if not run or len(run) > 2 or len(joined) < 2 or joined in _NOT_NAMES:
            return []
        if len(run) < len(tokens) and tokens[len(run)] not in stop and tokens[len(run)] not in _ENDERS:
            return []
        return [Finding(start, start + len(joined), NAME, 0.65)]
    if word not in _NICKNAME_CUES:
        return []
    first, _, words, _ = _lists()
    for size in range(min(12, len(text) - start), 1, -1):
        candidate = text[start:start + size]
        # A listed first name that is also a word (ทองใบ, ดวงใจ) counts too, but
        # the lists hold many words (ประธาน, อนุบาล, สมัคร, เลี้ยง): so only
        # four letters or more and only before what a person, not a thing or a
        # role, does (อายุ, ป่วย, บอก): "ครูอนุบาลที่โรงเรียน", "ลูกสมัครเรียน" stay.
        listed = (len(candidate) >= 4 and candidate in first and candidate in words and candidate not in stop
                  and candidate not in _KIN_COMPOUNDS and _word_count(candidate) <= _RARE_WORD)
        if not (candidate in _NICKNAMES or listed) or (candidate in _ANIMALS and word in ("ลูก", "แม่", "พ่อ")):
            continue
        rest = text[start + size:]
        after = rest.lstrip(" ")
        gap = len(rest) - len(after)
        if candidate not in _NICKNAMES:
            if gap <= 1 and after.startswith(_STRICT_FOLLOWERS):
                return [Finding(start, start + size, NAME, 0.55)]
            continue
        if (not after and gap <= 1) or (gap <= 1 and after.startswith(_PERSON_FOLLOWERS)) or (
                gap == 1 and after[:1].isdigit()):
            return [Finding(start, start + size, NAME, 0.6)]
        return []
    return []


# --- Romanised names: "ชื่อ Somchai Jaidee", "Mr. Somchai", "SOMCHAI JAIDEE" ----------

_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'\-]*(?:[ ][A-Za-z][A-Za-z'\-]*)*")
# What comes before a romanised name, read backwards from it. Titles: the next
# word is a name even if it is an English word ("นาย Bank", "น้อง Mint").
_LATIN_TITLE = re.compile(
    r"(?:(?:นางสาว|น\.ส\.|นส\.|นาง|นาย|ด\.ช\.|ด\.ญ\.|เด็กชาย|เด็กหญิง|ดร\.|คุณ|พี่|น้อง|K\.)"
    r"|(?<![A-Za-z])(?:[Mm][Rr][Ss]?|[Mm][Ss]|Miss|MISS|Mister|Khun|KHUN|Dr|DR)\.?)\s*$")
# Introductions: the next word is a name unless it is an English word.
_LATIN_INTRO = re.compile(
    r"(?:ชื่อ[\u0E00-\u0E7F\-]{0,24}|สะกด(?:ชื่อ)?(?:ว่า)?|นามสกุล|สกุล"
    r"|(?<![A-Za-z])(?i:(?:my\s+)?name(?:\s+is|'s)?|(?:given|first|last|family|middle)\s+name|surname"
    r"|dear|i\s+am|i'm|this\s+is|my\s+(?:wife|husband|son|daughter|mother|mom|mum|father|dad|friend|brother"
    r"|sister|grandmother|grandfather|grandma|grandpa|child|baby|uncle|aunt|niece|nephew|partner"
    r"|girlfriend|boyfriend|fianc[eé]e?|cousin|grandson|granddaughter|neighbou?r)))\s*[:：,]?\s*$")
# Person words a romanised name may follow in Thai (ลูก Thanakrit, ผม Chatree).
_LATIN_PERSON = re.compile(
    "(?:" + "|".join(sorted(_NICKNAME_CUES | {"ผม", "หนู", "ฉัน", "ดิฉัน", "ผู้รับมอบอำนาจ", "ผู้ปกครอง",
                                               "เจ้าบ้าน"}, key=len, reverse=True)) + r")\s*$")
_CODE_SWITCH = frozenset("""
line oa facebook fb messenger google gmail hotmail outlook maps map form forms id card cards smart passport
passports online offline app apps application e-service eservice service services website web email e-mail mail
user username password admin thaid tang rat mobile banking qr code ok okay thank thanks you hello hi sorry please
help error check status copy print scan file pdf jpg png size mb gb kb wifi wi-fi visa non-b non-o work permit
tm ems kerry flash express thailand thai post central world mall grab lazada shopee seven eleven dlt dopa e-filing
filing zoom youtube tiktok instagram ig twitter sms otp pin atm promptpay k-plus scb ktb bbl kbank ais true dtac
mr mrs ms miss mister dr khun name names given first last surname family middle date birth dob of the and or for
to in at on my your is am are was i we he she they this that it its new old no yes not expired expire renew
renewal lost government office district province bangkok department ministry center centre city hall hospital
school university road soi street how what when where why who which can could do does did should would will
have has had get got need want with from by about a an as be if so but me him her them our us there here
certificate birth death marriage license licence driving driver car motorcycle tax fee fees baht free
book booking appointment queue online register registration account login log sign up download upload link
document documents copy photo picture selfie app store play android iphone ios pc computer phone number
sir madam officer staff team manager director customer citizen people person mom mum dad son daughter wife
husband mother father baby kid kids child children friend mall plaza square park market station tower airport
temple wat thanon khet amphoe tambon changwat mega big icon future fashion island lotus tesco robinson call
full address pay money wallet express bureau bus train ticket please
""".split())


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """English loanwords PyThaiNLP ships (th_en_transliteration), the list above, provinces."""
    import csv
    from importlib.resources import files

    corpus = files("pythainlp.corpus")
    words = set(_CODE_SWITCH)
    for line in (corpus / "th_en_transliteration_v1.4.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) > 1:
            words.update(parts[1].lower().split())
    with (corpus / "thailand_provinces_th.csv").open(encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) > 2:
                words.update(row[2].lower().split())
    return frozenset(words)


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Romanised district and province names, whole (don mueang, chiang mai)."""
    import csv

    from common.paths import GEO

    places: set[str] = set()
    for file, column in (("districts.csv", "DISTRICT_ENGLISH"), ("provinces.csv", "PROVINCE_ENGLISH")):
        with (GEO / file).open(encoding="utf-8") as f:
            places.update(" ".join(row[column].lower().split()) for row in csv.DictReader(f))
    return frozenset(places)


def _name_shaped(word: str) -> bool:
    """Capitalised (Somchai) or in capitals (SOMCHAI); letters only."""
    if not word.isalpha() or len(word) < 2:
        return False
    return word.isupper() and len(word) >= 3 or word[0].isupper() and word[1:].islower()


def _latin_names(text: str) -> list[Finding]:
    """Romanised names after a cue, and passport-style names in capitals with none.

    Up to three capitalised words after a title (นาย, Mr., คุณ, K.), an
    introduction (ชื่อ..., "my name is", "Surname:") or a person word (ลูก, ผม);
    without a cue only two or more words in capitals (SOMCHAI JAIDEE). English
    words end a name (a title lets them through: nicknames such as Bank, Mint),
    and the words citizens code-switch with never start one (LINE, Google Maps).
    """
    english = _english_words()
    found: list[Finding] = []
    for run in _LATIN_RUN.finditer(text):
        words = run.group().split(" ")
        pos = run.start()
        for i, word in enumerate(words):
            context = text[max(0, pos - 40):pos]
            title = _LATIN_TITLE.search(context) is not None
            cued = title or _LATIN_INTRO.search(context) is not None or _LATIN_PERSON.search(context) is not None
            taken: list[str] = []
            for part in words[i:i + 3]:
                lower = part.lower()
                if (lower in _CODE_SWITCH or not _name_shaped(part)
                        or not title and (lower in english or _ENGLISH_SHAPE.search(lower))):
                    break
                taken.append(part)
            # Without a cue, capitals that spell a place (DON MUEANG) are the place.
            if taken and (cued or _passport_style(words, i, len(taken))
                          and " ".join(taken).lower() not in _place_names()):
                found.append(Finding(pos, pos + len(" ".join(taken)), NAME, 0.7 if cued else 0.6))
                break
            pos += len(word) + 1
    return found


# Endings and letters no romanised Thai name has (IMMIGRATION, PROMPT, AIRPORT).
_ENGLISH_SHAPE = re.compile(
    r"(?:tion|sion|ment|ness|ity|ance|ence|ure|ive|ous|port|ght|mpt|ical|ial|ship|ism|ist|ogy|able|ible"
    r"|ward|less|ful|ery|ory|ary)s?$|[qxz]|ck|wh")


def _passport_style(words: list[str], i: int, n: int) -> bool:
    """Two or three words in capitals with no cue, and no other capitals word glued on.

    "PIYAPONG BOONMA passport expired" is a name; "NON IMMIGRANT VISA" and
    "OF PROVINCIAL ADMINISTRATION" are English in capitals (the neighbour tells).
    """
    taken = words[i:i + n]
    if n < 2 or not all(w.isupper() and len(w) >= 3 for w in taken):
        return False
    neighbours = words[max(0, i - 1):i] + words[i + n:i + n + 1]
    return not any(w.isupper() for w in neighbours)


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


def _may_name(doc: _Doc) -> bool:
    """Whether the NER's spans can change the findings of ``doc``.

    They count only through ``_name_prefix`` (in ``_cue_names`` and
    ``_ner_names``), which keeps Thai tokens that are no stopword and either
    unknown to the dictionary or a listed name. A message with no such token
    gets nothing from the CRF, so it is not run: the same findings, without
    a second tokenization and the tagger.
    """
    first, family, words, stop = _lists()
    return any(token not in stop and (token not in words or token in first or token in family)
               for token in doc.tokens if _THAI_WORD.fullmatch(token))


def warm_up() -> None:
    """Load the lists, the dictionaries and the CRF now (5-10 s), not on the first message.

    Call it where a process starts (the worker, the Rasa server's tracker store).
    """
    find_all("ทดสอบ นายสมชาย ใจดี")
    _english_words()
    _word_counts()


def find_names(text: str, *, engine: str = "cues+lists+ner") -> list[Finding]:
    """Findings of people's names, left to right."""
    if engine not in ENGINES:
        raise ValueError(f"find_names: engine must be one of {ENGINES}, not {engine!r}")
    if not text:
        return []
    doc = _Doc(text)
    ner = ner_person_spans(text) if engine == "cues+lists+ner" and _may_name(doc) else []
    return resolve(_cue_names(doc, ner) + _pair_names(doc) + _ner_names(doc, ner) + _latin_names(text))


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
