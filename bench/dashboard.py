"""Every dashboard view on 1,000,000 seeded turns in PostgreSQL: p95 per view.

Run: ``.venv/app/bin/python -m bench.dashboard`` (PostgreSQL on 127.0.0.1:5432).
Seeds database ``analytics_dashboard_bench`` (``DASHBOARD_BENCH_DB``) once (COPY; ``--reseed`` to start again):
1,000,000 turns in about 250,000 conversations over the last 365 days, with
feedback on about one conversation in five and a handoff request in one in
fifty; channels, provinces, services, intents, outcomes and latencies drawn
with fixed weights from a fixed seed, so every run sees the same data.

Then times each view through the real repository functions (app.analytics.
queries and .unanswered), ``--repeat`` times per case, for the filters the
page really sends: the page's default (the last 30 days, whole country), one
province's officer on the same 30 days, one channel and service, and the whole
year. Rounds, in one run: the views reading ``turns`` with only the
contract's indexes (the code before the summaries, ``use_rollups=False``),
optionally the same with the dashboard's covering indexes (DASHBOARD_INDEXES
below, ``--with-indexes``), then the views as they run (the summaries where
they answer: ``rollup_conversation_cube`` and ``rollup_conversation_hours``
for distinct conversations, the cubes ``rollup_turn_cube``,
``rollup_intent_cube`` and ``rollup_latency_cube`` for sums and latency
percentiles); printed with the 300 ms target. The summaries are rebuilt
after seeding with the app's own ``rollups.rebuild``.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.analytics import queries, rollups
from app.analytics.models import AnalyticsBase
from app.analytics.queries import Filter, Scope
from app.analytics.unanswered import unanswered_groups
from common.paths import GEO, ROOT

# Another name (DASHBOARD_BENCH_DB) lets sessions sharing one PostgreSQL keep their own copy.
DB = os.environ.get("DASHBOARD_BENCH_DB", "analytics_dashboard_bench")
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
DSN = f"host=127.0.0.1 port=5432 user=postgres dbname={DB}"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}"
RESULTS = ROOT / "bench" / "results" / "dashboard.json"
TARGET_MS = 300.0
TURNS = 1_000_000
DAYS = 365

# Indexes the dashboard's filters use, in the form helper analytics can adopt
# as Index(...) entries on its models (postgresql_include=...): every view
# filters turns on a time range, a province officer (the only scope) adds a
# province. INCLUDE carries the columns the views count, so PostgreSQL answers
# from the index alone (an index-only scan) without reading the texts.
COVERED = "channel, province_code, service_code, outcome, conversation_id, latency_ms, intent, confidence, model_version"
DASHBOARD_INDEXES = {
    "ix_turns_at_dashboard": f"CREATE INDEX IF NOT EXISTS ix_turns_at_dashboard ON turns (at) INCLUDE ({COVERED})",
    "ix_turns_province_at_dashboard": (
        "CREATE INDEX IF NOT EXISTS ix_turns_province_at_dashboard ON turns (province_code, at) "
        f"INCLUDE ({COVERED})"
    ),
    "ix_feedback_at": "CREATE INDEX IF NOT EXISTS ix_feedback_at ON feedback (at)",
}

CHANNELS = [("line", 55), ("socketio", 25), ("web", 10), ("rest", 9), ("unknown", 1)]
OUTCOMES = [("answered", 72), ("asked_back", 13), ("fallback", 13), ("handoff", 2)]
SERVICES = ["id_card_renewal", "passport", "driving_licence_renewal", "house_registration",
            "birth_registration", "marriage_registration", "business_registration", "land_transfer",
            "elderly_allowance", "disability_card", "social_security", "tax_filing",
            "vehicle_tax", "name_change", "death_registration", "gun_licence", "liquor_licence",
            "building_permit", "child_subsidy", "welfare_card"]
INTENTS = ["service_documents", "service_fee", "office_search", "office_hours", "service_steps",
           "greet", "thank", "inform", "faq", "service_eligibility", "service_deadline",
           "nlu_fallback", "human_handoff", "affirm", "deny", "goodbye", "out_of_scope"]
HOUR_WEIGHTS = [1] * 6 + [3, 6, 10, 12, 12, 10, 8, 11, 12, 11, 9, 7, 6, 5, 4, 3, 2, 1]
MODELS = ["2026.09.1", "2026.10.1", "2026.11.1", "2026.12.1"]
# Wordings of questions the assistant could not answer (redacted as stored).
UNANSWERED = [
    "ขอใบอนุญาตขายสุราได้ที่ไหน", "ใบอนุญาตขายสุราต้องทำที่ไหนคะ", "ขอใบอนุญาตขายสุรา ต้องใช้เอกสารอะไร",
    "ค่าธรรมเนียมโอนที่ดินเท่าไหร่", "โอนที่ดินเสียค่าธรรมเนียมเท่าไร", "ค่าโอนที่ดินกี่บาท",
    "ขอเลขที่บ้านใหม่ทำยังไง", "บ้านสร้างใหม่ขอเลขที่บ้านที่ไหน", "ขอเบี้ยคนพิการย้อนหลังได้ไหม",
    "เบี้ยความพิการเข้าวันไหน", "ติดต่อ <ชื่อ> ที่เบอร์ <เบอร์โทร>", "ทำใบอนุญาตพกพาอาวุธปืนต้องทำอย่างไร",
    "ขอหนังสือรับรองความประพฤติได้ที่ไหน", "ลงทะเบียนคนจนรอบใหม่เมื่อไหร่", "บัตรสวัสดิการแห่งรัฐลงทะเบียนยังไง",
    "แจ้งย้ายออนไลน์ได้ไหม", "ย้ายทะเบียนบ้านออนไลน์ทำยังไง", "ขอคัดสำเนาทะเบียนบ้านกี่บาท",
]
ANSWERED = ["ต่อบัตรประชาชนใช้เอกสารอะไรบ้าง", "ทำพาสปอร์ตที่ไหน", "สำนักงานเขตเปิดกี่โมง",
            "ค่าธรรมเนียมต่อใบขับขี่เท่าไหร่", "ขอบคุณค่ะ", "สวัสดีครับ"]


def _provinces() -> list[tuple[str | None, int]]:
    with (GEO / "provinces.csv").open(encoding="utf-8") as handle:
        codes = sorted(row["CODE"] for row in csv.DictReader(handle))
    # Bangkok and a few large provinces get more, and one turn in ten has no province yet.
    weights = [40 if c == "10" else 8 if c in {"50", "30", "40", "90", "20"} else 2 for c in codes]
    return [(None, 40), *zip(codes, weights, strict=True)]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def seed(turns: int, now: datetime) -> None:
    """Write the bench data with COPY (about 1 minute per million turns)."""
    rng = random.Random(20261207)
    provinces = _provinces()
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    engine = create_engine(URL)
    AnalyticsBase.metadata.create_all(engine)
    engine.dispose()
    start = now - timedelta(days=DAYS)
    written = conversation = 0
    feedback_rows: list[tuple[Any, ...]] = []
    handoff_rows: list[tuple[Any, ...]] = []
    conversation_rows: list[tuple[Any, ...]] = []
    with psycopg.connect(DSN) as conn, conn.cursor() as cur:
        # Turns stream in before their conversations: the foreign key is checked
        # once at the end instead of per row, as a bulk load does.
        foreign_keys = cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'turns'::regclass AND contype = 'f'"
        ).fetchall()
        for name, _ in foreign_keys:
            cur.execute(f'ALTER TABLE turns DROP CONSTRAINT "{name}"')
        # One COPY at a time on a connection: turns stream, the rest is kept and follows.
        with cur.copy("COPY turns (id, conversation_id, at, text, intent, confidence, "
                      "entities, service_code, office_code, province_code, channel, action, "
                      "outcome, latency_ms, model_version) FROM STDIN") as turn_copy:
            while written < turns:
                conversation += 1
                cid = f"c{conversation:08d}"
                channel = _pick(rng, CHANNELS)
                province = _pick(rng, provinces)
                # Busier in office hours, as a citizen service is.
                day = start + timedelta(days=rng.random() * DAYS)
                hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
                begin = day.replace(hour=hour, minute=rng.randrange(60)) - timedelta(hours=7)
                model = MODELS[min(3, int((begin - start).days / DAYS * 4))]
                n = min(turns - written, rng.choice([1, 2, 3, 4, 4, 5, 6, 7]))
                service = rng.choice(SERVICES) if rng.random() < 0.7 else None
                at = begin
                for i in range(n):
                    outcome = _pick(rng, OUTCOMES)
                    failed = outcome in ("fallback", "asked_back")
                    text = rng.choice(UNANSWERED) if failed else rng.choice(ANSWERED)
                    intent = "nlu_fallback" if outcome == "fallback" else rng.choice(INTENTS)
                    turn_copy.write_row((
                        f"{cid}:{i}", cid, at, text, intent, round(rng.random(), 3), "[]",
                        service if not failed else None, None, province, channel, "action_x",
                        outcome, round(rng.lognormvariate(5.5, 0.6), 1), model,
                    ))
                    at += timedelta(seconds=rng.randrange(5, 90))
                written += n
                conversation_rows.append((cid, f"k{cid}", channel, province, begin, at, n, model))
                if rng.random() < 0.2:
                    feedback_rows.append((cid, None, at, rng.choice([1, 1, 1, -1]), service, province, channel))
                if rng.random() < 0.02:
                    handoff_rows.append((cid, at, "asked"))
        with cur.copy("COPY conversations (id, citizen_key, channel, province_code, started_at, "
                      "ended_at, turns, model_version) FROM STDIN") as copy:
            for row in conversation_rows:
                copy.write_row(row)
        with cur.copy("COPY feedback (conversation_id, turn_id, at, rating, service_code, "
                      "province_code, channel) FROM STDIN") as copy:
            for row in feedback_rows:
                copy.write_row(row)
        with cur.copy("COPY handoffs (conversation_id, at, reason) FROM STDIN") as copy:
            for row in handoff_rows:
                copy.write_row(row)
        for name, definition in foreign_keys:
            cur.execute(f'ALTER TABLE turns ADD CONSTRAINT "{name}" {definition}')
        conn.commit()
    print(f"seeded {written:,} turns, {conversation:,} conversations, "
          f"{len(feedback_rows):,} thumbs, {len(handoff_rows):,} handoffs")


async def rebuild_summary() -> dict[str, int]:
    engine = create_async_engine(URL)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            return await rollups.rebuild(session)
    finally:
        await engine.dispose()


SUMMARIES = tuple(table.name for table in rollups.SUMMARIES)


def _summary_rows() -> dict[str, int]:
    """Rows of each summary table (0 for one not created yet)."""
    found = {}
    with psycopg.connect(DSN, autocommit=True) as conn:
        for table in SUMMARIES:
            try:
                found[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            except psycopg.errors.UndefinedTable:
                found[table] = 0
    return found


def _seeded() -> int:
    try:
        with psycopg.connect(DSN) as conn:
            return conn.execute("SELECT count(*) FROM turns").fetchone()[0]  # type: ignore[index]
    except psycopg.OperationalError:
        return 0


def _maintain(with_indexes: bool) -> None:
    with psycopg.connect(DSN, autocommit=True) as conn:
        for name, sql in DASHBOARD_INDEXES.items():
            conn.execute(sql if with_indexes else f"DROP INDEX IF EXISTS {name}")
        # Fresh statistics and a visibility map, as autovacuum leaves a live table.
        conn.execute("VACUUM ANALYZE turns")
        conn.execute("VACUUM ANALYZE feedback")
        conn.execute("VACUUM ANALYZE conversations")
        conn.execute("VACUUM ANALYZE handoffs")
        for table in SUMMARIES:
            conn.execute(f"VACUUM ANALYZE {table}")


View = Callable[[AsyncSession, Filter, Scope], Awaitable[Any]]
VIEWS: dict[str, View] = {
    "volume": queries.volume,
    "volume-hour": lambda s, f, sc, **kw: queries.volume(s, f, sc, bucket="hour", **kw),
    "channels": queries.volume_by_channel,
    "provinces": queries.volume_by_province,
    "services": queries.volume_by_service,
    "intents": queries.top_intents,
    "outcomes": queries.outcomes,
    "containment": queries.containment,
    "satisfaction-services": queries.satisfaction_by_service,
    "satisfaction-provinces": queries.satisfaction_by_province,
    "busiest-hours": queries.busiest_hours,
    "latency": queries.latency,
    "models": queries.quality_by_model,
    "unanswered": unanswered_groups,
}
# The views that read the summary table where it answers (the others read turns and feedback).
SUMMARISED = {"volume", "volume-hour", "channels", "provinces", "services", "intents", "outcomes",
              "containment", "busiest-hours", "latency", "models"}


def _view(name: str, use_rollups: bool) -> View:
    view = VIEWS[name]
    if name not in SUMMARISED:
        return view
    return lambda s, f, sc: view(s, f, sc, use_rollups=use_rollups)  # type: ignore[call-arg]


def cases(today: date) -> dict[str, tuple[Filter, Scope]]:
    month = Filter.for_dates(today - timedelta(days=29), today)
    return {
        "30 days, country": (month, Scope.country()),
        "30 days, province 50": (month, Scope("50")),
        "30 days, LINE + one service": (
            Filter.for_dates(today - timedelta(days=29), today, channel="line", service_code="passport"),
            Scope.country(),
        ),
        "365 days, country": (Filter.for_dates(today - timedelta(days=DAYS), today), Scope.country()),
        # Two of the cube's dimensions at once: no cuboid keeps both.
        "365 days, province 50": (Filter.for_dates(today - timedelta(days=DAYS), today), Scope("50")),
        "365 days, LINE + one service": (
            Filter.for_dates(today - timedelta(days=DAYS), today, channel="line", service_code="passport"),
            Scope.country(),
        ),
    }


async def measure(repeat: int, today: date, use_rollups: bool) -> dict[str, dict[str, float]]:
    engine = create_async_engine(URL, pool_size=2)
    sessions = async_sessionmaker(engine)
    figures: dict[str, dict[str, float]] = {}
    try:
        for case, (filters, scope) in cases(today).items():
            for name in VIEWS:
                view = _view(name, use_rollups)
                times = []
                for i in range(repeat + 1):
                    async with sessions() as session:
                        begin = time.perf_counter()
                        await view(session, filters, scope)
                        elapsed = (time.perf_counter() - begin) * 1000
                    if i:  # the first run warms the cache and the connection
                        times.append(elapsed)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                figures[f"{case} | {name}"] = {"p50": statistics.median(times), "p95": p95}
    finally:
        await engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--turns", type=int, default=TURNS)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true", help="only the views as they run")
    parser.add_argument("--with-indexes", action="store_true",
                        help="also time turns with the dashboard's covering indexes")
    args = parser.parse_args()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    if args.reseed or _seeded() != args.turns:
        began = time.perf_counter()
        seed(args.turns, now)
        print(f"seeding took {time.perf_counter() - began:.0f} s")
    if not all(_summary_rows().values()):
        began = time.perf_counter()
        engine = create_engine(URL)
        AnalyticsBase.metadata.create_all(engine)  # a database seeded before a summary existed
        engine.dispose()
        print(f"summaries rebuilt: {asyncio.run(rebuild_summary())} rows "
              f"in {time.perf_counter() - began:.0f} s")
    today = (now + timedelta(hours=7)).date()
    results: dict[str, Any] = {"turns": _seeded(), "target_ms": TARGET_MS, "repeat": args.repeat}
    results["summary_rows"] = _summary_rows()
    rounds = [("summary table", False, True)]
    if args.with_indexes:
        rounds.insert(0, ("turns, dashboard indexes", True, False))
    if not args.skip_baseline:
        rounds.insert(0, ("turns, contract indexes", False, False))
    for label, with_indexes, use_rollups in rounds:
        _maintain(with_indexes)
        results[label] = asyncio.run(measure(args.repeat, today, use_rollups))
    print(f"\n{results['turns']:,} turns; p95 in ms over {args.repeat} runs; target {TARGET_MS:.0f} ms")
    labels = [label for label, *_ in rounds]
    print(f"{'case | view':58} " + " ".join(f"{label:>24}" for label in labels))
    worst = 0.0
    for key in results[labels[-1]]:
        values = [results[label][key]["p95"] for label in labels]
        worst = max(worst, values[-1])
        flag = "" if values[-1] <= TARGET_MS else "  over target"
        print(f"{key:58} " + " ".join(f"{v:24.1f}" for v in values) + flag)
    print(f"worst p95 of {labels[-1]}: {worst:.1f} ms "
          f"({'meets' if worst <= TARGET_MS else 'misses'} the {TARGET_MS:.0f} ms target)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
