"""Scoring conversation cases: a reply holds the expected Thai substrings or it does not.

Pure functions over reply texts, so they are tested without a running assistant.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.conversations.cases import CATEGORIES, Case, Turn

# Never acceptable in any turn: the action server failed (utter_service_unavailable).
ALWAYS_FORBIDDEN = ("ขออภัยค่ะ ขณะนี้ระบบขัดข้อง",)


def reply_text(messages: Iterable[Mapping[str, Any]]) -> str:
    """What a citizen reads: message texts and button titles, one per line.

    Button titles count because an answer may be a choice (district and
    province of a shared district name); custom card payloads repeat the text
    and are left out.
    """
    lines: list[str] = []
    for message in messages:
        if isinstance(message.get("text"), str):
            lines.append(message["text"])
        for button in message.get("buttons") or []:
            if isinstance(button, Mapping) and isinstance(button.get("title"), str):
                lines.append(button["title"])
    return "\n".join(lines)


@dataclass(frozen=True)
class CheckFailure:
    """The first check a turn failed: 1-based turn number and a short reason."""

    turn: int
    reason: str

    def __str__(self) -> str:
        return f"turn {self.turn}: {self.reason}"


def check_turn(turn: Turn, reply: str, number: int = 1) -> CheckFailure | None:
    """None when ``reply`` holds every expected group and no forbidden string."""
    for group in turn.expect:
        if not any(expected in reply for expected in group):
            wanted = " | ".join(f'"{e}"' for e in group)
            return CheckFailure(number, f"missing {wanted}")
    for forbidden in (*turn.forbid, *ALWAYS_FORBIDDEN):
        if forbidden in reply:
            return CheckFailure(number, f'contains forbidden "{forbidden}"')
    return None


@dataclass
class CaseResult:
    case: Case
    replies: list[str] = field(default_factory=list)
    failure: CheckFailure | None = None
    turns_passed: int = 0

    @property
    def passed(self) -> bool:
        return self.failure is None and self.turns_passed == len(self.case.turns)


def score_case(case: Case, replies: Sequence[str]) -> CaseResult:
    """Check every turn (all of them, for the turn count); the first failure is the reason."""
    result = CaseResult(case=case, replies=list(replies))
    for number, (turn, reply) in enumerate(zip(case.turns, replies, strict=False), 1):
        failure = check_turn(turn, reply, number)
        if failure is None:
            result.turns_passed += 1
        elif result.failure is None:
            result.failure = failure
    if len(replies) < len(case.turns) and result.failure is None:
        result.failure = CheckFailure(len(replies) + 1, "no reply")
    return result


@dataclass(frozen=True)
class Tally:
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def by_category(results: Iterable[CaseResult]) -> dict[str, Tally]:
    """Cases passed per category, in the order of ``CATEGORIES``."""
    counts: dict[str, list[int]] = {}
    for result in results:
        tally = counts.setdefault(result.case.category, [0, 0])
        tally[0] += result.passed
        tally[1] += 1
    return {c: Tally(*counts[c]) for c in CATEGORIES if c in counts}


def overall(results: Sequence[CaseResult]) -> Tally:
    return Tally(sum(r.passed for r in results), len(results))


def report(results: Sequence[CaseResult], *, list_failures: bool = True) -> str:
    """The overall rate, a table per category, and each failed case with its first failed check."""
    total = overall(results)
    turns = Tally(sum(r.turns_passed for r in results), sum(len(r.case.turns) for r in results))
    lines = [
        f"conversation evaluation: {total.passed}/{total.total} cases passed "
        f"({total.rate:.1%}); turns {turns.passed}/{turns.total} ({turns.rate:.1%})",
        "",
        f"{'category':<18} {'passed':>6} {'cases':>5} {'rate':>7}",
    ]
    for category, tally in by_category(results).items():
        lines.append(f"{category:<18} {tally.passed:>6} {tally.total:>5} {tally.rate:>7.1%}")
    failed = [r for r in results if not r.passed]
    if list_failures and failed:
        lines += ["", "failed cases (first failed check):"]
        lines += [f"  {r.case.id}  {r.failure}" for r in failed]
    return "\n".join(lines)
