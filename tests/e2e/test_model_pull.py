"""A running Rasa pulls a newly published model from the model server, without a failed turn;
an FAQ added in the console is recognised after a retraining.

Rasa (``python -m bot run``) is configured with ``models:`` pointing at the
project's model server (``python -m app.modelserver``), as the production
profile is; its first model comes from there too. While citizens keep
talking, another model is published; Rasa pulls it (ETag), loads it beside the
running one and swaps it in (bot/server/model_pull.py). Every turn of the
conversations running meanwhile is answered.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.launcher import MODEL, Stack, StackConfig
from app.modelserver.process import ModelServerProcess
from app.modelserver.store import ModelStore, file_sha256
from app.settings import load_settings
from app.training import TrainingJobs, pipeline
from app.training.jobs import JobStatus
from common.paths import ROOT
from tests.app.modelserver.support import repack
from tests.conftest import require_model
from tests.e2e.conftest import Chat, free_port, post_json, seed_kb

pytestmark = [pytest.mark.e2e, pytest.mark.model]

PULL_SECONDS = 2
SWAP_TIMEOUT = 600  # loading the model on a busy two-core machine
TRAINING_TIMEOUT = 3600  # validate, train (3 to 13 min on two cores), evaluate
APOLOGY = "ขออภัยค่ะ ขณะนี้ระบบขัดข้อง"
TURNS = ["ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ", "แล้วค่าธรรมเนียมเท่าไหร่คะ", "สวัสดีค่ะ"]


def endpoints_with_models(target: Path, model_server: str) -> Path:
    """endpoints.yml plus the ``models:`` section of the production profile."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    production = yaml.safe_load((ROOT / "endpoints.production.yml").read_text(encoding="utf-8"))
    models = dict(production["models"])
    assert models["url"] == "${MODEL_SERVER_URL}/models/current"
    models.update({"url": f"{model_server}/models/current", "wait_time_between_pulls": PULL_SECONDS})
    target.write_text(yaml.safe_dump({**endpoints, "models": models}, allow_unicode=True),
                      encoding="utf-8")
    return target


def model_file(stack: Stack) -> str:
    url = f"{stack.rasa_url}/status?token={stack.config.rasa_token}"
    with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 - loopback
        data: dict[str, Any] = json.loads(reply.read())
    return str(data["model_file"])


class Citizens:
    """Conversations that keep going in threads, recording every failed turn."""

    def __init__(self, stack: Stack, count: int) -> None:
        self.stack = stack
        self.failures: list[str] = []
        self.turns = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._talk, daemon=True) for _ in range(count)]

    def _talk(self) -> None:
        while not self._stop.is_set():
            sender = f"swap-{uuid.uuid4().hex}"
            for text in TURNS:
                status, messages = post_json(f"{self.stack.rasa_url}/webhooks/rest/webhook",
                                             {"sender": sender, "message": text})
                texts = " ".join(m.get("text", "") for m in messages or []) if status == 200 else ""
                with self._lock:
                    self.turns += 1
                    if status != 200 or not texts or APOLOGY in texts:
                        self.failures.append(f"{status} {text}: {messages}")

    def __enter__(self) -> Citizens:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(120)


@pytest.fixture
def pulling_stack(tmp_path: Path) -> Iterator[tuple[Stack, ModelStore]]:
    require_model(MODEL)
    store = ModelStore(tmp_path / "store")
    store.publish(MODEL)
    logs = ROOT / "test-artifacts" / "e2e-logs" / "model-pull"
    server = ModelServerProcess(store.directory, free_port(), logs / "model-server.log")
    server.start()
    kb_url = f"sqlite+aiosqlite:///{tmp_path / 'kb.sqlite3'}"
    seed_kb(kb_url)
    stack = Stack(StackConfig(
        rasa_port=free_port(), action_port=free_port(), web_port=None,
        tracker_db=tmp_path / "tracker.sqlite3", kb_database_url=kb_url, log_dir=logs,
        endpoints=endpoints_with_models(tmp_path / "endpoints.yml", server.url),
    ))
    try:
        stack.start(web=False, timeout=SWAP_TIMEOUT)
        yield stack, store
    finally:
        stack.stop()
        server.stop()


def test_a_running_rasa_pulls_a_new_model_without_a_failed_turn(
    pulling_stack: tuple[Stack, ModelStore], tmp_path: Path
) -> None:
    stack, store = pulling_stack
    assert model_file(stack) == "thai-assistant.tar.gz"  # the first model came from the server
    assert Chat(stack, "before").texts("สวัสดีค่ะ")

    new_name = "thai-assistant-retrained.tar.gz"
    with Citizens(stack, 4) as citizens:
        time.sleep(PULL_SECONDS)
        store.publish(repack(MODEL, tmp_path / new_name, mtime=int(time.time())))
        deadline = time.monotonic() + SWAP_TIMEOUT
        while model_file(stack) != new_name and time.monotonic() < deadline:
            time.sleep(0.5)
        swapped = model_file(stack)
        time.sleep(2 * PULL_SECONDS)  # and a few turns on the new model

    assert swapped == new_name
    assert citizens.failures == []
    assert citizens.turns > 0
    # The next pull finds nothing new (304): still the same model.
    time.sleep(2 * PULL_SECONDS)
    assert model_file(stack) == new_name


NEW_FAQ = {
    "key": "who_keeps_the_answers",
    "title": "ใครดูแลข้อมูลของผู้ช่วยตอบคำถามนี้",
    "question_variants": [
        "ใครเป็นคนดูแลข้อมูลในแชทบอทนี้",
        "ข้อมูลของผู้ช่วยนี้ใครอัปเดต",
        "แชทบอทนี้ใครดูแลข้อมูลคะ",
        "ใครอัปเดตข้อมูลในระบบนี้ครับ",
        "ข้อมูลในบอทนี้ใครเป็นคนดูแล",
        "ผู้ดูแลข้อมูลของแชทบอทคือใคร",
        "ใครแก้ไขข้อมูลของผู้ช่วยตอบคำถามนี้",
        "ข้อมูลในแชทนี้ใครเป็นผู้รับผิดชอบคะ",
        "คำตอบในแชทบอทใครเป็นคนเขียน",
        "ใครคอยอัปเดตคำตอบของบอทนี้",
    ],
    "answer": "ข้อมูลของผู้ช่วยนี้ดูแลโดยเจ้าหน้าที่ผ่านระบบคอนโซลค่ะ (คำถามทดสอบการฝึกโมเดลใหม่)",
    "source_agency": "กรมการปกครอง กระทรวงมหาดไทย",
    "source_title": "คำถามทดสอบของชุดทดสอบระบบ",
    "source_url": "https://www.dopa.go.th/",
}
NEW_FAQ_QUESTION = "ใครดูแลข้อมูลของแชทบอทนี้คะ"
# A new everyday name for a service, published like the FAQ: no file is edited.
NEW_ALIAS = "บัตรคนไทยรอบใหม่"
ALIAS_SERVICE = "id_card_renewal"


def publish_faq_and_alias(kb_url: str) -> None:
    from app.kb.db import Database
    from app.kb.models import ContentKind
    from app.kb.repositories import editing

    seeded = yaml.safe_load((ROOT / "data" / "kb" / "services" / f"{ALIAS_SERVICE}.yml")
                            .read_text(encoding="utf-8"))

    async def run() -> None:
        db = Database(kb_url)
        try:
            async with db.session() as session:
                editor = editing.Editor("console:e2e-retraining")
                draft = await editing.create_draft(session, ContentKind.FAQ, NEW_FAQ, editor)
                await editing.publish(session, draft.id, editor, "เพิ่มคำถามใหม่ทดสอบการฝึกโมเดล")
                service = await editing.create_draft(
                    session, ContentKind.SERVICE,
                    {"code": ALIAS_SERVICE, "aliases": [*seeded["aliases"], NEW_ALIAS]}, editor)
                await editing.publish(session, service.id, editor, "คำที่ประชาชนพิมพ์")
        finally:
            await db.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


def services_tagged(stack: Stack, text: str) -> list[str]:
    status, parsed = post_json(f"{stack.rasa_url}/model/parse?token={stack.config.rasa_token}",
                               {"text": text})
    assert status == 200, parsed
    return [e["value"] for e in parsed["entities"] if e["entity"] == "service"]


def test_an_faq_and_an_alias_added_in_the_console_are_recognised_after_retraining(
    pulling_stack: tuple[Stack, ModelStore], tmp_path: Path
) -> None:
    """The whole flow of issue 10: publish a new FAQ and a new alias, with no file
    edited, retrain (export, validate, train, evaluate, publish), and the running
    Rasa pulls the model, answers the new question and tags the new alias."""
    stack, store = pulling_stack
    kb_url = stack.config.kb_database_url
    assert kb_url is not None
    assert ALIAS_SERVICE not in services_tagged(stack, f"อยากทำ{NEW_ALIAS}")
    publish_faq_and_alias(kb_url)
    # The rule "not below the model in service" is tested in tests/app/training;
    # here the model in service is recorded as scoring nothing, and the floor is 0,
    # so this test is about delivery, whatever the accuracy of today's data.
    store.publish(MODEL, metrics={"intent_accuracy": 0.0,
                                  "test_file_sha256": file_sha256(pipeline.TEST_FILE)})
    settings = load_settings({"APP_ENV": "test", "KB_DATABASE_URL": kb_url,
                              "MODEL_STORE_DIR": str(store.directory)})
    jobs = TrainingJobs(settings, directory=tmp_path / "training", floor=0.0)
    job_id = jobs.start()
    seen: list[str] = []
    deadline = time.monotonic() + TRAINING_TIMEOUT
    while time.monotonic() < deadline:
        state = jobs.status(job_id)
        seen.append(state["status"])
        if JobStatus(state["status"]).final:
            break
        time.sleep(2)
    assert state["status"] == "published", state
    assert state["message"].startswith("เผยแพร่โมเดลใหม่แล้ว ความแม่นยำ ")
    assert {"validating", "training", "evaluating"} <= set(seen)
    assert 0 < state["metrics"]["intent_accuracy"] <= 1

    new_name = store.current().filename
    assert new_name == f"thai-assistant-{job_id}.tar.gz"
    with Citizens(stack, 4) as citizens:
        deadline = time.monotonic() + SWAP_TIMEOUT
        while model_file(stack) != new_name and time.monotonic() < deadline:
            time.sleep(0.5)
    assert model_file(stack) == new_name
    assert citizens.failures == []
    answer = Chat(stack, f"after-{uuid.uuid4().hex}").texts(NEW_FAQ_QUESTION)
    assert answer.startswith(NEW_FAQ["answer"]), answer
    assert ALIAS_SERVICE in services_tagged(stack, f"อยากทำ{NEW_ALIAS}")
