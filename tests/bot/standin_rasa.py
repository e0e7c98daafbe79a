"""A Rasa server stand-in for the browser tests (run in the Rasa environment).

Real parts: Rasa's ``configure_app`` with ``--cors``-style exact origins, this
project's socket.io channel (origin check, session rooms, card merging,
apology on a silent turn), the domain's responses through Rasa's NLG, and the
knowledge-base seed files. Scripted part: which answer a message gets (no trained model needed),
shaped like the actions' answers (text + ``{"card": ...}`` in one message).

    .venv/rasa/bin/python tests/bot/standin_rasa.py --port 5005 --origins http://127.0.0.1:8080
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from rasa.core.channels.channel import UserMessage
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.core.run import configure_app
from rasa.shared.core.domain import Domain

from bot.channels.socketio import SocketIOInput
from common.geo import haversine_km, map_url
from common.paths import GEO, KB_DATA, ROOT

# A message the stand-in leaves unanswered, as Rasa does when the action
# server is down: the channel must then apologise.
SILENT = "ทดสอบระบบขัดข้อง"
TURN_SECONDS = 0.6  # long enough to see the typing indicator
HOURS = "จันทร์–ศุกร์ 08:30–16:30 ปิดวันหยุดราชการ"
APPROXIMATE_NOTE = (
    "* ตำแหน่งโดยประมาณ: เป็นจุดกึ่งกลางของอำเภอ/เขต ไม่ใช่ที่ตั้งจริงของสำนักงาน ระยะทางจึงเป็นค่าประมาณค่ะ"
)
THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
               "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
LOCATION = re.compile(r"^/share_location(\{.*\})$")


def _services() -> list[dict[str, Any]]:
    return [yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((KB_DATA / "services").glob("*.yml"))]


def _source(service: dict[str, Any]) -> str:
    source = service["source"]
    checked = source.get("checked_on")
    if not checked:
        return f"ที่มา: {source['agency']}"
    date = checked if not isinstance(checked, str) else datetime.fromisoformat(checked).date()
    return f"ที่มา: {source['agency']} (ตรวจสอบ {date.day} {THAI_MONTHS[date.month - 1]} {date.year + 543})"


def _fee(service: dict[str, Any]) -> str | None:
    fees = service.get("fees")
    if fees is None:
        return None
    if not fees:
        return "ไม่เสียค่าธรรมเนียม"
    parts = []
    for fee in fees:
        amount = "ไม่มีข้อมูลที่ยืนยันได้" if fee["amount"] is None else f"{fee['amount']:,} บาท"
        parts.append(f"{amount} ({fee['condition']})" if fee.get("condition") else amount)
    return "; ".join(parts)


def documents_answer(service: dict[str, Any]) -> dict[str, Any]:
    """The documents answer for a service, as actions/services.py shapes it."""
    lines = list(service["documents"] or [])
    title = "เอกสารที่ต้องใช้"
    text = "\n".join([f"{title}สำหรับ{service['name_th']}ค่ะ", *(f"• {line}" for line in lines),
                      _source(service)])
    card = {
        "type": "service", "code": service["code"], "name": service["name_th"],
        "aspect": "documents", "title": title, "lines": lines, "fee": _fee(service),
        "processing_time": service.get("processing_time"), "source": _source(service),
        "source_url": service["source"].get("url"),
        "checked_on": str(service["source"].get("checked_on") or "") or None,
        "hotline": service.get("hotline"),
    }
    return {"text": text, "custom": {"card": card}}


def offices_answer(latitude: float, longitude: float) -> dict[str, Any]:
    """The nearest district office by the district's estimated middle point."""
    with (GEO / "district_points.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    row = min(rows, key=lambda r: haversine_km(latitude, longitude,
                                                float(r["polygon_lat"]), float(r["polygon_lon"])))
    lat, lon = float(row["polygon_lat"]), float(row["polygon_lon"])
    bangkok = row["is_bangkok_khet"] == "1"
    name = ("สำนักงานเขต" if bangkok else "ที่ว่าการอำเภอ") + row["district_name_th"]
    now = datetime.now(ZoneInfo("Asia/Bangkok"))
    open_now = now.weekday() < 5 and "08:30" <= now.strftime("%H:%M") < "16:30"
    entry = {
        "code": f"district_office_{row['district_code']}", "name": name,
        "type_label": "สำนักงานเขต" if bangkok else "ที่ว่าการอำเภอ",
        "distance_km": round(haversine_km(latitude, longitude, lat, lon), 2),
        "location_is_approximate": True, "address": None, "hours": HOURS,
        "open_now": open_now, "status": "เปิดอยู่ ปิด 16:30 น." if open_now else "ปิดอยู่",
        "phone": None, "map_url": map_url(lat, lon), "latitude": lat, "longitude": lon,
    }
    title = "สำนักงานที่ใกล้คุณที่สุด"
    text = "\n".join([f"{title}ค่ะ", f"1. {name}", f"   ห่างประมาณ {entry['distance_km']} กม.",
                      f"   ตอนนี้: {entry['status']}", f"   เวลาทำการ: {HOURS}",
                      f"   แผนที่ (ตำแหน่งโดยประมาณ*): {entry['map_url']}", APPROXIMATE_NOTE])
    return {"text": text, "custom": {"card": {"type": "offices", "title": title, "offices": [entry]}}}


class ScriptedAgent:
    """Answers like the assistant would, from the domain and the KB seed files."""

    def __init__(self) -> None:
        self.domain = Domain.load(str(ROOT / "domain.yml"))
        self.nlg = TemplatedNaturalLanguageGenerator(self.domain.responses)
        self.services = _services()

    def response(self, name: str) -> dict[str, Any]:
        """The domain response as Rasa's NLG fills it (escaped braces and all)."""
        slots = {slot.name: None for slot in self.domain.slots}
        response = self.nlg.generate_from_slots(name, slots, "socketio")
        assert response is not None, name
        return response

    def service_in(self, text: str) -> dict[str, Any] | None:
        matches = [(len(str(alias)), service) for service in self.services
                   for alias in service.get("aliases") or [] if str(alias) in text]
        return max(matches, key=lambda match: match[0])[1] if matches else None

    def replies(self, text: str) -> list[dict[str, Any]]:
        if text == SILENT:
            return []
        if text.startswith("/feedback"):
            helpful = json.loads(text[len("/feedback"):] or "{}").get("helpful")
            return [self.response("utter_feedback_positive" if helpful == "yes"
                                  else "utter_feedback_negative")]
        location = LOCATION.match(text)
        if location:
            point = json.loads(location.group(1))
            return [offices_answer(float(point["latitude"]), float(point["longitude"]))]
        service = self.service_in(text)
        if service is not None:
            return [documents_answer(service), self.response("utter_ask_feedback")]
        if "สวัสดี" in text:
            return [self.response("utter_greet")]
        return [self.response("utter_ask_rephrase")]

    async def handle_message(self, message: UserMessage) -> None:
        await asyncio.sleep(TURN_SECONDS)
        for reply in self.replies(message.text or ""):
            await message.output_channel.send_response(message.sender_id, reply)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--origins", required=True, help="exact page origins, comma-separated")
    args = parser.parse_args()
    channel = SocketIOInput.from_credentials({
        "user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered",
        "session_persistence": True, "cors_allowed_origins": args.origins,
    })
    app = configure_app([channel], cors=args.origins.split(","), enable_api=False,
                        use_uvloop=False, port=args.port)
    app.ctx.agent = ScriptedAgent()
    app.run(host="127.0.0.1", port=args.port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
