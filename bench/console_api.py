"""Staff console API: p95 of listing and editing with all 1,082 offices, and a CSV dry run.

Runs the real app (``app.console.app.create_app``) over HTTP on a freshly
seeded knowledge base, on the embedded default (SQLite) and on PostgreSQL
(database ``console_api_bench``, dropped and re-created). The baseline of the
same run is ``GET /api/session``: the cost of a signed-in request that reads
no content (session lookup, guard, JSON). Issue 10's targets: listing and
editing p95 <= 100 ms; a dry run of all offices <= 5 s.

    .venv/app/bin/python -m bench.console_api [--requests 200] [--no-postgres]

Figures go to bench/results/console_api.json and are printed as a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
import pyotp
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from app.console.app import create_app
from app.console.auth import CSRF_HEADER, hash_password
from app.kb.db import Database
from app.kb.repositories import accounts
from app.kb.seed import run_seed
from app.settings import load_settings
from common.paths import GEO, KB_DATA, ROOT

RESULTS = ROOT / "bench" / "results"
PG_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
PG_NAME = "console_api_bench"
PASSWORD = "benchmark password 123"
SECRET = pyotp.random_base32()
PROVINCE = "50"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def summary(samples: list[float]) -> dict[str, float]:
    return {"n": len(samples), "p50_ms": round(statistics.median(samples) * 1000, 1),
            "p95_ms": round(p95(samples) * 1000, 1), "max_ms": round(max(samples) * 1000, 1)}


async def prepare(url: str) -> None:
    db = Database(url)
    try:
        await run_seed(db, KB_DATA, GEO)
        digest = hash_password(PASSWORD)
        async with db.session() as session:
            await accounts.create_account(session, username="bench.admin", password_hash=digest,
                                          role="admin", totp_secret=SECRET)
            await accounts.create_account(session, username="bench.cm", password_hash=digest,
                                          role="province_officer", province_code=PROVINCE)
    finally:
        await db.dispose()


async def login(http: ClientSession, base: str, username: str, totp: bool) -> dict[str, str]:
    body: dict[str, Any] = {"username": username, "password": PASSWORD}
    if totp:
        body["totp"] = pyotp.TOTP(SECRET).now()
    async with http.post(f"{base}/api/session", json=body) as response:
        assert response.status == 200, await response.text()
        payload = await response.json()
        cookie = response.cookies["console_session"].value
    return {"Cookie": f"console_session={cookie}", CSRF_HEADER: payload["csrf_token"]}


async def timed(http: ClientSession, method: str, url: str, headers: dict[str, str],
                expect: int, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    async with http.request(method, url, headers=headers, **kwargs) as response:
        body = await response.read()
        elapsed = time.perf_counter() - start
        assert response.status == expect, (method, url, response.status, body[:300])
    return elapsed, json.loads(body) if body and response.content_type == "application/json" else body


async def measure(url: str, requests: int) -> dict[str, Any]:
    await prepare(url)
    settings = load_settings({"APP_ENV": "test", "KB_DATABASE_URL": url,
                              "CONSOLE_PUBLISH_INTERVAL_SECONDS": "0", "CONSOLE_LOGIN_RATE": "1000"})
    server = TestServer(create_app(settings))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    rng = random.Random(7)
    try:
        async with ClientSession() as http:
            admin = await login(http, base, "bench.admin", totp=True)
            officer = await login(http, base, "bench.cm", totp=False)
            _, listing = await timed(http, "GET", f"{base}/api/offices?limit=1", admin, 200)
            assert listing["total"] == 1082, listing["total"]
            _, own = await timed(http, "GET", f"{base}/api/offices?limit=100", officer, 200)
            codes = [o["code"] for o in own["items"]]
            figures: dict[str, list[float]] = {k: [] for k in (
                "baseline GET /api/session", "list all offices (page of 50)",
                "list own province (q search)", "get one office", "edit: create draft",
                "edit: update draft", "edit: publish")}
            for i in range(requests):
                figures["baseline GET /api/session"].append(
                    (await timed(http, "GET", f"{base}/api/session", admin, 200))[0])
                offset = rng.randrange(0, 1082 - 50)
                figures["list all offices (page of 50)"].append((await timed(
                    http, "GET", f"{base}/api/offices?limit=50&offset={offset}", admin, 200))[0])
                figures["list own province (q search)"].append((await timed(
                    http, "GET", f"{base}/api/offices?q=อำเภอ", officer, 200))[0])
                code = codes[i % len(codes)]
                elapsed, office = await timed(http, "GET", f"{base}/api/offices/{code}", officer, 200)
                figures["get one office"].append(elapsed)
                phone = f"053-{100 + i % 800:03d}-{i % 1000:03d}"
                elapsed, draft = await timed(
                    http, "POST", f"{base}/api/drafts", officer, 201,
                    json={"kind": "office", "key": code, "base_version": office["version"],
                          "data": {"phone": phone}})
                figures["edit: create draft"].append(elapsed)
                hours = [[d, "08:30", "16:30"] for d in range(5)]
                figures["edit: update draft"].append((await timed(
                    http, "PUT", f"{base}/api/drafts/{draft['id']}", officer, 200,
                    json={"data": {"hours": hours}}))[0])
                figures["edit: publish"].append((await timed(
                    http, "POST", f"{base}/api/drafts/{draft['id']}/publish", officer, 200,
                    json={"reason": "benchmark"}))[0])
            elapsed, csv_text = await timed(http, "GET", f"{base}/api/offices.csv", admin, 200)
            rows = csv_text.count(b"\r\n") - 1
            dry_runs = []
            for _ in range(3):
                elapsed, report = await timed(
                    http, "POST", f"{base}/api/import/offices?dry_run=true",
                    {**admin, "Content-Type": "text/csv"}, 200, data=csv_text)
                assert report["valid"] == 1082 and report["written"] == 0, report["invalid"]
                dry_runs.append(elapsed)
            # A dry run where every row changes (each is validated in full, location included).
            changed = csv_text.replace(b",08:30-", b",08:00-").replace(b" 08:30-", b" 08:00-")
            elapsed, report = await timed(
                http, "POST", f"{base}/api/import/offices?dry_run=true",
                {**admin, "Content-Type": "text/csv"}, 200, data=changed)
            updates = sum(r["action"] == "update" for r in report["rows"])
    finally:
        await server.close()
    result: dict[str, Any] = {name: summary(samples) for name, samples in figures.items()}
    result["csv export rows"] = rows
    result["csv dry run, all offices unchanged (s)"] = round(min(dry_runs), 2)
    result["csv dry run, all offices changed (s)"] = round(elapsed, 2)
    result["csv dry run rows changed"] = updates
    return result


def _pg(sql: str) -> None:
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "requests": args.requests}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'kb.sqlite3'}"
        results["sqlite"] = asyncio.run(measure(url, args.requests))
    if not args.no_postgres:
        _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        _pg(f'CREATE DATABASE "{PG_NAME}"')
        try:
            results["postgresql"] = asyncio.run(
                measure(f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_NAME}", args.requests))
        finally:
            _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "console_api.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    for backend in ("sqlite", "postgresql"):
        if backend not in results:
            continue
        print(f"\n{backend}")
        for name, value in results[backend].items():
            if isinstance(value, dict):
                print(f"  {name:36s} p50 {value['p50_ms']:7.1f} ms  p95 {value['p95_ms']:7.1f} ms"
                      f"  max {value['max_ms']:7.1f} ms")
            else:
                print(f"  {name:36s} {value}")


if __name__ == "__main__":
    main()
