"""The embedded default for real: tracker store + HttpEventBroker (Rasa env) -> ingest (app env) -> SQLite."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import urllib.request
from pathlib import Path

from common.paths import ROOT
from tests.app.analytics.support import RASA_PYTHON, base_env, free_port, ingest

RAW = ("1101700230708", "081-234-5678", "0812345678", "สมชาย", "ใจดี")


def _publish(tracker_db: Path, port: int, conversations: int) -> int:
    done = subprocess.run(
        [str(RASA_PYTHON), str(ROOT / "tests/bot/server/tracker_store_publisher.py"), str(tracker_db), "http",
         str(conversations)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env=base_env(ANALYTICS_INGEST_PORT=str(port)))
    assert done.returncode == 0, done.stderr[-3000:]
    return int(done.stdout.split()[-1])


def _dump(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [repr(connection.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables]  # noqa: S608
    return "\n".join(rows)


def test_events_reach_the_analytics_store_redacted(tmp_path: Path) -> None:
    db = tmp_path / "analytics.sqlite3"
    port = free_port()
    with ingest(f"sqlite+aiosqlite:///{db}", tmp_path / "ingest.log", port=port):
        published = _publish(tmp_path / "tracker.db", port, 3)
        with sqlite3.connect(db) as connection:
            processed = connection.execute("SELECT count(*) FROM processed_messages").fetchone()[0]
            turns = connection.execute("SELECT channel, intent, outcome, text FROM turns ORDER BY at").fetchall()
            conversations = connection.execute("SELECT count(*), sum(turns) FROM conversations").fetchone()
    assert processed == published
    assert conversations == (3, 6)
    assert turns[0] == ("line", "ask_documents", "answered",
                        "ผมนาย<ชื่อ> เลขบัตร <เลขบัตรประชาชน> เบอร์ <เบอร์โทร> ทำบัตรใหม่ต้องใช้อะไรบ้าง")
    stored = _dump(db) + (tmp_path / "ingest.log").read_text()
    for raw in RAW:
        assert raw not in stored


def test_events_wait_in_memory_while_the_ingest_is_down(tmp_path: Path) -> None:
    """The broker starts before the ingest: nothing is lost, nothing written to disk meanwhile."""
    db = tmp_path / "analytics.sqlite3"
    port = free_port()
    publisher = subprocess.Popen(  # noqa: S603
        [str(RASA_PYTHON), str(ROOT / "tests/bot/server/tracker_store_publisher.py"), str(tmp_path / "tracker.db"),
         "http", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=base_env(ANALYTICS_INGEST_PORT=str(port)))
    try:
        # Let the publisher save its conversations against a closed port first.
        import time
        time.sleep(25)
        with ingest(f"sqlite+aiosqlite:///{db}", tmp_path / "ingest.log", port=port):
            out, err = publisher.communicate(timeout=300)
            assert publisher.returncode == 0, err[-3000:]
            with sqlite3.connect(db) as connection:
                processed = connection.execute("SELECT count(*) FROM processed_messages").fetchone()[0]
    finally:
        if publisher.poll() is None:
            publisher.kill()
    assert processed == int(out.split()[-1])


def test_bad_requests_get_a_400_with_a_reason(tmp_path: Path) -> None:
    with ingest(f"sqlite+aiosqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "ingest.log",
                ANALYTICS_INGEST_TOKEN="secret-token") as url:
        for body, headers, expected in (
            (b"{}", {"Authorization": "Bearer nope"}, (401, "unauthorised")),
            (b"{not json", {"Authorization": "Bearer secret-token"}, (400, "invalid_json")),
            (b'{"events": [1]}', {"Authorization": "Bearer secret-token"}, (400, "invalid_request")),
        ):
            request = urllib.request.Request(f"{url}/events", data=body, headers=headers, method="POST")
            try:
                urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
                raise AssertionError("expected an error")
            except urllib.error.HTTPError as error:
                assert (error.code, json.loads(error.read())["error"]) == expected
