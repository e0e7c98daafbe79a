"""Service names found in a message's text when the NLU tagged none, misspelt ones too.

The names are every service's Thai name and aliases, spaces removed. A name
misspelt by one character is found with a symmetric-delete index (the name and
every string one character shorter): two strings are one edit apart when their
one-deletion sets meet. Building that index costs about as much as a message's
whole turn, and it only changes when the services do, so the knowledge-base
adapter keeps one per set of names (``KnowledgeBase.service_names``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.kb.models import Service
from common.service_names import name_variants

# A misspelt name is trusted from this length on: shorter names are one key
# away from ordinary words ("แจ้งตาย" from "แจ้งภาย" in "แจ้งภายในกี่วัน").
FUZZY_MIN_LENGTH = 8
# An exact name is looked for from this length on.
EXACT_MIN_LENGTH = 4
# Words that end a name and that citizens often write apart from it: "ใบเกิด
# ของลูกหาย" is "ใบเกิดหาย", "บัตรแค่หมดอายุ" "บัตรหมดอายุ", "ย้ายชื่อตัวเอง
# เข้า" "ย้ายชื่อเข้า". A name ending in one is also found with up to
# ``GAP_MAX_LENGTH`` characters between its head and that word.
SPLIT_ENDINGS = ("หมดอายุ", "ชำรุด", "หาย", "ใหม่", "เข้า", "ออก")
GAP_MAX_LENGTH = 10

Names = dict[str, frozenset[str]]


def _deletions(word: str) -> set[str]:
    """The word and every string one character shorter."""
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


def compact_names(services: Iterable[Service]) -> Names:
    """Every name and alias without spaces → the codes of the services it names."""
    names: dict[str, set[str]] = {}
    for service in services:
        for name in (service.name_th, *service.aliases):
            for variant in name_variants(name):
                names.setdefault(variant.replace(" ", ""), set()).add(service.code)
    return {name: frozenset(codes) for name, codes in names.items()}


@dataclass(frozen=True)
class ServiceNames:
    """The services' names and the one-deletion index of the long ones. Read only."""

    names: Names
    # One-deletion variant → the long names it comes from.
    deletions: dict[str, frozenset[str]]
    # The lengths of text stretches that can spell a long name with one edit.
    lengths: frozenset[int]

    @classmethod
    def build(cls, names: Names) -> ServiceNames:
        index: dict[str, set[str]] = {}
        for name in names:
            if len(name) >= FUZZY_MIN_LENGTH:
                for variant in _deletions(name):
                    index.setdefault(variant, set()).add(name)
        lengths = {len(n) + d for n in names if len(n) >= FUZZY_MIN_LENGTH for d in (-1, 0, 1)}
        return cls(names, {v: frozenset(ns) for v, ns in index.items()}, frozenset(lengths))

    def exact(self, compact: str) -> list[str]:
        """Names the text contains as they are, the longest first."""
        return sorted((n for n in self.names if len(n) >= EXACT_MIN_LENGTH and n in compact),
                      key=len, reverse=True)

    def split(self, compact: str) -> list[str]:
        """Names ending in one of ``SPLIT_ENDINGS`` whose head and ending the text holds
        with a few characters between them, the longest first."""
        found = []
        for name in self.names:
            ending = next((e for e in SPLIT_ENDINGS if name.endswith(e)), None)
            head = name[: -len(ending)] if ending else ""
            if len(head) < EXACT_MIN_LENGTH:
                continue
            start = compact.find(head)
            while start >= 0:
                after = start + len(head)
                window = compact[after: after + GAP_MAX_LENGTH + len(ending or "")]
                if ending and ending in window[1:]:  # [1:]: a gap, else it is the exact name
                    found.append(name)
                    break
                start = compact.find(head, start + 1)
        return sorted(found, key=len, reverse=True)

    def longest(self, text: str) -> tuple[str, str] | None:
        """(code, name) of the longest name the text holds, whole or split; None when
        there is none or it is ambiguous."""
        compact = text.replace(" ", "")
        if not compact or compact.startswith("/"):
            return None
        found = sorted({*self.exact(compact), *self.split(compact)}, key=len, reverse=True)
        code = self.trusted(found)
        return (code, found[0]) if code is not None else None

    def misspelt(self, compact: str) -> list[str]:
        """Names that a stretch of ``compact`` spells with one character wrong, missing or
        extra, the longest first. The stretches are as long as a name, or one shorter or longer.
        """
        found: set[str] = set()
        for length in self.lengths:
            for start in range(len(compact) - length + 1):
                for variant in _deletions(compact[start:start + length]):
                    found |= {n for n in self.deletions.get(variant, ())
                              if abs(len(n) - length) <= 1}
        return sorted(found, key=len, reverse=True)

    def trusted(self, found: list[str]) -> str | None:
        """The service of the longest name found, unless that name is ambiguous.

        A name that is the start of a longer name of another service
        ("บัตรประชาชน" of "บัตรประชาชนหาย") is not trusted, since the citizen may
        have misspelt the longer one: asking beats a wrong answer.
        """
        if not found:
            return None
        best = found[0]
        codes = self.names[best]
        longer = {c for n, cs in self.names.items() if n != best and n.startswith(best)
                  for c in cs}
        if len(codes) != 1 or longer - codes:
            return None
        return next(iter(codes))

    def named_in(self, text: str, *, misspelt: bool = True) -> str | None:
        """The service whose name or alias the text contains.

        The longest name wins, whole or split (``split``); failing one and if
        ``misspelt``, one misspelt by a single character ("แจ้งเกิก",
        "จดทะเบียนหยา") counts.
        """
        compact = text.replace(" ", "")
        if not compact or compact.startswith("/"):
            return None
        exact = sorted({*self.exact(compact), *self.split(compact)}, key=len, reverse=True)
        code = self.trusted(exact)
        if code is not None or not misspelt:
            return code
        near = [n for n in self.misspelt(compact) if not exact or len(n) > len(exact[0])]
        return self.trusted(near)
