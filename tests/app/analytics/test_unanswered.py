"""Unanswered questions grouped by their Thai words, with owners and weekly trends."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.analytics.queries import Filter, Scope
from app.analytics.unanswered import (
    ANSWER_PLACEHOLDER, faq_draft_data, find_group, group_unanswered, tokens, unanswered_groups,
)
from app.errors import ForbiddenError, NotFoundError
from tests.app.console_dashboard.seed import BANGKOK, CHIANG_MAI, seed_analytics

ALCOHOL = ["ขอใบอนุญาตขายสุราได้ที่ไหน", "ขอใบอนุญาตขายสุรา ต้องใช้เอกสารอะไร", "ใบอนุญาตขายสุราต้องทำที่ไหนคะ"]
LAND = ["ค่าธรรมเนียมโอนที่ดินเท่าไหร่", "โอนที่ดินเสียค่าธรรมเนียมเท่าไร", "ค่าโอนที่ดินกี่บาท"]


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[AsyncSession]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'analytics.sqlite3'}")
    await seed_analytics(engine)
    async with async_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


def turn(text: str, day: str, province: str | None = CHIANG_MAI, outcome: str = "fallback") -> dict[str, Any]:
    return {"id": f"{text}:{day}", "at": datetime.fromisoformat(day).replace(tzinfo=timezone.utc),
            "text": text, "province_code": province, "outcome": outcome}


def test_tokens_are_content_words_without_placeholders() -> None:
    assert tokens("ขอใบอนุญาตขายสุราได้ที่ไหน") == ["ใบอนุญาต", "ขาย", "สุรา"]
    assert tokens("ติดต่อ <ชื่อ> ที่เบอร์ <เบอร์โทร> ค่ะ") == ["ติดต่อ", "เบอร์"]
    assert tokens("<ชื่อ>") == []
    assert tokens("") == []


async def test_seeded_store_groups_into_alcohol_land_and_licence(session: AsyncSession) -> None:
    groups = await unanswered_groups(session, Filter(), Scope.country())
    assert [(sorted(g.examples), g.size, g.owner_province) for g in groups] == [
        # Same size: the group asked about most recently comes first.
        (sorted(LAND), 3, None),  # Bangkok, Chiang Mai and unknown: the national team
        (sorted(ALCOHOL), 3, CHIANG_MAI),  # only Chiang Mai asks: the province owns it
        (["ต่อใบขับขี่"], 1, CHIANG_MAI),
    ]
    land, alcohol, _ = groups
    assert land.provinces == {None: 1, BANGKOK: 1, CHIANG_MAI: 1}
    assert alcohol.outcomes == {"asked_back": 1, "fallback": 2}
    assert alcohol.examples[0] == "ขอใบอนุญาตขายสุราได้ที่ไหน"  # the most typical wording
    assert alcohol.terms[:3] == ["ขาย", "สุรา", "ใบอนุญาต"]
    assert alcohol.trend == [{"week": "2026-11-30", "turns": 3}]


async def test_province_scope_groups_only_its_turns(session: AsyncSession) -> None:
    groups = await unanswered_groups(session, Filter(), Scope(CHIANG_MAI))
    land = next(g for g in groups if "ค่าโอนที่ดินกี่บาท" in g.examples)
    assert (land.size, land.examples, land.owner_province) == (1, ["ค่าโอนที่ดินกี่บาท"], CHIANG_MAI)
    assert sum(g.size for g in groups) == 5
    with pytest.raises(ForbiddenError):
        await unanswered_groups(session, Filter(province_code=BANGKOK), Scope(CHIANG_MAI))


def test_weekly_trend_counts_every_week_in_the_range() -> None:
    rows = [
        turn("ขอใบอนุญาตขายสุราได้ที่ไหน", "2026-11-02 03:00"),
        turn("ใบอนุญาตขายสุราต้องทำที่ไหนคะ", "2026-11-17 03:00"),
        turn("ขอใบอนุญาตขายสุรา ต้องใช้เอกสารอะไร", "2026-11-18 03:00"),
        # Sunday 23:30 UTC is already Monday in Bangkok.
        turn("ใบอนุญาตขายสุราขอที่ไหน", "2026-11-22 23:30"),
    ]
    [group] = group_unanswered(rows)
    assert group.trend == [
        {"week": "2026-11-02", "turns": 1},
        {"week": "2026-11-09", "turns": 0},
        {"week": "2026-11-16", "turns": 2},
        {"week": "2026-11-23", "turns": 1},
    ]


def test_unrelated_questions_stay_apart_and_empty_ones_are_left_out() -> None:
    rows = [
        turn("ทำพาสปอร์ตต้องใช้อะไร", "2026-11-02 03:00"),
        turn("จดทะเบียนสมรสที่อำเภอไหนได้บ้าง", "2026-11-02 04:00"),
        turn("<ชื่อ>", "2026-11-02 05:00"),
        turn("สวัสดีครับ", "2026-11-02 06:00"),
    ]
    groups = group_unanswered(rows)
    assert sorted(tuple(g.examples) for g in groups) == [
        ("จดทะเบียนสมรสที่อำเภอไหนได้บ้าง",), ("ทำพาสปอร์ตต้องใช้อะไร",), ("สวัสดีครับ",),
    ]
    assert group_unanswered([]) == []


def test_group_ids_are_stable_and_found() -> None:
    rows = [turn(text, "2026-11-02 03:00") for text in ALCOHOL]
    first, second = group_unanswered(rows), group_unanswered(list(reversed(rows)))
    assert first[0].id == second[0].id
    assert find_group(first, first[0].id) is first[0]
    with pytest.raises(NotFoundError):
        find_group(first, "000000000000")


def test_faq_draft_for_the_owner_with_no_invented_answer() -> None:
    [group] = group_unanswered([turn(text, "2026-11-02 03:00") for text in ALCOHOL])
    data = faq_draft_data(group)
    assert data == {
        "key": f"unanswered_{group.id}",
        "province_code": CHIANG_MAI,
        "title": "ขอใบอนุญาตขายสุราได้ที่ไหน",
        "question_variants": group.examples,
        "answer": ANSWER_PLACEHOLDER,
    }
    mixed = group_unanswered([turn(ALCOHOL[0], "2026-11-02 03:00"), turn(ALCOHOL[1], "2026-11-02 03:00", BANGKOK)])
    assert faq_draft_data(mixed[0])["province_code"] is None


def test_many_messages_group() -> None:
    # Not a timing test: many messages sharing words still group correctly.
    start = datetime(2026, 11, 2, 3, tzinfo=timezone.utc)
    rows = []
    for i in range(1500):
        text = ALCOHOL[i % 3] if i % 2 else LAND[i % 3]
        rows.append({"id": str(i), "at": start + timedelta(hours=i), "text": text,
                     "province_code": CHIANG_MAI, "outcome": "fallback"})
    groups = group_unanswered(rows)
    assert sorted(g.size for g in groups) == [750, 750]
