"""A Rasa server stand-in for the browser tests (run in the Rasa environment).

Real parts: Rasa's ``configure_app`` with ``--cors``-style exact origins, this
project's socket.io channel (origin check, session rooms, card merging,
apology on a silent turn), the domain's responses through Rasa's NLG, and the
cards: every card message it sends is one the real actions sent, kept in
tests/fixtures/cards/ by tests/actions/test_cards.py and checked there against
the card contract (common/card.schema.json). Scripted part: which answer a
message gets (no trained model, action server or knowledge base needed).

    .venv/rasa/bin/python tests/bot/standin_rasa.py --port 5005 --origins http://127.0.0.1:8080
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.core.run import configure_app
from rasa.shared.core.domain import Domain

from bot.channels.socketio import SocketIOInput
from common.paths import ROOT
from tests.fixtures.card_contract import CARD_MESSAGES, golden_names, read_json

# A message the stand-in leaves unanswered, as Rasa does when the action
# server is down: the channel must then apologise.
SILENT = "ทดสอบระบบขัดข้อง"
# "ทดสอบการ์ด <name>" is answered with the real actions' card messages
# tests/fixtures/cards/<name>.json, then the feedback question.
CARD_REQUEST = "ทดสอบการ์ด "
TURN_SECONDS = 0.6  # long enough to see the typing indicator
# What a question naming the passport, and a shared location, are answered with.
SERVICE_WORDS = ("พาสปอร์ต", "หนังสือเดินทาง")
SERVICE_ANSWER = "service_documents_passport"
OFFICES_ANSWER = "offices_nearest_working_day"
LOCATION = re.compile(r"^/share_location(\{.*\})$")


def recorded(name: str) -> list[dict[str, Any]]:
    """The card messages the real actions sent in scenario ``name``."""
    if name not in golden_names(CARD_MESSAGES):
        raise KeyError(f"no recorded card messages named {name!r}")
    messages: list[dict[str, Any]] = read_json(CARD_MESSAGES / f"{name}.json")
    return messages


class ScriptedAgent:
    """Answers like the assistant would: the domain's responses and the recorded cards."""

    def __init__(self) -> None:
        self.domain = Domain.load(str(ROOT / "domain.yml"))
        self.nlg = TemplatedNaturalLanguageGenerator(self.domain.responses)

    def response(self, name: str) -> dict[str, Any]:
        """The domain response as Rasa's NLG fills it (escaped braces and all)."""
        slots = {slot.name: None for slot in self.domain.slots}
        response = self.nlg.generate_from_slots(name, slots, "socketio")
        assert response is not None, name
        return response

    def replies(self, text: str) -> list[dict[str, Any]]:
        if text == SILENT:
            return []
        if text.startswith("/feedback"):
            helpful = json.loads(text[len("/feedback"):] or "{}").get("helpful")
            return [self.response("utter_feedback_positive" if helpful == "yes"
                                  else "utter_feedback_negative")]
        if LOCATION.match(text):
            return [*recorded(OFFICES_ANSWER), self.response("utter_ask_feedback")]
        if text.startswith(CARD_REQUEST):
            name = text[len(CARD_REQUEST):].strip()
            return [*recorded(name), self.response("utter_ask_feedback")]
        if any(word in text for word in SERVICE_WORDS):
            return [*recorded(SERVICE_ANSWER), self.response("utter_ask_feedback")]
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
