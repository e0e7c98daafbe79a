"""action_record_feedback: stored under an HMAC pseudonym, never the raw sender ID."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path

from actions.feedback import ActionRecordFeedback
from actions.kb import KnowledgeBase
from tests.actions.support import PSEUDONYM_KEY, load_tracker, sent

LINE_USER = "U4af4980629b3c5f6e1d2c3b4a5968778"


def stored_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT conversation_pseudonym, helpful, topic, channel FROM feedback"
        ).fetchall()


def database_text(path: Path) -> str:
    """Every row of every table, as text: to prove a value is stored nowhere."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return repr([db.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables])


async def test_helpful_yes_is_stored_with_a_pseudonym(
    kb_path: Path, kb: KnowledgeBase, dispatcher, domain
) -> None:
    events = await ActionRecordFeedback(kb).run(
        dispatcher, load_tracker("feedback_yes_line"), domain
    )

    pseudonym = hmac.new(PSEUDONYM_KEY.encode(), LINE_USER.encode(), hashlib.sha256).hexdigest()
    assert stored_rows(kb_path) == [(pseudonym, 1, "service:passport:fee", "line")]
    assert LINE_USER not in database_text(kb_path)
    assert dispatcher.messages == [sent(response="utter_feedback_positive")]
    assert events == []


async def test_typed_criticism_counts_as_not_helpful(
    kb_path: Path, kb: KnowledgeBase, dispatcher, domain
) -> None:
    await ActionRecordFeedback(kb).run(dispatcher, load_tracker("feedback_typed_negative"), domain)

    assert [row[1:] for row in stored_rows(kb_path)] == [(0, "service:passport:fee", "rest")]
    assert dispatcher.messages == [sent(response="utter_feedback_negative")]


def test_yes_or_no_after_an_answer_counts_as_feedback() -> None:
    from rasa_sdk import Tracker

    from actions.feedback import helpful_answer

    def tracker(intent: str, text: str) -> Tracker:
        return Tracker("s", {}, {"intent": {"name": intent}, "text": text, "entities": []},
                       [], False, None, {}, "action_listen")

    assert helpful_answer(tracker("affirm", "ใช่ค่ะ")) is True
    assert helpful_answer(tracker("deny", "ไม่ค่ะ")) is False
    assert helpful_answer(tracker("feedback", "อืม")) is None
