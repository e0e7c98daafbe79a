"""LINE webhook bodies: signature check, shape check and what each event asks for.

Standard library only. Event reference:
https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

# Messages the assistant cannot read: the citizen is asked to type instead.
MEDIA_MESSAGE_TYPES = frozenset({"image", "video", "audio", "file", "sticker"})
GREET_TEXT = "/greet"


class WebhookError(ValueError):
    """The body is not a LINE webhook body; the message says why (for a 400)."""


def signature_is_valid(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """Constant-time check of ``X-Line-Signature`` = base64(HMAC-SHA256(secret, body)).

    An empty secret verifies nothing, so every request is refused.
    """
    if not channel_secret or not signature:
        return False
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    expected = base64.b64encode(digest)
    return hmac.compare_digest(expected, signature.encode("utf-8", "surrogateescape"))


def pseudonym(user_id: str | None) -> str:
    """Short stable hash of a LINE ID for logs: correlates lines, reveals nothing."""
    if not user_id:
        return "-"
    return "u" + hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:10]


class Action(Enum):
    TO_RASA = "to_rasa"  # run ``text`` through Rasa and reply with its answer
    MEDIA = "media"  # fixed "please type" answer, Rasa is not involved
    NOTHING = "nothing"


@dataclass(frozen=True)
class LineEvent:
    """One webhook event, reduced to what the connector acts on."""

    type: str
    action: Action
    text: str = ""
    event_id: str | None = None
    reply_token: str | None = None
    # Rasa sender: the user; in a group without a user ID, the group.
    sender_id: str | None = None
    # Where answers go: the user, group or room ID (push target).
    chat_id: str | None = None
    source_type: str = "user"
    is_redelivery: bool = False
    timestamp: int | None = None

    @property
    def is_one_to_one(self) -> bool:
        return self.source_type == "user"


def parse_body(body: bytes) -> tuple[dict[str, Any], ...]:
    """The events of a webhook body.

    Raises:
        WebhookError: the body is not JSON or not shaped like a webhook body.
    """
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WebhookError("body is not valid UTF-8 JSON") from exc
    if not isinstance(data, dict):
        raise WebhookError("body must be a JSON object")
    events = data.get("events")
    if not isinstance(events, list):
        raise WebhookError("'events' must be a list")
    for index, event in enumerate(events):
        _check_event(index, event)
    return tuple(events)


def _check_event(index: int, event: Any) -> None:
    where = f"events[{index}]"
    if not isinstance(event, dict):
        raise WebhookError(f"{where} must be an object")
    if not isinstance(event.get("type"), str) or not event["type"]:
        raise WebhookError(f"{where}.type must be a non-empty string")
    for key in ("source", "deliveryContext", "message", "postback"):
        if key in event and not isinstance(event[key], dict):
            raise WebhookError(f"{where}.{key} must be an object")
    for key in ("webhookEventId", "replyToken"):
        if key in event and not isinstance(event[key], str):
            raise WebhookError(f"{where}.{key} must be a string")
    if event["type"] == "message":
        _check_message(where, event.get("message"))
    if event["type"] == "postback" and not isinstance(event.get("postback", {}).get("data"), str):
        raise WebhookError(f"{where}.postback.data must be a string")


def _check_message(where: str, message: Any) -> None:
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise WebhookError(f"{where}.message.type must be a string")
    if message["type"] == "text" and not isinstance(message.get("text"), str):
        raise WebhookError(f"{where}.message.text must be a string")
    if message["type"] == "location":
        for key, bound in (("latitude", 90.0), ("longitude", 180.0)):
            value = message.get(key)
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not math.isfinite(value) or abs(value) > bound):
                raise WebhookError(f"{where}.message.{key} must be a number within ±{bound:g}")


def location_text(latitude: float, longitude: float) -> str:
    """The ``share_location`` intent with coordinates, as Rasa parses a ``/intent``."""
    return "/share_location" + json.dumps({"latitude": latitude, "longitude": longitude})


def _what_to_do(event: dict[str, Any]) -> tuple[Action, str]:
    kind = event["type"]
    if kind == "message":
        message = event["message"]
        if message["type"] == "text":
            text = message["text"].strip()
            return (Action.TO_RASA, text) if text else (Action.NOTHING, "")
        if message["type"] == "location":
            return Action.TO_RASA, location_text(message["latitude"], message["longitude"])
        if message["type"] in MEDIA_MESSAGE_TYPES:
            return Action.MEDIA, ""
        return Action.NOTHING, ""
    if kind == "postback":
        data = event["postback"]["data"].strip()
        return (Action.TO_RASA, data) if data else (Action.NOTHING, "")
    if kind == "follow":
        return Action.TO_RASA, GREET_TEXT
    return Action.NOTHING, ""


def interpret(event: dict[str, Any]) -> LineEvent:
    """What a checked event asks the assistant to do, and where to answer.

    Standby events (another channel owns the chat) and events without any
    source ID are answered with nothing.
    """
    source = event.get("source") or {}
    source_type = str(source.get("type") or "user")
    user_id = source.get("userId") if isinstance(source.get("userId"), str) else None
    chat_id = {"group": source.get("groupId"), "room": source.get("roomId")}.get(
        source_type, user_id
    )
    chat_id = chat_id if isinstance(chat_id, str) else None
    action, text = _what_to_do(event)
    if event.get("mode") == "standby" or not (user_id or chat_id):
        action, text = Action.NOTHING, ""
    timestamp = event.get("timestamp")
    return LineEvent(
        type=event["type"],
        action=action,
        text=text,
        event_id=event.get("webhookEventId"),
        reply_token=event.get("replyToken"),
        sender_id=user_id or chat_id,
        chat_id=chat_id,
        source_type=source_type,
        is_redelivery=bool((event.get("deliveryContext") or {}).get("isRedelivery")),
        timestamp=timestamp if isinstance(timestamp, int) else None,
    )
