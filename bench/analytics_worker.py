"""Analytics worker throughput into PostgreSQL, and redaction's cost on a turn.

Run (figures to bench/results/analytics_worker.json and the terminal):

    .venv/app/bin/python -m bench.analytics_worker            # worker: RabbitMQ -> PostgreSQL
    .venv/app/bin/python -m bench.analytics_worker --only unique --profile /tmp/worker.prof
    .venv/rasa/bin/python -m bench.analytics_turn             # a turn's save, with and without redaction

**worker**: conversations built from the privacy corpus (every user message
holds raw personal data or is a clean one; six events per turn, as Rasa
streams them: user, slot, action, bot, bot, action_listen) are published to a
queue of the bench's own, then the worker (the real ``Worker``: batches,
full redaction with NER on every user message, projection, commit, ack) drains
it into a fresh PostgreSQL database. Where the time goes is measured in the
same run on the same events: redaction alone, and the store alone
(``apply_batch`` with redaction switched off); the rest is AMQP and asyncio.

``--only corpus|unique`` runs one of the two streams; ``--profile PATH``
writes a cProfile of the whole worker run (step 3) to PATH.{corpus,unique}.
The worker's CPU time per event (user + sys of this process: the worker,
not PostgreSQL or RabbitMQ) is reported beside the rate, since it depends
less on what else the machine runs.

**turn**: bench/analytics_turn.py (the Rasa environment).
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "privacy"
RESULTS = ROOT / "bench" / "results"
AMQP = "amqp://guest:guest@127.0.0.1:5672/"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def corpus_texts() -> list[str]:
    texts = []
    for name in ("personal.yml", "clean.yml", "holdout_personal.yml", "holdout_clean.yml"):
        texts += [m["text"] for m in yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))["messages"]]
    return texts


def stream(turns: int, per_conversation: int = 5, unique: bool = False) -> list[dict[str, Any]]:
    """``unique``: every user message differs (a turn number appended), so the
    worker's cache of name findings never hits, as when every message is new."""
    texts = corpus_texts()
    events: list[dict[str, Any]] = []
    t = 1_765_000_000.0
    for n in range(turns):
        key = f"{n // per_conversation:064x}"
        text = texts[n % len(texts)] + (f" [{n}]" if unique else "")
        t += 0.5
        events += [
            {"sender_id": key, "event": "user", "timestamp": t, "text": text, "input_channel": "line",
             "metadata": {"model_id": "bench"},
             "parse_data": {"text": text, "intent": {"name": "ask_documents", "confidence": 0.9},
                            "entities": [{"entity": "service", "value": "passport"}]}},
            {"sender_id": key, "event": "slot", "timestamp": t + 0.01, "name": "service", "value": "passport"},
            {"sender_id": key, "event": "action", "timestamp": t + 0.02, "name": "action_answer_service"},
            {"sender_id": key, "event": "bot", "timestamp": t + 0.1,
             "text": "เอกสารที่ต้องใช้สำหรับทำหนังสือเดินทางค่ะ\n• บัตรประจำตัวประชาชน",
             "data": {"custom": {"card": {"type": "service", "code": "passport"}}}, "metadata": {}},
            {"sender_id": key, "event": "bot", "timestamp": t + 0.11, "text": "คำตอบนี้เป็นประโยชน์ไหมคะ",
             "data": {}, "metadata": {"utter_action": "utter_ask_feedback"}},
            {"sender_id": key, "event": "action", "timestamp": t + 0.12, "name": "action_listen"},
        ]
    return events


async def _fresh_database(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def bench_worker(turns: int, unique: bool = False, profile: str | None = None) -> dict[str, Any]:
    import aio_pika

    from app.analytics.db import create_engine, create_schema, sessionmaker
    from app.analytics import projection
    from app.analytics.projection import redact
    from app.analytics.store import Message, apply_batch
    from app.analytics.worker import Worker
    from nlp import names

    names.warm_up()
    events = stream(turns, unique=unique)
    users = sum(1 for e in events if e["event"] == "user")

    # 1. Redaction alone (CPU time of this process).
    started = time.process_time()
    for event in events:
        redact(event)
    redaction_s = time.process_time() - started

    suffix = secrets.token_hex(4)
    distinct = len({e["text"] for e in events if e["event"] == "user"})
    results: dict[str, Any] = {"events": len(events), "user_messages": users, "distinct_user_texts": distinct}

    # 2. The store alone: the same batches, redaction switched off.
    url = await _fresh_database(f"bench_store_{suffix}")
    engine = create_engine(url)
    await create_schema(engine)
    sessions = sessionmaker(engine)
    messages = [Message.of(e) for e in events]
    started, store_cpu0 = time.perf_counter(), time.process_time()
    for i in range(0, len(messages), 500):
        await apply_batch(sessions, messages[i:i + 500], redactor=lambda e: e)
    store_s = time.perf_counter() - started
    store_cpu = time.process_time() - store_cpu0
    await engine.dispose()
    _drop_database(f"bench_store_{suffix}")

    # 3. The whole worker: RabbitMQ -> redaction -> PostgreSQL, ack after commit.
    # Redaction's cache of findings starts empty, as in a worker just started:
    # only the texts repeated within the stream are found in it.
    clear = getattr(getattr(projection, "_find", None), "cache_clear", None)
    if clear is not None:
        clear()
    queue, exchange_name = f"bench_analytics_{suffix}", f"bench_analytics_{suffix}-exchange"
    url = await _fresh_database(f"bench_worker_{suffix}")
    engine = create_engine(url)
    await create_schema(engine)
    connection = await aio_pika.connect_robust(AMQP)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(exchange_name, aio_pika.ExchangeType.FANOUT)
    declared = await channel.declare_queue(queue, durable=True)
    await declared.bind(exchange, "")
    for i in range(0, len(events), 500):  # confirmed 500 at a time, in order within a chunk
        await asyncio.gather(*(exchange.publish(aio_pika.Message(
            json.dumps(event).encode(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")
            for event in events[i:i + 500]))
    worker = Worker(sessionmaker(engine), AMQP, queue, exchange=exchange_name, batch_size=500)
    profiler = cProfile.Profile() if profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    running = asyncio.create_task(worker.run())
    while worker.applied < len(events):
        await asyncio.sleep(0.05)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    worker.stop()
    await running
    await declared.delete(if_unused=False, if_empty=False)
    await exchange.delete()
    await connection.close()
    await engine.dispose()
    _drop_database(f"bench_worker_{suffix}")

    results.update({
        "worker_events_per_s": round(len(events) / wall, 1),
        "worker_wall_s": round(wall, 2),
        "worker_cpu_s": round(cpu, 2),
        "worker_cpu_ms_per_event": round(1000 * cpu / len(events), 4),
        "redaction_cpu_s": round(redaction_s, 2),
        "redaction_ms_per_user_message": round(1000 * redaction_s / users, 3),
        "store_only_wall_s": round(store_s, 2),
        "store_only_events_per_s": round(len(events) / store_s, 1),
        "store_only_cpu_ms_per_event": round(1000 * store_cpu / len(events), 4),
    })
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("corpus", "unique"), help="run one stream only")
    parser.add_argument("--profile", metavar="PATH", help="cProfile of the worker run to PATH.<stream>")
    args = parser.parse_args()
    mode = "worker"
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "analytics_worker.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    turns = int(os.environ.get("BENCH_TURNS", "4000"))
    # The corpus repeats its texts; the second run makes every message new.
    for key, unique in ((mode, False), (f"{mode}_unique_texts", True)):
        stream_name = "unique" if unique else "corpus"
        if args.only and args.only != stream_name:
            continue
        profile = f"{args.profile}.{stream_name}" if args.profile else None
        figures = asyncio.run(bench_worker(turns, unique=unique, profile=profile))
        figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
        figures["at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        saved[key] = figures
        print(key, json.dumps(figures, indent=2))
    path.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()
