"""End to end over REST: a conversation with an ID number, a phone number and a name.

The whole embedded default runs (action server, Rasa with the project's
tracker store and event broker, the analytics ingest); afterwards the raw
values are in no database, no log file and no file under var/ - and the
conversation is in the analytics store within seconds.
"""
from __future__ import annotations

import json
import sqlite3
import time
import uuid
from pathlib import Path

import pytest

from common.paths import ROOT, VAR
from tests.app.analytics.support import PSEUDONYM_KEY, free_port, ingest
from tests.e2e.conftest import Chat, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ID_NUMBER, ID_AS_TYPED = "1101700230708", "1-1017-00230-70-8"
PHONE, PHONE_AS_TYPED = "0891234567", "089-123-4567"
FIRST, LAST = "มาลี", "ศรีสุข"
MESSAGES = (
    f"สวัสดีค่ะ ดิฉันชื่อนางสาว{FIRST} {LAST} เลขบัตร {ID_AS_TYPED} เบอร์ {PHONE_AS_TYPED} ทำพาสปอร์ตใช้อะไรบ้าง",
    f"ติดต่อกลับที่ {PHONE} นะคะ คุณ{FIRST} {LAST} ค่ะ",
    "แล้วค่าธรรมเนียมเท่าไหร่คะ",
)
NEEDLES = (ID_NUMBER, ID_AS_TYPED, PHONE, PHONE_AS_TYPED, f"{FIRST} {LAST}", LAST)


def _forms(needle: str) -> list[bytes]:
    """The needle as UTF-8, and as JSON writes Thai (\\u0e..), which Rasa uses for events."""
    return [needle.encode(), json.dumps(needle)[1:-1].encode()]


def _sqlite_text(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        cells = [str(cell) for t in tables
                 for row in connection.execute(f'SELECT * FROM "{t}"')  # noqa: S608
                 for cell in row]
    decoded = []
    for cell in cells:
        try:
            decoded.append(json.dumps(json.loads(cell), ensure_ascii=False))
        except ValueError:
            decoded.append(cell)
    return "\n".join(decoded)


def test_no_raw_value_anywhere_after_a_conversation(tmp_path: Path) -> None:
    started = time.time()
    port = free_port()
    analytics_db = tmp_path / "analytics.sqlite3"
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    env = {"ANALYTICS_INGEST_PORT": str(port), "PSEUDONYM_KEY": PSEUDONYM_KEY}
    with ingest(f"sqlite+aiosqlite:///{analytics_db}", log_dir / "ingest.log", port=port), \
            running_stack(tmp_path, log_dir, extra_env=env) as stack:
        chat = Chat(stack, f"e2e-{uuid.uuid4().hex}")
        replies = [chat.send(message) for message in MESSAGES]
        assert replies[0][0]["text"].startswith("เพื่อความปลอดภัย กรุณาอย่าส่งเลขบัตรประชาชนหรือเบอร์โทรในแชทนะคะ")
        deadline = time.monotonic() + 30
        turns = 0
        while time.monotonic() < deadline and turns < len(MESSAGES):
            time.sleep(0.5)
            with sqlite3.connect(analytics_db) as connection:
                turns = connection.execute("SELECT count(*) FROM turns").fetchone()[0]
        with sqlite3.connect(analytics_db) as connection:
            texts = [r[0] for r in connection.execute("SELECT text FROM turns ORDER BY at")]
        assert turns >= len(MESSAGES), texts  # within seconds of the conversation
        assert texts[0] == ("สวัสดีค่ะ ดิฉันชื่อนางสาว<ชื่อ> เลขบัตร <เลขบัตรประชาชน> เบอร์ <เบอร์โทร> "
                            "ทำพาสปอร์ตใช้อะไรบ้าง")
    databases = [p for p in tmp_path.rglob("*.sqlite3*") if p.is_file()]
    assert {p.name for p in databases} >= {"tracker.sqlite3", "analytics.sqlite3", "kb.sqlite3"}
    searched: dict[Path, bytes] = {}
    for path in databases:
        searched[path] = path.read_bytes()
        if path.suffix == ".sqlite3":
            searched[path] += _sqlite_text(path).encode()
    for path in log_dir.rglob("*"):
        if path.is_file():
            searched[path] = path.read_bytes()
    for path in VAR.rglob("*") if VAR.exists() else []:
        if path.is_file() and path.stat().st_mtime >= started:
            searched[path] = path.read_bytes()
    assert any(p.name == "rasa.log" for p in searched)
    found = [(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name), needle)
             for path, content in searched.items() for needle in NEEDLES
             if any(form in content for form in _forms(needle))]
    assert found == []
