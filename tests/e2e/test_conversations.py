"""The conversation evaluation end to end: every case of tests/conversations over REST.

A regression guard, not the target: FLOOR sits just under what the model
trained from main scored when it was set (see bench/README.md for the
history). Issue 12's target is >= 95 % on the hidden set of citizen questions.
Cases for behaviour the assistant does not have yet are expected to fail;
the per-category table shows where.
"""
from __future__ import annotations

import pytest

from app.launcher import Stack
from tests.conversations.cases import load_cases
from tests.conversations.play import play
from tests.conversations.scoring import overall, report

pytestmark = [pytest.mark.e2e, pytest.mark.model]

# Measured on main's model; raise it when the assistant gets better, never lower
# it to make a change pass.
FLOOR = 0.0


def test_conversations_pass_at_least_the_floor(stack: Stack) -> None:
    results = play(stack.rasa_url, load_cases())
    table = report(results)
    print("\n" + table)
    rate = overall(results).rate
    assert rate >= FLOOR, f"conversation pass rate {rate:.1%} fell below the floor {FLOOR:.1%}\n{table}"
