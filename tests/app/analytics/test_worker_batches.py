"""The worker's batch plumbing without a broker: acknowledgements and the findings cache."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.analytics.projection import FindingsCache
from app.analytics.worker import _ack_all
from common.privacy import Finding


@dataclass
class FakeMessage:
    channel: object
    delivery_tag: int
    acks: list[tuple[int, bool]] = field(default_factory=list)

    async def ack(self, multiple: bool = False) -> None:
        self.acks.append((self.delivery_tag, multiple))


async def test_a_whole_batch_is_acknowledged_once_per_channel() -> None:
    old, new = object(), object()
    batch = [FakeMessage(old, t) for t in (3, 4, 5)] + [FakeMessage(new, t) for t in (1, 2)]
    await _ack_all(batch)  # type: ignore[arg-type]
    assert [m.acks for m in batch] == [[], [], [(5, True)], [], [(2, True)]]


async def test_a_gap_in_the_tags_is_acknowledged_one_by_one() -> None:
    channel = object()
    batch = [FakeMessage(channel, t) for t in (1, 2, 4)]  # 3 was rejected
    await _ack_all(batch)  # type: ignore[arg-type]
    assert [m.acks for m in batch] == [[(1, False)], [(2, False)], [(4, False)]]


def test_findings_cache_answers_as_find_and_keeps_no_text() -> None:
    calls: list[str] = []

    def find(text: str) -> list[Finding]:
        calls.append(text)
        return [Finding(0, 3, "name")] if text.startswith("นาย") else []

    cache = FindingsCache(find, size=2)
    assert cache("นายสมชาย") == [Finding(0, 3, "name")]
    assert cache("นายสมชาย") == [Finding(0, 3, "name")]
    assert cache("ทำพาสปอร์ต") == []
    assert calls == ["นายสมชาย", "ทำพาสปอร์ต"]
    assert not any(isinstance(k, str) for k in cache._found)  # digests, not texts
    cache("ค่าธรรมเนียม")
    cache("นายสมชาย")  # pushed out by the size limit: found again
    assert calls[-1] == "นายสมชาย" and len(cache._found) == 2
