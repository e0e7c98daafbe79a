"""Run in .venv/rasa: hold conversations through the real tracker store and event broker.

    python tests/bot/server/tracker_store_publisher.py TRACKER_DB BROKER(none|http|pika) N_CONVERSATIONS [QUEUE [PAUSE]]

Each conversation is the turn of tests/bot/server/test_tracker_store_privacy.py
(ID number, phone, name) plus a follow-up; prints the number of events published.
"""
from __future__ import annotations

import asyncio
import sys

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.server import patches
from common.paths import ROOT

TEXT = "ผมนายสมชาย ใจดี เลขบัตร 1101700230708 เบอร์ 081-234-5678 ทำบัตรใหม่ต้องใช้อะไรบ้าง"


async def main(db: str, kind: str, conversations: int, queue: str = "", pause: float = 0.0) -> None:
    patches.apply()
    from bot.server.tracker_store import CachingSQLTrackerStore

    if kind == "none":
        config = None
    elif kind == "http":
        config = EndpointConfig(type="bot.server.event_broker.HttpEventBroker")
    else:
        config = EndpointConfig(url="127.0.0.1", type="pika", username="guest", password="guest",
                                queues=[queue], exchange_name=f"{queue}-exchange")
    broker = await EventBroker.create(config) if config else None
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = CachingSQLTrackerStore(domain, dialect="sqlite", db=db, event_broker=broker)
    published = 0
    for n in range(conversations):
        sender = f"U{n:032x}"
        tracker = await store.get_or_create_tracker(sender)
        before = 0
        for text, intent in ((TEXT, "ask_documents"), ("แล้วค่าธรรมเนียมเท่าไหร่คะ", "ask_fee")):
            for event in [UserUttered(text, {"name": intent, "confidence": 0.9},
                                      [{"entity": "service", "value": "id_card_new"}], input_channel="line"),
                          SlotSet("service", "id_card_new"), ActionExecuted("action_answer_service"),
                          BotUttered("เอกสารที่ต้องใช้ค่ะ", {}), ActionExecuted("action_listen")]:
                tracker.update(event)
            await store.save(tracker)
        published += len(tracker.events) - before
        if pause:
            await asyncio.sleep(pause)  # stretch the stream so faults happen mid-stream
    if kind == "http":
        await asyncio.wait_for(broker.flushed(), 60)
    elif kind == "pika":
        # Rasa's broker keeps what failed during an outage and publishes it on reconnect.
        for _ in range(600):
            if not broker._unpublished_events and not broker._background_tasks:
                break
            await asyncio.sleep(0.5)
    if broker is not None:
        await broker.close()
    print(published, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), *sys.argv[4:5],
                     *[float(a) for a in sys.argv[5:6]]))
