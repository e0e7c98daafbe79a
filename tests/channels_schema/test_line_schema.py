"""Every message the LINE connector can send validates against LINE's own models.

Runs in the app environment, where the official ``line-bot-sdk`` v3 lives; the
renderer (common/line_messages.py) runs in the Rasa environment's connector, so its
output arrives as golden files: tests/bot/channels/test_line_golden.py renders
the real actions' cards and synthetic edge cases into tests/fixtures/line/.
The SDK checks types, required fields, enums, 5 messages per call and 13 quick
replies; the walk below adds the limits it leaves out (labels, lengths,
bubble counts and sizes, URI schemes). Each message must also survive a round
trip through the SDK unchanged, so a misspelt or unknown field fails too.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from linebot.v3.messaging import (
    FlexMessage,
    Message,
    PushMessageRequest,
    QuickReply,
    ReplyMessageRequest,
    TextMessage,
)

from tests.fixtures.card_contract import LINE_MESSAGES, golden_names, read_json


def line_length(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def all_batches() -> list[tuple[str, list[dict[str, Any]]]]:
    found = []
    for name in golden_names(LINE_MESSAGES):
        found += [(f"{name}[{i}]", batch)
                  for i, batch in enumerate(read_json(LINE_MESSAGES / f"{name}.json"))]
    return found


BATCHES = all_batches()


def _walk(node: Any, path: str = "") -> list[tuple[str, Any]]:
    found = [(path, node)]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _walk(value, f"{path}[{index}]")
    return found


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


@pytest.mark.parametrize(("name", "batch"), BATCHES, ids=[name for name, _ in BATCHES])
def test_batch_is_a_valid_reply_and_push_request(name: str, batch: list[dict[str, Any]]) -> None:
    reply = ReplyMessageRequest.from_dict({"replyToken": "token", "messages": batch})
    push = PushMessageRequest.from_dict({"to": "U" + "0" * 32, "messages": batch})
    assert len(reply.messages) == len(push.messages) == len(batch)
    assert 1 <= len(batch) <= 5


@pytest.mark.parametrize(("name", "batch"), BATCHES, ids=[name for name, _ in BATCHES])
def test_every_message_round_trips_through_the_sdk_unchanged(
    name: str, batch: list[dict[str, Any]]
) -> None:
    for message in batch:
        model = Message.from_dict(message)
        assert model.to_dict() == message
        if message["type"] == "flex":
            assert isinstance(model, FlexMessage)
        if message["type"] == "text":
            assert isinstance(model, TextMessage)
        if "quickReply" in message:
            QuickReply.from_dict(message["quickReply"])


@pytest.mark.parametrize(("name", "batch"), BATCHES, ids=[name for name, _ in BATCHES])
def test_limits_the_sdk_does_not_check(name: str, batch: list[dict[str, Any]]) -> None:
    for index, message in enumerate(batch):
        if message["type"] == "text":
            assert 1 <= line_length(message["text"]) <= 5000
        if message["type"] == "flex":
            assert 1 <= line_length(message["altText"]) <= 1500
            contents = message["contents"]
            if contents["type"] == "carousel":
                assert 1 <= len(contents["contents"]) <= 12
                assert _json_bytes(contents) <= 50_000
                bubbles = contents["contents"]
            else:
                bubbles = [contents]
            assert all(_json_bytes(bubble) <= 30_000 for bubble in bubbles)
        if "quickReply" in message:
            assert index == len(batch) - 1, "quick replies show only on the last message"
            assert 1 <= len(message["quickReply"]["items"]) <= 13
        for path, node in _walk(message):
            if not isinstance(node, dict):
                continue
            if "label" in node:
                assert 1 <= line_length(node["label"]) <= 20, path
            if node.get("type") == "postback":
                assert 1 <= line_length(node["data"]) <= 300, path
                assert 1 <= line_length(node["displayText"]) <= 300, path
            if node.get("type") == "uri":
                _assert_valid_uri(node["uri"], path)
            if node.get("type") == "text" and path != "":
                assert node["text"].strip(), f"empty Flex text at {path}"
            if node.get("type") == "image":
                for key in ("originalContentUrl", "previewImageUrl"):
                    assert urlsplit(node[key]).scheme == "https", path


def _assert_valid_uri(uri: str, path: str) -> None:
    assert line_length(uri) <= 1000, path
    parts = urlsplit(uri)
    if parts.scheme == "tel":
        assert re.fullmatch(r"\+?\d{3,15}", parts.path), path
    else:
        assert parts.scheme in {"http", "https"} and parts.netloc, path


def _types(turn: str) -> list[str]:
    return [m["type"] for name, batch in BATCHES if name.startswith(turn + "[") for m in batch]


def test_cards_render_as_flex_instead_of_text() -> None:
    assert _types("service-card") == ["flex", "text"]
    assert _types("service-card-long") == ["flex"]
    assert _types("offices-card") == ["flex", "text"]
    assert _types("huge-offices-card") == ["flex"]


def test_every_turn_is_there() -> None:
    # An empty or renamed folder would make every check above pass vacuously.
    names = set(golden_names(LINE_MESSAGES))
    assert {"media-not-supported", "huge-offices-card", "real-offices_hours_holiday",
            "real-service_documents"} <= names
    assert len(BATCHES) >= len(names)


def test_real_cards_render_as_flex() -> None:
    for name in golden_names(LINE_MESSAGES):
        if name.startswith("real-"):
            assert "flex" in _types(name), name


def test_oversized_carousel_keeps_the_nearest_offices_that_fit() -> None:
    [[message]] = read_json(LINE_MESSAGES / "huge-offices-card.json")
    bubbles = message["contents"]["contents"]
    assert 1 <= len(bubbles) < 12
    assert _json_bytes(message["contents"]) <= 50_000
    assert bubbles[0]["body"]["contents"][0]["text"].startswith("ชื่อ ชื่อ")


def test_sdk_rejects_what_the_checks_rely_on() -> None:
    """The SDK really enforces the limits counted on above."""
    text = {"type": "text", "text": "ก"}
    with pytest.raises(ValueError):
        ReplyMessageRequest.from_dict({"replyToken": "t", "messages": [text] * 6})
    items = [{"type": "action", "action": {"type": "location", "label": "ก"}}] * 14
    with pytest.raises(ValueError):
        QuickReply.from_dict({"items": items})
    unknown = {"type": "text", "text": "ก", "quickreply": {"items": []}}
    assert Message.from_dict(unknown).to_dict() != unknown
