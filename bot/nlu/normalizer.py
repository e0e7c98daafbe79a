"""Offset-preserving normalisation of citizen messages (standard library only).

Citizens type Thai digits, stretch words ("ครับบบบ"), paste zero-width characters
and misspell loanwords ("พาสปอต"). The tokenizer and the gazetteer work on a
normalised copy of the text, but Rasa needs token and entity offsets into the
text as typed. Every character of the normalised text therefore remembers the
raw span it came from: a token ``text[i:j]`` of the normalised text covers
``raw[starts[i]:ends[j - 1]]``.

Some rewrites turn several raw characters into several normalised ones
(a misspelling replaced by its canonical spelling). Such a group is *glued*: a
tokenizer must not cut inside it, otherwise two tokens would claim parts of the
same raw span.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_THAI_DIGITS = {ord(digit): str(value) for value, digit in enumerate("๐๑๒๓๔๕๖๗๘๙")}
# Soft hyphen is invisible too; citizens paste all of these from web pages.
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff\u2060\u00ad")
_ZWJ = "\u200d"
_SARA_E, _SARA_AE = "\u0e40", "\u0e41"
_NIKHAHIT, _SARA_AA, _SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
# Characters a message can hold that the character pass must change.
_CHAR_PASS_NEEDED = re.compile("[" + "".join(sorted(_ZERO_WIDTH)) + "\u0e50-\u0e59]|[^\\S ]")
# ํ + า looks like ำ, เ + เ like แ, and a tone mark typed before an upper vowel
# looks like one typed after it.
_LOOK_ALIKE = re.compile("\u0e4d\u0e32|\u0e40\u0e40|[\u0e48-\u0e4b][\u0e31\u0e34-\u0e37]")
# A Thai consonant repeated this often is stretched ("มากกกก"); twice can be
# real spelling (กรรม, สัมมนา).
_CONSONANT_STRETCH = 3
# Vowels, tone marks and signs (not ฿, a currency sign) never double in Thai
# spelling; consonants (ก-ฮ) are stretched from _CONSONANT_STRETCH repeats.
_STRETCHED = re.compile(
    "([\u0e2f-\u0e3e\u0e40-\u0e4e])\\1+|([\u0e01-\u0e2e])\\2{%d,}" % (_CONSONANT_STRETCH - 1)
)
_NO_MARK_AFTER = "(?![\u0e31\u0e34-\u0e3a\u0e47-\u0e4e])"


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text with, per character, the raw span it came from.

    Attributes:
        raw: the text as typed.
        text: the normalised text.
        starts: raw start offset of each normalised character.
        ends: raw end offset of each normalised character.
        glued: ``glued[i]`` is true when no token may start at character ``i``
            because it continues a rewritten group.
    """

    raw: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    glued: tuple[bool, ...]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` of the normalised slice ``text[start:end]``."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"empty or out-of-range slice {start}:{end}")
        return self.starts[start], self.ends[end - 1]


class _Chars:
    """Mutable working copy: characters with their raw spans and glue flags."""

    __slots__ = ("chars", "starts", "ends", "glued")

    def __init__(self, text: str = "") -> None:
        """Characters of ``text``, each mapped to itself."""
        self.chars: list[str] = list(text)
        self.starts: list[int] = list(range(len(text)))
        self.ends: list[int] = list(range(1, len(text) + 1))
        self.glued: list[bool] = [False] * len(text)

    def add(self, chars: str, start: int, end: int, glued: bool = False) -> None:
        """Append ``chars``, all mapped to raw ``start:end``, glued after the first."""
        for index, char in enumerate(chars):
            self.chars.append(char)
            self.starts.append(start)
            self.ends.append(end)
            self.glued.append(glued or index > 0)

    def copy_from(self, other: _Chars, index: int) -> None:
        self.chars.append(other.chars[index])
        self.starts.append(other.starts[index])
        self.ends.append(other.ends[index])
        self.glued.append(other.glued[index])

    def text(self) -> str:
        return "".join(self.chars)


def _is_emoji_part(char: str) -> bool:
    return unicodedata.category(char) in ("So", "Sk") or char == "\ufe0f"


def _char_pass(raw: str) -> _Chars:
    """Zero-width removal, whitespace, Thai digits, NFC and lower case."""
    is_nfc = unicodedata.is_normalized("NFC", raw)
    if is_nfc and _CHAR_PASS_NEEDED.search(raw) is None and raw == raw.lower():
        return _Chars(raw)
    out = _Chars()
    if is_nfc:
        chunks: Iterable[tuple[int, int]] = ((i, i + 1) for i in range(len(raw)))
    else:
        chunks = _combining_chunks(raw)
    for start, end in chunks:
        piece = raw[start:end]
        composed = unicodedata.normalize("NFC", piece)
        if composed != piece:
            out.add(composed.lower(), start, end)
            continue
        char = piece
        if char in _ZERO_WIDTH:
            # A joiner inside an emoji sequence (👩‍💻) is part of the emoji.
            if not (
                char == _ZWJ
                and 0 < start
                and end < len(raw)
                and _is_emoji_part(raw[start - 1])
                and _is_emoji_part(raw[end])
            ):
                continue
        elif char.isspace():
            char = " "
        else:
            char = char.translate(_THAI_DIGITS).lower()
        out.add(char, start, end)
    return out


def _combining_chunks(raw: str) -> list[tuple[int, int]]:
    """Split ``raw`` into a starter plus its combining marks, for piecewise NFC."""
    chunks: list[tuple[int, int]] = []
    for index, char in enumerate(raw):
        if chunks and unicodedata.combining(char):
            chunks[-1] = (chunks[-1][0], index + 1)
        else:
            chunks.append((index, index + 1))
    return chunks


def _fix_look_alike(match: re.Match[str]) -> str:
    pair = match.group(0)
    if pair == _NIKHAHIT + _SARA_AA:
        return _SARA_AM
    if pair == _SARA_E + _SARA_E:
        return _SARA_AE
    return pair[1] + pair[0]  # tone mark typed before the upper vowel


def _thai_spelling_pass(source: _Chars) -> _Chars:
    """Fix look-alike Thai sequences that render the same as the correct one."""
    return _substitute(source, _LOOK_ALIKE, _fix_look_alike)


def _collapse_pass(source: _Chars) -> _Chars:
    """Collapse stretched characters ("ค่ะะะ", "มากกกก"); digits stay (555, 1000)."""
    return _substitute(source, _STRETCHED, lambda match: match.group(0)[0])


def _substitute(
    source: _Chars, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]
) -> _Chars:
    """Replace every match; the replacement is one glued group over the match."""
    text = source.text()
    if pattern.search(text) is None:  # the common case: nothing to copy
        return source
    out = _Chars()
    position = 0
    for match in pattern.finditer(text):
        for index in range(position, match.start()):
            out.copy_from(source, index)
        out.add(
            replace(match),
            source.starts[match.start()],
            source.ends[match.end() - 1],
            source.glued[match.start()],
        )
        position = match.end()
    for index in range(position, len(text)):
        out.copy_from(source, index)
    return out


def _literal_pattern(variant: str) -> str:
    """Pattern for a variant that does not match inside a longer Latin word or number."""
    pattern = re.escape(variant)
    if variant[0].isascii() and variant[0].isalnum():
        pattern = r"(?<![a-z0-9])" + pattern
    if variant[-1].isascii() and variant[-1].isalnum():
        pattern += r"(?![a-z0-9])"
    # A Thai vowel or tone mark after the match belongs to its last consonant:
    # "ใบขับขี" must not match inside the correct "ใบขับขี่".
    return pattern + _NO_MARK_AFTER


def _character_steps(raw: str) -> _Chars:
    return _collapse_pass(_thai_spelling_pass(_char_pass(raw)))


def _rule_table(data: Any, name: str) -> dict[str, list[str]]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ValueError(f"normalisation '{name}' must map a canonical form to variants")
    table: dict[str, list[str]] = {}
    for canonical, variants in data.items():
        if not isinstance(canonical, str) or not canonical.strip():
            raise ValueError(f"normalisation '{name}': bad canonical form {canonical!r}")
        if any(char.isspace() for char in canonical):
            raise ValueError(
                f"normalisation '{name}': canonical form {canonical!r} contains a space"
            )
        if isinstance(variants, str) or not isinstance(variants, Iterable):
            raise ValueError(f"normalisation '{name}': variants of {canonical!r} must be a list")
        table[canonical] = [str(variant) for variant in variants if str(variant).strip()]
    return table


class Normalizer:
    """Normalises citizen text, keeping a map back to the raw text.

    Steps, in order: zero-width characters removed; whitespace unified; Thai
    digits to ASCII; NFC; lower case; look-alike Thai spellings fixed (ํา → ำ,
    เเ → แ, tone mark before an upper vowel); *elongations* (a form whose last
    letter is stretched means another word: "ค่าาา" is the particle ค่ะ, never
    ค่า "fee"); stretched letters collapsed (vowels and tone marks repeated
    twice or more, consonants three times or more; digits never, so laughter
    "555" and numbers survive); *replacements* (misspellings to their canonical
    form, longest variant first).

    Args:
        replacements: canonical form → misspelt variants.
        elongations: canonical form → forms whose stretched last letter means it.
    """

    def __init__(
        self,
        replacements: Mapping[str, Iterable[str]] | None = None,
        elongations: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._replacements = _rule_table(replacements, "replacements")
        self._elongations = _rule_table(elongations, "elongations")
        self._elongation_pattern, self._elongation_for = self._compile(
            self._elongations, "elongations", stretched=True
        )
        self._replacement_pattern, self._replacement_for = self._compile(
            self._replacements, "replacements", stretched=False
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Normalizer:
        """Build from the ``normalisation.yml`` structure (or ``to_dict`` output)."""
        data = data or {}
        unknown = set(data) - {"replacements", "elongations"}
        if unknown:
            raise ValueError(f"unknown normalisation section(s): {', '.join(sorted(unknown))}")
        return cls(data.get("replacements"), data.get("elongations"))

    def to_dict(self) -> dict[str, dict[str, list[str]]]:
        return {"replacements": self._replacements, "elongations": self._elongations}

    def _compile(
        self, table: dict[str, list[str]], name: str, stretched: bool
    ) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        canonical_for: dict[str, str] = {}
        for canonical, variants in table.items():
            for variant in variants:
                if stretched:
                    steps = _thai_spelling_pass(_char_pass(variant))
                else:
                    steps = _character_steps(variant)
                key = steps.text().strip()
                if not key or key == canonical:
                    continue
                if canonical_for.get(key, canonical) != canonical:
                    raise ValueError(
                        f"normalisation '{name}': {variant!r} is a variant of both "
                        f"{canonical_for[key]!r} and {canonical!r}"
                    )
                canonical_for[key] = canonical
        if not canonical_for:
            return None, canonical_for
        ordered = sorted(canonical_for, key=len, reverse=True)
        if stretched:
            alternatives = [re.escape(key) + re.escape(key[-1]) + "+" for key in ordered]
        else:
            alternatives = [_literal_pattern(key) for key in ordered]
        return re.compile("|".join(f"({alternative})" for alternative in alternatives)), {
            key: canonical_for[key] for key in ordered
        }

    def normalize(self, raw: str) -> NormalizedText:
        """Normalise ``raw``; empty input gives empty output."""
        chars = _thai_spelling_pass(_char_pass(raw))
        if self._elongation_pattern is not None:
            # One group per stretched form, in the order of _elongation_for.
            canonicals = list(self._elongation_for.values())
            chars = _substitute(
                chars,
                self._elongation_pattern,
                lambda match: canonicals[(match.lastindex or 1) - 1],
            )
        chars = _collapse_pass(chars)
        if self._replacement_pattern is not None:
            chars = _substitute(
                chars,
                self._replacement_pattern,
                lambda match: self._replacement_for[match.group(0)],
            )
        return NormalizedText(
            raw=raw,
            text=chars.text(),
            starts=tuple(chars.starts),
            ends=tuple(chars.ends),
            glued=tuple(chars.glued),
        )

    def normalize_term(self, term: str) -> str:
        """Normalised form of a dictionary or gazetteer term (no offsets needed)."""
        return self.normalize(term).text.strip()
