"""The conversation evaluation end to end: every case of tests/conversations over REST.

A regression guard, not the target: FLOOR sits just under what the model
trained from main scored when it was set. Issue 12's target is >= 95 % on the
hidden set of citizen questions. Cases for behaviour the assistant does not
have yet are expected to fail; the per-category table (printed, and written to
test-artifacts/conversations.txt) shows where.

Adding cases that fail today lowers the rate: measure with
``python -m bench.conversations`` and set FLOOR in the same commit.
"""
from __future__ import annotations

import pytest

from app.launcher import Stack
from common.paths import ROOT
from tests.conversations.cases import load_cases
from tests.conversations.play import play
from tests.conversations.scoring import overall, report

pytestmark = [pytest.mark.e2e, pytest.mark.model]

# Main's model (trained at fe1fba7) passed 144 of 238 cases (60.5 %) on
# 2026-12-07; branch answers' model passed 176, 184 and 186 of 243 (72.4 %,
# 75.7 %, 76.5 %) in three runs the same day on a loaded machine (load 15-20:
# some turns differ from run to run). After the actions and NLU fixes of the
# afternoon, the merged model passed 214 (88.1 %) at load 0.5-3; branch
# nlufix's 227 (93.4 %, main's model 212 in the same session). Raise it
# when the assistant gets better; never lower it to let a change pass.
FLOOR = 0.95
ARTIFACT = ROOT / "test-artifacts" / "conversations.txt"


def test_conversations_pass_at_least_the_floor(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    results = play(stack.rasa_url, load_cases())
    table = report(results)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(table + "\n", encoding="utf-8")
    with capsys.disabled():  # the table is the point of this test, passed or not
        print("\n" + table)
    rate = overall(results).rate
    assert rate >= FLOOR, f"pass rate {rate:.1%} fell below the floor {FLOOR:.1%}\n{table}"
