"""The production profile, for real: two Rasa replicas behind no sticky routing,
each with its own action server.

Both replicas share the PostgreSQL tracker store, the Redis lock store and the
Redis ledger of answered LINE events, and publish every event to RabbitMQ; the
knowledge base is on PostgreSQL too. LINE's Messaging API is a local stand-in
that records every call. The replicas pull their model from the project's
model server (``models:`` in endpoints.production.yml). Started once for the
whole package: Rasa takes a while to start on two cores.
"""
from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from app.launcher import MODEL, Stack, StackConfig
from app.modelserver.process import ModelServerProcess
from app.modelserver.store import ModelStore
from common.paths import ROOT
from tests.conftest import require_model, require_service
from tests.e2e.conftest import LINE_SECRET, LINE_TOKEN, LineStandIn, free_port, seed_kb
from tests.production.support import REDIS_DB, START_SECONDS, Production

PG = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _create_database(name: str) -> None:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_database(name: str) -> None:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="package")
def production() -> Iterator[Production]:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    require_service("RabbitMQ", "127.0.0.1", 5672)
    require_model(MODEL)
    suffix = secrets.token_hex(4)
    tracker_db, kb_db, queue = f"tracker_{suffix}", f"kb_{suffix}", f"rasa_events_{suffix}"
    _create_database(tracker_db)
    _create_database(kb_db)
    kb_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{kb_db}"
    seed_kb(kb_url)
    line_api = LineStandIn()
    # The replicas load their model from the model server (endpoints.production.yml).
    store_dir = ROOT / "var" / f"model-store-{suffix}"
    ModelStore(store_dir).publish(MODEL)
    model_server = ModelServerProcess(store_dir, free_port(), ROOT / "test-artifacts" /
                                      "production-logs" / "model-server.log")
    model_server.start()
    env = {
        "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": "5432", "TRACKER_DB_NAME": tracker_db,
        "TRACKER_DB_USER": "postgres", "TRACKER_DB_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_PASSWORD": "",
        "REDIS_LOCK_DB": str(REDIS_DB),
        "RABBITMQ_HOST": "127.0.0.1", "RABBITMQ_PORT": "5672", "RABBITMQ_USER": "guest",
        "RABBITMQ_PASSWORD": "guest", "RABBITMQ_EVENTS_QUEUE": queue, "APP_ENV": "production",
        "PSEUDONYM_KEY": secrets.token_hex(16),
        "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        "LINE_API_BASE_URL": line_api.url,
        "LINE_DEDUP_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "MODEL_SERVER_URL": model_server.url,
    }
    logs = ROOT / "test-artifacts" / "production-logs"
    replicas = []
    for index in range(2):
        config = StackConfig(
            # Each replica its own action server: every one keeps its own cache.
            rasa_port=free_port(), action_port=free_port(), web_port=None,
            endpoints=ROOT / "endpoints.production.yml", kb_database_url=kb_url,
            extra_env=env, log_dir=logs / f"replica-{index}",
        )
        replicas.append(Stack(config))
    try:
        for stack in replicas:
            stack.start_actions()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: s.start_rasa(timeout=START_SECONDS), replicas))
        yield Production(replicas, queue, line_api, ModelStore(store_dir))
    finally:
        for stack in replicas:
            stack.stop()
        model_server.stop()
        shutil.rmtree(store_dir, ignore_errors=True)
        line_api.server.shutdown()
        _drop_database(tracker_db)
        _drop_database(kb_db)
