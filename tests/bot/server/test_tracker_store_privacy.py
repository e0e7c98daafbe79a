"""Nothing personal reaches the tracker database or the event stream (issue 11)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.server.tracker_store import CachingSQLTrackerStore
from common.paths import ROOT

ID_NUMBER = "1101700230708"
PHONE = "081-234-5678"
NAME = "สมชาย ใจดี"
LINE_USER = "U4af4980629a0b1c2d3e4f5a6b7c8d9e0"
KEY = "test-pseudonym-key"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


class _RecordingBroker:
    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def _store(domain: Domain, path: Path, broker: _RecordingBroker | None = None) -> CachingSQLTrackerStore:
    return CachingSQLTrackerStore(domain, dialect="sqlite", db=str(path), event_broker=broker,
                                  pseudonym_key=KEY)


async def _converse(store: CachingSQLTrackerStore) -> None:
    tracker = await store.get_or_create_tracker(LINE_USER)
    await store.save(tracker)
    text = f"ผมนาย{NAME} เลขบัตร {ID_NUMBER} เบอร์ {PHONE} ทำบัตรใหม่ต้องใช้อะไรบ้าง"
    for event in [
        UserUttered(text, {"name": "ask_documents", "confidence": 0.97},
                    [{"entity": "person", "value": NAME, "start": 5, "end": 15}],
                    metadata={"line": {"display_name": NAME, "user": LINE_USER}}),
        SlotSet("last_topic", f"ติดต่อ {PHONE}"),
        SlotSet("service", "id_card_new"),
        ActionExecuted("action_answer_service"),
        BotUttered(f"คุณ{NAME} โปรดโทร {PHONE} หรือ 1548", {"buttons": [{"title": NAME, "payload": "/affirm"}]}),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(event)
    await store.save(tracker)


def _database_text(path: Path) -> str:
    """Every byte of the SQLite database and its write-ahead log, and every row decoded.

    Rasa stores events as JSON with Thai escaped (\\u0e..): the rows are read
    back and dumped with Thai as Thai, so a Thai name is searchable.
    """
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT sender_id, data FROM events").fetchall()
    return raw.decode("utf-8", "replace") + "\n".join(
        f"{s} {json.dumps(json.loads(d), ensure_ascii=False)}" for s, d in rows)


async def test_no_raw_value_is_stored_or_streamed_and_the_conversation_is_found(
    domain: Domain, tmp_path: Path
) -> None:
    db = tmp_path / "tracker.db"
    broker = _RecordingBroker()
    store = _store(domain, db, broker)
    await _converse(store)
    store.engine.dispose()

    stored = _database_text(db)
    streamed = json.dumps(broker.published, ensure_ascii=False)
    for raw in (ID_NUMBER, PHONE, NAME, "สมชาย", LINE_USER):
        assert raw not in stored
        assert raw not in streamed
    assert "<เลขบัตรประชาชน>" in stored and "<เบอร์โทร>" in stored and "<ชื่อ>" in stored
    assert "1548" in stored  # a national hotline is not personal data

    # A new process (no cache) finds the conversation by the raw sender ID ...
    fresh = await _store(domain, db).retrieve(LINE_USER)
    assert fresh is not None and fresh.sender_id == LINE_USER
    user = fresh.latest_message
    assert user.text == "ผมนาย<ชื่อ> เลขบัตร <เลขบัตรประชาชน> เบอร์ <เบอร์โทร> ทำบัตรใหม่ต้องใช้อะไรบ้าง"
    assert user.entities[0]["value"] == "<ชื่อ>"
    assert fresh.get_slot("last_topic") == "ติดต่อ <เบอร์โทร>"
    assert fresh.get_slot("service") == "id_card_new"  # codes are kept
    # ... under a keyed hash: another key finds nothing.
    other = CachingSQLTrackerStore(domain, dialect="sqlite", db=str(db), pseudonym_key="other")
    assert await other.retrieve(LINE_USER) is None
    assert {e["sender_id"] for e in broker.published} == {store.key_for(LINE_USER)}


async def test_the_cached_tracker_keeps_this_turn_for_the_actions(domain: Domain, tmp_path: Path) -> None:
    store = _store(domain, tmp_path / "tracker.db")
    await _converse(store)
    cached = await store.retrieve(LINE_USER)
    # The actions of the next turn still see what the citizen typed (the
    # privacy notice depends on it); only the database holds the redacted copy.
    assert ID_NUMBER in cached.latest_message.text


NOTICE = ("เพื่อความปลอดภัย กรุณาอย่าส่งเลขบัตรประชาชนหรือเบอร์โทรในแชทนะคะ "
          "ระบบไม่ได้บันทึกข้อมูลนี้ไว้ และไม่จำเป็นต้องใช้ในการตอบคำถามค่ะ")


async def test_the_notice_promises_only_what_the_store_keeps(domain: Domain, tmp_path: Path) -> None:
    # The notice the citizen gets after typing an ID number says it is not kept ...
    assert domain.responses["utter_personal_data_notice"] == [{"text": NOTICE}]
    db = tmp_path / "tracker.db"
    store = _store(domain, db)
    tracker = await store.get_or_create_tracker("somchai")
    for event in [UserUttered(f"ทำพาสปอร์ตใช้เอกสารอะไรคะ เลขบัตร 1-1017-00230-70-8 โทร {PHONE}",
                              {"name": "ask_documents", "confidence": 0.9}),
                  ActionExecuted("action_answer_service"),
                  BotUttered(NOTICE, {}, {"utter_action": "utter_personal_data_notice"}),
                  ActionExecuted("action_listen")]:
        tracker.update(event)
    await store.save(tracker)
    store.engine.dispose()
    # ... and it is not: neither the number as typed nor its digits are in the store.
    stored = _database_text(db)
    for raw in ("1-1017-00230-70-8", ID_NUMBER, PHONE, "0812345678"):
        assert raw not in stored
    assert "ทำพาสปอร์ตใช้เอกสารอะไรคะ เลขบัตร <เลขบัตรประชาชน> โทร <เบอร์โทร>" in stored


async def test_a_shared_location_is_stored_and_streamed_to_a_kilometre(
    domain: Domain, tmp_path: Path
) -> None:
    db = tmp_path / "tracker.db"
    broker = _RecordingBroker()
    store = _store(domain, db, broker)
    tracker = await store.get_or_create_tracker(LINE_USER)
    text = '/share_location{"latitude": 18.787654, "longitude": 98.993128}'
    for event in [
        UserUttered(text, {"name": "share_location", "confidence": 1.0},
                    [{"entity": "latitude", "value": 18.787654},
                     {"entity": "longitude", "value": 98.993128}]),
        SlotSet("latitude", 18.787654),
        SlotSet("longitude", 98.993128),
    ]:
        tracker.update(event)
    await store.save(tracker)
    store.engine.dispose()

    stored = _database_text(db)
    streamed = json.dumps(broker.published)
    for raw in ("18.787654", "98.993128", "18.7876", "98.9931"):
        assert raw not in stored and raw not in streamed
    user = next(e for e in broker.published if e["event"] == "user")
    assert user["text"] == '/share_location{"latitude": 18.79, "longitude": 98.99}'
    assert [e["value"] for e in user["parse_data"]["entities"]] == [18.79, 98.99]
    assert [e["value"] for e in broker.published if e["event"] == "slot"] == [18.79, 98.99]
