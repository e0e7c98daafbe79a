"""Nothing personal survives the worker: the privacy corpus, raw, through RabbitMQ into PostgreSQL.

The events are published *unredacted* (as a producer other than our tracker
store might), with the personal data in the text, in an entity value, in a
slot and echoed in a bot message; then every column of every table is
searched for every value. Messages without personal data must come out
unchanged.
"""
from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aio_pika
import psycopg
import pytest
import yaml

from app.analytics.db import create_engine, create_schema, sessionmaker
from app.analytics.worker import Worker
from common.paths import ROOT
from tests.conftest import require_service

pytestmark = pytest.mark.services

CORPUS = ROOT / "tests" / "data" / "privacy"
AMQP = "amqp://guest:guest@127.0.0.1:5672/"
PG = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _messages(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))["messages"]


PERSONAL = _messages("personal.yml") + _messages("holdout_personal.yml")
CLEAN = _messages("clean.yml") + _messages("holdout_clean.yml")


def _events(n: int, text: str, values: list[str]) -> list[dict[str, Any]]:
    key = f"{n:064x}"
    t = 1_765_000_000.0 + n
    return [
        {"sender_id": key, "event": "user", "timestamp": t, "text": text, "input_channel": "line",
         "metadata": {"line": {"display_name": values[0] if values else "ผู้ใช้"}},
         "parse_data": {"text": text, "intent": {"name": "ask_documents", "confidence": 0.9},
                        "entities": [{"entity": "person", "value": v} for v in values]}},
        {"sender_id": key, "event": "slot", "timestamp": t + 0.01, "name": "last_topic", "value": text},
        {"sender_id": key, "event": "action", "timestamp": t + 0.02, "name": "action_answer_service"},
        {"sender_id": key, "event": "bot", "timestamp": t + 0.03, "text": f"รับทราบค่ะ: {text}",
         "data": {}, "metadata": {}},
    ]


@pytest.fixture
async def database() -> AsyncIterator[str]:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    name = f"analytics_corpus_{secrets.token_hex(4)}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _all_rows(db: str) -> dict[str, list[str]]:
    """Every row of every table, as text with Thai unescaped."""
    out: dict[str, list[str]] = {}
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db}") as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608
            out[table] = [json.dumps(row, ensure_ascii=False, default=str) for row in rows]
    return out


async def test_the_corpus_leaves_nothing_personal_in_any_table(database: str, tmp_path: Path) -> None:
    suffix = database.rsplit("_", 1)[-1]
    queue_name, exchange_name = f"analytics_corpus_{suffix}", f"analytics_corpus_{suffix}-exchange"
    engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}")
    await create_schema(engine)
    worker = Worker(sessionmaker(engine), AMQP, queue_name, exchange=exchange_name, batch_size=200)
    running = asyncio.create_task(worker.run())
    corpus = [(m["text"], [s["value"] for s in m["spans"]]) for m in PERSONAL] + \
        [(m["text"], []) for m in CLEAN]
    events = [e for n, (text, values) in enumerate(corpus) for e in _events(n, text, values)]
    connection = await aio_pika.connect_robust(AMQP)
    try:
        channel = await connection.channel()
        await asyncio.sleep(1.0)  # the worker has declared and bound its queue
        exchange = await channel.get_exchange(exchange_name)
        for event in events:
            await exchange.publish(aio_pika.Message(json.dumps(event).encode()), "")
        for _ in range(600):
            if worker.applied >= len(events):
                break
            await asyncio.sleep(0.5)
    finally:
        worker.stop()
        await asyncio.wait_for(running, 60)
        queue = await channel.get_queue(queue_name)
        await queue.delete(if_unused=False, if_empty=False)
        await connection.close()
        await engine.dispose()
    assert worker.applied == len(events)

    rows = _all_rows(database)
    everything = "\n".join(line for table in rows.values() for line in table)
    leaked = [(text, v) for text, values in corpus for v in values if v in everything]
    assert leaked == []
    assert len(rows["turns"]) == len(corpus)
    stored_texts = {json.loads(line)[3] for line in rows["turns"]}  # turns.text (4th column)
    assert {m["text"] for m in CLEAN} <= stored_texts  # clean messages unchanged
