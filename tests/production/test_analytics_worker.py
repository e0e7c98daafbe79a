"""The production analytics pipeline for real: Rasa's pika broker -> RabbitMQ -> worker -> PostgreSQL.

The fault test stops and starts RabbitMQ's app (``rabbitmqctl stop_app`` /
``start_app``) and kills the worker with SIGKILL while Rasa's own
``PikaEventBroker`` publishes conversations through the project's tracker
store; afterwards the store holds exactly what Rasa sent: every event once.
Queue, exchange and database names are this test's own.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from common.paths import ROOT
from tests.app.analytics.support import APP_PYTHON, RASA_PYTHON, base_env
from tests.conftest import require_service, skip_or_fail

pytestmark = pytest.mark.services

PG = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@pytest.fixture
def names() -> Iterator[dict[str, str]]:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    suffix = secrets.token_hex(4)
    names = {"db": f"analytics_test_{suffix}", "queue": f"analytics_test_{suffix}",
             "exchange": f"analytics_test_{suffix}-exchange"}
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{names["db"]}"')
    yield names
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{names["db"]}" WITH (FORCE)')
    subprocess.run(["rabbitmqadmin", "delete", "queue", f"name={names['queue']}"], capture_output=True,
                   check=False)


def _worker(names: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [str(APP_PYTHON), "-m", "app.analytics", "worker", "--batch-size", "200"], cwd=ROOT,
        stdout=out, stderr=subprocess.STDOUT,
        env=base_env(ANALYTICS_DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{names['db']}",
                     ANALYTICS_AMQP_URL="amqp://guest:guest@127.0.0.1:5672/",
                     RABBITMQ_EVENTS_QUEUE=names["queue"], RABBITMQ_EXCHANGE=names["exchange"]))


def _publisher(names: dict[str, str], tracker_db: Path, conversations: int,
               pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - fixed argv
        [str(RASA_PYTHON), str(ROOT / "tests/bot/server/tracker_store_publisher.py"), str(tracker_db), "pika",
         str(conversations), names["queue"], str(pause)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=base_env())


def _counts(db: str) -> dict[str, int]:
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={db}") as conn:
        try:
            return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                    for table in ("processed_messages", "conversations", "turns", "feedback")} | {
                "conversation_turns": conn.execute("SELECT coalesce(sum(turns), 0) FROM conversations")
                .fetchone()[0]}
        except psycopg.errors.UndefinedTable:
            return {"processed_messages": 0}


def _wait_for(db: str, processed: int, timeout: float = 180) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    counts = _counts(db)
    while counts["processed_messages"] < processed and time.monotonic() < deadline:
        time.sleep(0.5)
        counts = _counts(db)
    time.sleep(2)  # anything extra (a duplicate) would show up now
    return _counts(db)


def _rabbitmqctl(*args: str) -> None:
    done = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_worker_survives_broker_and_worker_restarts(names: dict[str, str], tmp_path: Path) -> None:
    if shutil.which("rabbitmqctl") is None:
        skip_or_fail("rabbitmqctl is needed to stop and start RabbitMQ's app")
    conversations = 120
    worker = _worker(names, tmp_path / "worker.log")
    publisher = _publisher(names, tmp_path / "tracker.db", conversations, pause=0.15)
    try:
        _wait_for(names["db"], 50, timeout=240)  # events flow
        _rabbitmqctl("stop_app")
        time.sleep(3)
        _rabbitmqctl("start_app")
        _wait_for(names["db"], _counts(names["db"])["processed_messages"] + 100, timeout=120)
        os.kill(worker.pid, signal.SIGKILL)  # mid-stream, maybe mid-batch
        worker.wait(timeout=30)
        time.sleep(2)
        worker = _worker(names, tmp_path / "worker.log")
        out, err = publisher.communicate(timeout=900)
        assert publisher.returncode == 0, err[-3000:]
        sent = int(out.split()[-1])
        counts = _wait_for(names["db"], sent)
    finally:
        for process in (publisher, worker):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    assert counts == {"processed_messages": sent, "conversations": conversations,
                      "turns": 2 * conversations, "conversation_turns": 2 * conversations, "feedback": 0}
