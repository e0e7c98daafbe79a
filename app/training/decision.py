"""Whether a newly trained model may replace the one in service, and the Thai reason."""
from __future__ import annotations

from dataclasses import dataclass

# The quality floor of the held-out NLU test (tests/bot/nlu/test_nlu_quality.py).
ACCURACY_FLOOR = 0.93


@dataclass(frozen=True)
class Decision:
    publish: bool
    message: str  # Thai, shown in the console


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def decide(new: float, current: float | None, floor: float = ACCURACY_FLOOR) -> Decision:
    """Publish only at or above the floor and at or above the model in service."""
    if new < floor:
        return Decision(False, f"ไม่เผยแพร่โมเดลใหม่: ความแม่นยำ {percent(new)} "
                               f"ต่ำกว่าเกณฑ์ขั้นต่ำ {percent(floor)}")
    if current is not None and new < current:
        return Decision(False, f"ไม่เผยแพร่โมเดลใหม่: ความแม่นยำ {percent(new)} "
                               f"ต่ำกว่าโมเดลที่ใช้อยู่ ({percent(current)})")
    compared = f" (โมเดลเดิม {percent(current)})" if current is not None else ""
    return Decision(True, f"เผยแพร่โมเดลใหม่แล้ว ความแม่นยำ {percent(new)}{compared}")
