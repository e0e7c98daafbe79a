"""Conversation cases: YAML files of whole conversations and the facts each reply must hold.

A case file is one YAML document::

    category: fee                  # default category of the cases below
    cases:
      - id: fee-passport-10y       # unique over all files
        category: follow_up        # optional: overrides the file's category
        turns:
          - say: ทำพาสปอร์ต 10 ปี ราคาเท่าไหร่คะ
            service: passport      # optional tags: what the turn covers
            aspect: fee
            expect: ["1,500 บาท"]  # each item must be in the reply; a list item
                                   # means "one of these" (08:30 or 08.30)
            forbid: ["จังหวัดไหน"]  # none of these may be in the reply

Cases are written from the knowledge base (data/kb), the geography and the
domain's responses, never from the training data, so they measure what a
citizen gets rather than what the model was taught.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CASES_DIR = Path(__file__).resolve().parent

# Every case names one of these, so the report shows where the assistant fails.
# The last group are the failure categories of issue 12.
CATEGORIES: dict[str, str] = {
    "service_aspect": "one aspect of one service, asked directly",
    "follow_up": "a follow-up that changes the service or the aspect",
    "office_lookup": "offices by district or province name",
    "shared_location": "offices near a shared location",
    "office_hours": "opening hours of a named office",
    "faq": "frequently asked questions",
    "typo": "misspelt service or place names",
    "thai_digits": "Thai digits in the message",
    "code_switching": "Thai mixed with English words",
    "smalltalk": "greetings, thanks, goodbye, who are you, help",
    "out_of_scope": "questions outside government services",
    "general_question": "issue 12 §1: a general question deserves the general answer first",
    "benefit_amount": "issue 12 §2: allowance amounts per month, by age band",
    "colloquial_name": "issue 12 §3: everyday and old names of services",
    "shared_district": "issue 12 §4: district names shared by several provinces",
    "legal_fact": "issue 12 §5: fees, deadlines and fines that the law fixes",
    "english": "issue 12 §7: short English questions",
}
ASPECTS = ("overview", "documents", "fee", "deadline", "processing_time", "steps",
           "eligibility", "where_to_apply", "online", "amount")

_CASE_KEYS = {"id", "category", "turns", "note"}
_TURN_KEYS = {"say", "expect", "forbid", "service", "aspect"}


class CaseFileError(ValueError):
    """A malformed case file; the message names the file and, when known, the case."""

    def __init__(self, path: Path, message: str, case_id: str | None = None) -> None:
        where = f"{path.name}: case {case_id!r}" if case_id else path.name
        super().__init__(f"{where}: {message}")
        self.path = path
        self.case_id = case_id


@dataclass(frozen=True)
class Turn:
    """One message of the citizen and what the assistant's reply must (not) contain.

    ``expect`` holds alternatives: the reply must contain at least one string
    of every group. ``forbid``: none of these strings.
    """

    say: str
    expect: tuple[tuple[str, ...], ...]
    forbid: tuple[str, ...] = ()
    service: str | None = None
    aspect: str | None = None


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    turns: tuple[Turn, ...]
    source: str  # the file it came from, for messages
    note: str | None = None


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{what} must be a list of non-empty strings")
    return list(value)


def _expect(value: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        raise ValueError("'expect' must be a list")
    groups = []
    for item in value:
        if isinstance(item, str) and item:
            groups.append((item,))
        elif isinstance(item, list) and item:
            groups.append(tuple(_strings(item, "an 'expect' alternative group")))
        else:
            raise ValueError(f"'expect' item {item!r} must be a string or a list of strings")
    return tuple(groups)


def parse_turn(raw: Any) -> Turn:
    if not isinstance(raw, Mapping):
        raise ValueError("a turn must be a mapping with 'say' and 'expect'")
    unknown = set(raw) - _TURN_KEYS
    if unknown:
        raise ValueError(f"unknown turn keys {sorted(unknown)}")
    say = raw.get("say")
    if not isinstance(say, str) or not say.strip():
        raise ValueError("'say' must be a non-empty string")
    expect = _expect(raw.get("expect", []))
    forbid = tuple(_strings(raw.get("forbid", []), "'forbid'"))
    # A turn with nothing to check could never fail.
    if not expect and not forbid:
        raise ValueError(f"turn {say!r} checks nothing: give 'expect' or 'forbid'")
    aspect = raw.get("aspect")
    if aspect is not None and aspect not in ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}; one of {', '.join(ASPECTS)}")
    service = raw.get("service")
    if service is not None and not isinstance(service, str):
        raise ValueError("'service' must be a service code")
    return Turn(say=say, expect=expect, forbid=forbid, service=service, aspect=aspect)


def parse_case(raw: Any, default_category: str | None, source: str) -> Case:
    if not isinstance(raw, Mapping):
        raise ValueError("a case must be a mapping with 'id' and 'turns'")
    unknown = set(raw) - _CASE_KEYS
    if unknown:
        raise ValueError(f"unknown case keys {sorted(unknown)}")
    category = raw.get("category", default_category)
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; one of {', '.join(CATEGORIES)}")
    turns = raw.get("turns")
    if not isinstance(turns, list) or not 1 <= len(turns) <= 4:
        raise ValueError("'turns' must be a list of 1 to 4 turns")
    parsed = []
    for number, turn in enumerate(turns, 1):
        try:
            parsed.append(parse_turn(turn))
        except ValueError as error:
            raise ValueError(f"turn {number}: {error}") from None
    note = raw.get("note")
    return Case(id=str(raw["id"]), category=category, turns=tuple(parsed), source=source,
                note=str(note) if note is not None else None)


def load_file(path: Path) -> list[Case]:
    """The cases of one file.

    Raises:
        CaseFileError: naming the file and the case that is malformed.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CaseFileError(path, f"not valid YAML: {error}") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("cases"), list):
        raise CaseFileError(path, "expected a mapping with a 'cases' list")
    default_category = document.get("category")
    cases = []
    for index, raw in enumerate(document["cases"], 1):
        case_id = raw.get("id") if isinstance(raw, Mapping) else None
        if not isinstance(case_id, str) or not case_id:
            raise CaseFileError(path, f"case number {index} has no string 'id'")
        try:
            cases.append(parse_case(raw, default_category, path.name))
        except ValueError as error:
            raise CaseFileError(path, str(error), case_id) from None
    return cases


def load_cases(paths: Iterable[Path] | None = None) -> list[Case]:
    """Every case of ``paths`` (default: the YAML files next to this module), ids unique."""
    files = sorted(CASES_DIR.glob("*.yml")) if paths is None else list(paths)
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in files:
        for case in load_file(path):
            if case.id in seen:
                raise CaseFileError(path, f"id already used in {seen[case.id]}", case.id)
            seen[case.id] = path.name
            cases.append(case)
    return cases
