"""REST channel with request validation and a reply on every turn.

Replaces Rasa's stock ``rest`` channel at the same URL
(``/webhooks/rest/webhook``): malformed requests get a 400 with a reason
instead of a 500, message text is never logged, and a turn that fails or
stalls answers with the apology and hotline.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as StockRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.safety import apology_text, run_turn
from bot.channels.settings import load_channel_settings
from bot.server import patches

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


def parse_rest_body(body: Any, max_chars: int) -> tuple[str, str, dict[str, Any] | None]:
    """Validate a REST webhook body; return (sender, message, metadata).

    Raises:
        ValueError: with a reason a client can act on.
    """
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object with 'sender' and 'message'")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        raise ValueError("'sender' must be a non-empty string")
    if len(sender) > MAX_SENDER_CHARS:
        raise ValueError(f"'sender' must be at most {MAX_SENDER_CHARS} characters")
    if not isinstance(message, str) or not message.strip():
        raise ValueError("'message' must be a non-empty string")
    if len(message) > max_chars:
        raise ValueError(f"'message' must be at most {max_chars} characters")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("'metadata' must be a JSON object")
    return sender, message, metadata


class RestInput(StockRestInput):
    """Rasa's REST channel, validated and never silent."""

    def __init__(self) -> None:
        # Loaded by a Rasa started with the bare `rasa` command, it would
        # serve without the speed-ups and the slash-command rules.
        patches.require_applied("The REST channel (bot.channels.rest.RestInput)")
        super().__init__()

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        settings = load_channel_settings()
        webhook = Blueprint("thai_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - Sanic raises its own 400 type
                return _error(400, "invalid_json", "body is not valid JSON")
            try:
                sender, text, metadata = parse_rest_body(body, settings.max_message_chars)
            except ValueError as exc:
                return _error(400, "invalid_request", str(exc))

            collector = CollectingOutputChannel()
            message = UserMessage(
                text, collector, sender, input_channel=self.name(), metadata=metadata
            )
            completed = await run_turn(
                lambda: on_new_message(message), settings.turn_timeout_seconds
            )
            if not completed or not collector.messages:
                return response.json(
                    [{"recipient_id": sender, "text": apology_text(request.app)}]
                )
            return response.json(collector.messages)

        return webhook
