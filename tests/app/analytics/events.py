"""Rasa events as the tracker store streams them (already shaped by Rasa 3.6's ``as_dict``)."""
from __future__ import annotations

from typing import Any

KEY = "a" * 64


def user(text: str, at: float, intent: str = "ask_documents", entities: list | None = None,
         channel: str = "rest", key: str = KEY) -> dict[str, Any]:
    return {"sender_id": key, "event": "user", "timestamp": at, "text": text, "input_channel": channel,
            "message_id": f"m{at}", "metadata": {"model_id": "model-1"},
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.93},
                           "entities": entities or [], "intent_ranking": []}}


def action(name: str, at: float, key: str = KEY) -> dict[str, Any]:
    return {"sender_id": key, "event": "action", "timestamp": at, "name": name, "policy": "RulePolicy",
            "confidence": 1.0}


def bot(text: str, at: float, response: str | None = None, data: dict | None = None,
        key: str = KEY) -> dict[str, Any]:
    metadata = {"utter_action": response} if response else {}
    return {"sender_id": key, "event": "bot", "timestamp": at, "text": text, "data": data or {},
            "metadata": metadata}


def slot(name: str, value: Any, at: float, key: str = KEY) -> dict[str, Any]:
    return {"sender_id": key, "event": "slot", "timestamp": at, "name": name, "value": value}


def conversation(key: str = KEY, start: float = 1_765_000_000.0) -> list[dict[str, Any]]:
    """Session start, an answered question with a card, a fallback, an ask-back, feedback."""
    t = start
    return [
        action("action_session_start", t, key), {"sender_id": key, "event": "session_started", "timestamp": t},
        action("action_listen", t + 0.001, key),
        user("ทำพาสปอร์ตต้องใช้อะไรบ้าง เลขบัตร 1101700230708 นายสมชาย ใจดี", t + 1,
             entities=[{"entity": "service", "value": "passport", "start": 2, "end": 10},
                       {"entity": "province", "value": "50", "start": 0, "end": 1}], key=key),
        slot("service", "passport", t + 1.01, key),
        action("action_answer_service", t + 1.2, key),
        bot("เอกสารที่ต้องใช้สำหรับทำหนังสือเดินทางค่ะ", t + 1.25,
            data={"custom": {"card": {"type": "service", "code": "passport"}}}, key=key),
        bot("คำตอบนี้เป็นประโยชน์ไหมคะ", t + 1.26, "utter_ask_feedback", key=key),
        action("action_listen", t + 1.27, key),
        user("ใช่ค่ะ มีประโยชน์มาก", t + 10, intent="affirm", key=key),
        action("action_record_feedback", t + 10.1, key),
        bot("ขอบคุณค่ะ", t + 10.15, "utter_feedback_positive", key=key),
        action("action_listen", t + 10.16, key),
        user("ขั้นตอนทำเค้ก", t + 20, intent="nlu_fallback", key=key),
        action("action_default_ask_affirmation", t + 20.3, key),
        bot("หมายถึงเรื่องนี้ใช่ไหมคะ", t + 20.35, data={"buttons": [{"title": "x", "payload": "/y"}]}, key=key),
        action("action_listen", t + 20.4, key),
        user("สำนักงานที่ใกล้ที่สุด โทร 081-234-5678", t + 30, intent="find_office", key=key),
        action("action_find_office", t + 30.1, key),
        bot("ขอตำแหน่งหน่อยค่ะ", t + 30.12, "utter_ask_location", key=key),
        slot("pending_aspect", "where_to_apply", t + 30.13, key),
        action("action_listen", t + 30.14, key),
    ]
