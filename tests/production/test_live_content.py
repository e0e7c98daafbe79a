"""Published content reaches the assistant on every replica within 5 s, no restart;
a published model reaches both replicas, which end on the same model.

Both Rasa replicas of the production profile, each with its own action server
and so its own cache, answer from the PostgreSQL knowledge base. An edit is
published the way the console publishes it (``editing.publish``), and both
replicas are asked over REST until they give the new answer.
"""
from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.kb.db import Database
from app.launcher import MODEL, Stack
from app.kb.models import ContentKind
from app.kb.repositories import editing
from tests.app.modelserver.support import repack
from tests.e2e.conftest import Chat
from tests.production.support import Production

pytestmark = [pytest.mark.services, pytest.mark.e2e, pytest.mark.model]

# The requirement (issue 10): the new answer within 5 seconds of publication.
WITHIN_SECONDS = 5.0
OFFICE = "district_office:3001"  # ที่ว่าการอำเภอเมืองนครราชสีมา
OFFICE_QUESTION = "อำเภอเมืองนครราชสีมาเปิดกี่โมงคะ"
FAQ_QUESTION = "ThaID คืออะไรคะ"
# A pull every 10 s (endpoints.production.yml), then loading beside the running
# model on a busy two-core machine.
MODEL_SWAP_SECONDS = 600


def publish(url: str, kind: ContentKind, data: dict[str, Any]) -> None:
    """Publish ``data`` as the console does: a draft, then publication with a reason."""

    async def run() -> None:
        db = Database(url)
        try:
            async with db.session() as session:
                editor = editing.Editor("console:test-live-content")
                draft = await editing.create_draft(session, kind, data, editor)
                await editing.publish(session, draft.id, editor, "ทดสอบการเผยแพร่ทันที")
        finally:
            await db.dispose()

    # A loop of its own: the browser tests' Playwright may keep one running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


def ask(production: Production, question: str) -> list[str]:
    """Each replica's answer to ``question``, each from a new conversation."""
    return [Chat(r, f"citizen-{uuid.uuid4().hex}").texts(question) for r in production.replicas]


def wait_for_everywhere(production: Production, question: str, expected: str) -> float:
    """Seconds until every replica's answer contains ``expected`` (fails after the limit)."""
    start = time.monotonic()
    answers: list[str] = []
    while time.monotonic() - start < WITHIN_SECONDS:
        answers = ask(production, question)
        if all(expected in a for a in answers):
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"not every replica said {expected!r} within {WITHIN_SECONDS} s: {answers}")


def test_published_office_phone_and_hours_are_answered_by_both_replicas(
    production: Production,
) -> None:
    before = ask(production, OFFICE_QUESTION)  # both action servers now hold the office cached
    assert all("1. ที่ว่าการอำเภอเมืองนครราชสีมา" in a for a in before), before
    phone = f"0 4400 {uuid.uuid4().int % 10_000:04d}"
    assert not any(phone in a for a in before)
    url = production.replicas[0].config.kb_database_url
    assert url is not None
    publish(url, ContentKind.OFFICE, {
        "code": OFFICE, "phone": phone,
        "hours": [[day, "08:00", "16:00"] for day in range(5)] + [[5, "09:00", "12:00"]],
    })
    wait_for_everywhere(production, OFFICE_QUESTION, f"โทร {phone}")
    after = ask(production, OFFICE_QUESTION)
    assert all("เวลาทำการ: จันทร์–ศุกร์ 08:00–16:00 น.; เสาร์ 09:00–12:00 น." in a for a in after), after


def test_published_faq_answer_is_answered_by_both_replicas(production: Production) -> None:
    before = ask(production, FAQ_QUESTION)
    assert all(a.startswith("ThaID (ไทยดี) คือแอปพลิเคชันยืนยันตัวตนทางดิจิทัลของกรมการปกครองค่ะ")
               for a in before), before
    marker = f"ฉบับปรับปรุง {uuid.uuid4().hex[:6]}"
    answer = f"ThaID (ไทยดี) คือแอปยืนยันตัวตนทางดิจิทัลของกรมการปกครองค่ะ ({marker})"
    url = production.replicas[0].config.kb_database_url
    assert url is not None
    publish(url, ContentKind.FAQ, {"key": "thaid_what", "answer": answer})
    wait_for_everywhere(production, FAQ_QUESTION, marker)


def status(stack: Stack) -> dict[str, Any]:
    url = f"{stack.rasa_url}/status?token={stack.config.rasa_token}"
    with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 - loopback
        data: dict[str, Any] = json.loads(reply.read())
    return data


def test_a_published_model_reaches_both_replicas_without_a_failed_turn(
    production: Production, tmp_path: Path
) -> None:
    before = [status(r)["model_file"] for r in production.replicas]
    name = f"thai-assistant-{uuid.uuid4().hex[:8]}.tar.gz"
    new_model = repack(MODEL, tmp_path / name, mtime=int(time.time()))
    published = production.models.publish(new_model)
    failures: list[str] = []
    deadline = time.monotonic() + MODEL_SWAP_SECONDS
    turns = 0
    while time.monotonic() < deadline:
        # Citizens keep asking on both replicas while they pull and load the model.
        for answer in ask(production, FAQ_QUESTION):
            turns += 1
            if not answer.startswith("ThaID") or "ขออภัยค่ะ ขณะนี้ระบบขัดข้อง" in answer:
                failures.append(answer)
        if all(status(r)["model_file"] == name for r in production.replicas):
            break
    after = [status(r) for r in production.replicas]
    assert [s["model_file"] for s in after] == [name, name], (before, after)
    assert after[0]["model_id"] == after[1]["model_id"]
    assert published.filename == name
    assert failures == [] and turns > 0
