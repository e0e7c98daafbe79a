"""Events to rows: one conversation through the same code the worker and the ingest run."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.analytics.db import create_engine, create_schema, sessionmaker
from app.analytics.models import Conversation, Feedback, ProcessedMessage, Turn
from app.analytics.store import Message, apply_batch
from tests.app.analytics.events import KEY, conversation


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'analytics.sqlite3'}")
    await create_schema(engine)
    yield sessionmaker(engine)
    await engine.dispose()


async def test_a_conversation_becomes_turns_with_outcomes(sessions: async_sessionmaker) -> None:
    assert await apply_batch(sessions, [Message.of(e) for e in conversation()]) == 22
    async with sessions() as session:
        conv = await session.get(Conversation, KEY)
        turns = (await session.scalars(select(Turn).order_by(Turn.at))).all()
        feedback = (await session.scalars(select(Feedback))).all()
    assert (conv.channel, conv.province_code, conv.turns, conv.model_version) == ("rest", "50", 4, "model-1")
    assert [(t.intent, t.action, t.outcome) for t in turns] == [
        ("ask_documents", "action_answer_service", "answered"),
        ("affirm", "action_record_feedback", "answered"),
        ("nlu_fallback", "action_default_ask_affirmation", "fallback"),
        ("find_office", "action_find_office", "asked_back"),
    ]
    first = turns[0]
    assert first.text == "ทำพาสปอร์ตต้องใช้อะไรบ้าง เลขบัตร <เลขบัตรประชาชน> นาย<ชื่อ>"
    assert (first.service_code, first.province_code, first.channel) == ("passport", "50", "rest")
    assert first.latency_ms == pytest.approx(260.0, abs=0.01)  # user -> last bot event of the turn
    assert first.id == f"{KEY}:1765000001.000000"
    assert turns[3].text == "สำนักงานที่ใกล้ที่สุด โทร <เบอร์โทร>"
    assert [(f.rating, f.service_code, f.turn_id) for f in feedback] == [(1, "passport", turns[1].id)]


async def test_redelivered_messages_change_nothing(sessions: async_sessionmaker) -> None:
    events = [Message.of(e) for e in conversation()]
    await apply_batch(sessions, events[:10])
    # A crash before the acknowledgement: the whole stream arrives again, some twice.
    assert await apply_batch(sessions, events + events[5:12]) == 12
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Turn)) == 4
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 1
        assert await session.scalar(select(func.count()).select_from(ProcessedMessage)) == 22
        assert (await session.get(Conversation, KEY)).turns == 4
