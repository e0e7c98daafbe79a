"""The NLU test file is written separately: no copies or near-copies of training data.

Two messages are near-copies when, once particles, spaces, punctuation, Thai
digits, case and stretched letters are normalised away, they are the same, or
one word apart (a few characters' edit, "ทำบัตร" for "ขอบัตร"), or share
almost all their character trigrams. Failures report counts and line numbers
only, never the sentences: this check must not become a way to read, and so
tune to, the test file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEST_FILE = ROOT / "tests" / "data" / "nlu_test.yml"
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
# Sentence-final particles and fillers as citizens type them, longest first so
# that "ค้าบ" is not read as "ค" + "้าบ".
PARTICLE_WORDS = sorted(
    """ครับผม ครับ คร้าบ ค้าบ คับ ค่ะ คะ ค่า ค้า คร่า ขา จ้า จ้ะ จ๊ะ จ่ะ จะ เจ้า นะคะ นะครับ นะ น้า
    ฮะ ฮับ ฮัฟ งับ งะ อะ อ่ะ อ่า อ่ะค่ะ ป่ะ ปะ มั้ย ไหม มั๊ย เหรอ หรอ เด้อ เนาะ ล่ะ หน่อย
    แหละ สิ ซิ เนอะ""".split(),
    key=len, reverse=True,
)
NOISE = re.compile(r"[\s?!.,:;'\"()\-~^*ๆฯ…]+")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
STRETCHED = re.compile(r"(.)\1{2,}")  # "ค่าาาา", "มากกกก"; a double may be a word's own
# A particle at the end of a chunk, its last letter maybe doubled ("ค้าบบ", "น้าา").
PARTICLE_AT_END = re.compile(
    "(?:" + "|".join(re.escape(p[:-1]) + re.escape(p[-1]) + "+" for p in PARTICLE_WORDS) + ")$")


def _examples(path: Path) -> list[tuple[int, str]]:
    """(line number, text without annotations) of every example in an NLU file.

    Only the lines of ``examples: |`` blocks: other YAML under data/nlu (the
    exported content terms, lookups) is not training examples.
    """
    found: list[tuple[int, str]] = []
    block_indent: int | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if block_indent is not None and stripped and indent <= block_indent:
            block_indent = None
        if block_indent is None:
            if stripped.startswith("examples:") and stripped.endswith("|"):
                block_indent = indent
            continue
        if stripped.startswith("- "):
            found.append((number, ANNOTATION.sub(r"\1", stripped[2:]).strip()))
    return found


def _without_particles(chunk: str) -> str:
    # Particles end a clause: strip them from the end of each chunk only, so
    # that ค่า in ค่าธรรมเนียม or สิ in สิทธิ stay.
    while (match := PARTICLE_AT_END.search(chunk)) and match.start() < len(chunk):
        chunk = chunk[: match.start()]
    return chunk


def core(text: str) -> str:
    text = STRETCHED.sub(r"\1", text.lower().translate(THAI_DIGITS))
    return "".join(_without_particles(chunk) for chunk in NOISE.split(text))


def _trigrams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(max(1, len(text) - 2))}


def _edits_allowed(length: int) -> int:
    # About one Thai word: none in a message of a few letters (หวัดดี is not
    # สวัสดี), one letter in a short one, up to 12 % of a long one.
    if length < 6:
        return 0
    return 1 if length < 12 else max(2, round(0.12 * length))


def _within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most ``limit`` (banded, early exit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (char != b[j - 1]))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


@dataclass(frozen=True)
class _Core:
    text: str
    grams: set[str]

    @classmethod
    def of(cls, text: str) -> _Core:
        return cls(text, _trigrams(text))


def _near(a: _Core, b: _Core) -> bool:
    if a.text == b.text:
        return True
    if min(len(a.text), len(b.text)) >= 8 and len(a.grams & b.grams) / len(a.grams | b.grams) >= 0.8:
        return True
    limit = _edits_allowed(max(len(a.text), len(b.text)))
    if limit == 0 or abs(len(a.text) - len(b.text)) > limit:
        return False
    # One edit touches at most three trigrams of each side: a cheap bound
    # before the quadratic distance.
    return len(a.grams ^ b.grams) <= 6 * limit and _within(a.text, b.text, limit)


def near_copy(a: str, b: str) -> bool:
    """Whether two normalised messages are the same message in other words."""
    return bool(a and b) and _near(_Core.of(a), _Core.of(b))


def near_copies(test: list[tuple[int, str]], training: list[str]) -> list[int]:
    """Line numbers of test examples that nearly copy a training example."""
    by_length: dict[int, list[_Core]] = {}
    for text in {core(t) for t in training} - {""}:
        by_length.setdefault(len(text), []).append(_Core.of(text))
    lines = []
    for number, text in test:
        mine = _Core.of(core(text))
        size = len(mine.text)
        # Trigram Jaccard >= 0.8 needs lengths within a quarter of each other.
        slack = max(_edits_allowed(size + 4), size // 4 + 1)
        candidates = (c for n in range(size - slack, size + slack + 1) for c in by_length.get(n, ()))
        if mine.text and any(_near(mine, other) for other in candidates):
            lines.append(number)
    return lines


def _training() -> list[str]:
    return [t for p in sorted((ROOT / "data" / "nlu").rglob("*.yml")) for _, t in _examples(p)]


def test_normalisation_removes_particles_digits_spaces_and_stretching() -> None:
    assert core("ต่อบัตร ปชช. ๒ ใบ ได้มั้ยค้าบบบ") == "ต่อบัตรปชช2ใบได้"
    assert core("หวัดดีฮับ") == core("หวัดดีงับ") == core("หวัดดีค่าาาา") == "หวัดดี"
    assert core("ไปอำเภอเด้อ") == core("ไปอำเภออะ") == "ไปอำเภอ"
    assert core("ค่าธรรมเนียมเท่าไหร่คะ") == "ค่าธรรมเนียมเท่าไหร่"


def test_near_copies_are_caught_and_different_questions_are_not() -> None:
    assert near_copy(core("ตาบอดข้างเดียวทำบัตรคนพิการได้ไหมคะ"),
                     core("ตาบอดข้างเดียวขอบัตรคนพิการได้ไหม"))
    assert near_copy(core("แจ้งเกิดลูกต้องใช้อะไรบ้างคะ"), core("แจ้งเกิดลูกต้องใช้อะไรบ้าง ๆ ครับ"))
    assert near_copy(core("ขอบคุงค่ะ"), core("ขอบคุณครับ"))
    assert not near_copy(core("ทำพาสปอร์ตต้องใช้เอกสารอะไร"), core("ต่อใบขับขี่ต้องใช้เอกสารอะไร"))
    assert not near_copy(core("ค่าธรรมเนียมเท่าไหร่"), core("ใช้เวลากี่วัน"))
    assert not near_copy(core("หวัดดีค่ะ"), core("สวัสดีค่ะ"))
    assert not near_copy(core("อุบลค่ะ"), core("อุดรค่ะ"))


def test_test_examples_are_not_copies_or_near_copies_of_training_examples() -> None:
    training = _training()
    test = _examples(TEST_FILE)
    assert len(training) > 500 and len(test) > 300
    lines = near_copies(test, training)
    assert not lines, (f"{len(lines)} test examples nearly copy training examples "
                       f"(tests/data/nlu_test.yml lines {lines}): remove them from the test file")
