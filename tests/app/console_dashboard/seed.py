"""A small analytics store whose every figure is counted by hand in the tests.

Eight conversations, sixteen turns, five thumbs, one handoff request, over
three local days (Asia/Bangkok; the first turns are on 30 November in UTC but
1 December in Bangkok). Texts are what the worker stores: already redacted.
The unanswered turns form two groups: selling-alcohol licences, asked only in
Chiang Mai (50), and land-transfer fees, asked in Bangkok (10), Chiang Mai and
with no known province.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.analytics.models import AnalyticsBase, Conversation, Feedback, Handoff, Turn

UTC = timezone.utc
BANGKOK, CHIANG_MAI = "10", "50"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# conversation: channel, province, model version, turns as
# (UTC time, text, intent, confidence, service, outcome, latency ms)
CONVERSATIONS: dict[str, tuple[str, str | None, str, list[tuple[Any, ...]]]] = {
    "c1": ("line", BANGKOK, "v1", [
        ("2026-11-30 18:30", "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้าง", "service_documents", 0.9, "passport", "answered", 100.0),
        ("2026-11-30 18:31", "ค่าธรรมเนียมเท่าไหร่", "service_fee", 0.8, "passport", "answered", 200.0),
        ("2026-11-30 18:32", "ขอบคุณค่ะ", "thank", 0.95, None, "answered", 300.0),
    ]),
    "c2": ("rest", CHIANG_MAI, "v2", [
        ("2026-12-01 03:00", "ต่อใบขับขี่ที่ไหน", "office_search", 0.7, "driving_licence", "answered", 400.0),
        ("2026-12-01 03:01", "ขอใบอนุญาตขายสุราได้ที่ไหน", "nlu_fallback", 0.2, None, "fallback", 500.0),
    ]),
    "c3": ("web", CHIANG_MAI, "v2", [
        ("2026-12-02 02:00", "ใบอนุญาตขายสุราต้องทำที่ไหนคะ", "office_search", 0.4, None, "asked_back", 600.0),
        ("2026-12-02 02:01", "ขอใบอนุญาตขายสุรา ต้องใช้เอกสารอะไร", "service_documents", 0.3, None, "fallback", 700.0),
    ]),
    "c4": ("line", None, "v2", [
        ("2026-12-02 05:00", "ค่าธรรมเนียมโอนที่ดินเท่าไหร่", "nlu_fallback", 0.1, None, "fallback", 800.0),
        ("2026-12-02 05:01", "ขอคุยกับเจ้าหน้าที่", "human_handoff", 0.9, None, "handoff", 900.0),
    ]),
    "c5": ("line", BANGKOK, "v1", [
        ("2026-12-02 06:00", "โอนที่ดินเสียค่าธรรมเนียมเท่าไร", "nlu_fallback", 0.3, None, "fallback", 1000.0),
        ("2026-12-02 06:01", "ทำบัตรประชาชนใหม่ที่ไหน", "office_search", 0.85, "id_card", "answered", None),
    ]),
    "c6": ("socketio", BANGKOK, "v2", [
        ("2026-12-03 01:00", "ทำพาสปอร์ตที่ไหน", "office_search", 0.9, "passport", "answered", 150.0),
    ]),
    "c7": ("web", CHIANG_MAI, "v2", [
        ("2026-12-03 02:00", "ค่าโอนที่ดินกี่บาท", "nlu_fallback", 0.2, None, "fallback", 250.0),
        ("2026-12-03 02:01", "ต่อใบขับขี่ต้องใช้อะไร", "service_documents", 0.88, "driving_licence", "answered", 350.0),
    ]),
    "c8": ("rest", CHIANG_MAI, "v1", [
        ("2026-12-03 03:00", "ต่อใบขับขี่", "office_search", 0.5, "driving_licence", "asked_back", 120.0),
        ("2026-12-03 03:01", "เชียงใหม่", "inform", 0.9, "driving_licence", "answered", 180.0),
    ]),
}
# (conversation, rating, service, province, channel)
FEEDBACK = [
    ("c1", 1, "passport", BANGKOK, "line"),
    ("c2", -1, "driving_licence", CHIANG_MAI, "rest"),
    ("c7", 1, "driving_licence", CHIANG_MAI, "web"),
    ("c8", 1, "driving_licence", CHIANG_MAI, "rest"),
    ("c4", -1, None, None, "line"),
]
HANDOFFS = [("c6", "2026-12-03 01:05")]


def rows() -> tuple[list[Conversation], list[Turn], list[Feedback], list[Handoff]]:
    conversations, turns = [], []
    for cid, (channel, province, model, specs) in CONVERSATIONS.items():
        times = [at(s[0]) for s in specs]
        conversations.append(Conversation(
            id=cid, citizen_key=f"key-{cid}", channel=channel, province_code=province,
            started_at=times[0], ended_at=times[-1], turns=len(specs), model_version=model,
        ))
        for n, (when, text, intent, confidence, service, outcome, latency) in enumerate(specs):
            turns.append(Turn(
                id=f"{cid}:{n}", conversation_id=cid, at=at(when), text=text, intent=intent,
                confidence=confidence, entities=[], service_code=service, office_code=None,
                province_code=province, channel=channel, action="action_test", outcome=outcome,
                latency_ms=latency, model_version=model,
            ))
    last_turn = {c.id: c.ended_at for c in conversations}
    feedback = [
        Feedback(conversation_id=cid, turn_id=None, at=last_turn[cid], rating=rating,
                 service_code=service, province_code=province, channel=channel)
        for cid, rating, service, province, channel in FEEDBACK
    ]
    handoffs = [Handoff(conversation_id=cid, at=at(when), reason="asked") for cid, when in HANDOFFS]
    return conversations, turns, feedback, handoffs


async def seed_analytics(engine: AsyncEngine) -> None:
    """Create the analytics tables on ``engine`` and write the rows above."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from app.analytics import rollups

    async with engine.begin() as connection:
        await connection.run_sync(AnalyticsBase.metadata.create_all)
    conversations, turns, feedback, handoffs = rows()
    async with async_sessionmaker(engine)() as session:
        session.add_all(conversations)
        await session.flush()
        session.add_all([*turns, *feedback, *handoffs])
        await session.flush()
        # Written past the projector, as a bulk load is: the summary is rebuilt.
        await rollups.rebuild(session)
        await session.commit()


PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"


class ThrowawayPostgres:
    """A database ``dashboard_test_<random>`` on the local PostgreSQL, dropped after."""

    def __init__(self) -> None:
        import secrets

        self.name = f"dashboard_test_{secrets.token_hex(6)}"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(sql)

    def __enter__(self) -> ThrowawayPostgres:
        self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *_exc: object) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
