"""A new model replaces the one in service only at or above the floor and the current model."""
from __future__ import annotations

from app.training.decision import ACCURACY_FLOOR, decide


def test_the_floor_is_the_nlu_quality_floor() -> None:
    assert ACCURACY_FLOOR == 0.93


def test_below_the_floor_is_not_published_and_says_why() -> None:
    decision = decide(0.912, current=0.90, floor=0.93)
    assert not decision.publish
    assert decision.message == "ไม่เผยแพร่โมเดลใหม่: ความแม่นยำ 91.2% ต่ำกว่าเกณฑ์ขั้นต่ำ 93.0%"


def test_below_the_current_model_is_not_published_and_says_why() -> None:
    decision = decide(0.945, current=0.951, floor=0.93)
    assert not decision.publish
    assert decision.message == "ไม่เผยแพร่โมเดลใหม่: ความแม่นยำ 94.5% ต่ำกว่าโมเดลที่ใช้อยู่ (95.1%)"


def test_as_good_as_the_current_model_is_published() -> None:
    decision = decide(0.951, current=0.951, floor=0.93)
    assert decision.publish
    assert decision.message == "เผยแพร่โมเดลใหม่แล้ว ความแม่นยำ 95.1% (โมเดลเดิม 95.1%)"


def test_the_first_model_needs_only_the_floor() -> None:
    decision = decide(0.93, current=None, floor=0.93)
    assert decision.publish
    assert decision.message == "เผยแพร่โมเดลใหม่แล้ว ความแม่นยำ 93.0%"
