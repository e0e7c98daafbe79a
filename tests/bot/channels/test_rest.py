from __future__ import annotations

import asyncio

import pytest

from bot.channels.rest import parse_rest_body
from bot.channels.safety import DEFAULT_APOLOGY, apology_text, run_turn


def test_valid_body_is_accepted() -> None:
    assert parse_rest_body({"sender": "a", "message": "สวัสดีค่ะ"}, 100) == ("a", "สวัสดีค่ะ", None)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (None, "body must be a JSON object with 'sender' and 'message'"),
        ([1, 2], "body must be a JSON object with 'sender' and 'message'"),
        ({"message": "hi"}, "'sender' must be a non-empty string"),
        ({"sender": 5, "message": "hi"}, "'sender' must be a non-empty string"),
        ({"sender": "x" * 129, "message": "hi"}, "'sender' must be at most 128 characters"),
        ({"sender": "a"}, "'message' must be a non-empty string"),
        ({"sender": "a", "message": "   "}, "'message' must be a non-empty string"),
        ({"sender": "a", "message": "ก" * 101}, "'message' must be at most 100 characters"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, "'metadata' must be a JSON object"),
    ],
)
def test_malformed_bodies_get_a_reason(body: object, reason: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_rest_body(body, 100)
    assert str(error.value) == reason


async def test_run_turn_reports_failure_and_timeout_but_lets_slow_turn_finish() -> None:
    finished: list[str] = []

    async def ok() -> None:
        finished.append("ok")

    async def boom() -> None:
        raise RuntimeError("action server down")

    async def slow() -> None:
        await asyncio.sleep(0.2)
        finished.append("slow")

    assert await run_turn(ok, 1) is True
    assert await run_turn(boom, 1) is False
    assert await run_turn(slow, 0.01) is False
    await asyncio.sleep(0.3)
    assert finished == ["ok", "slow"]  # the timed-out turn was not cancelled


def test_apology_comes_from_the_domain_or_a_default() -> None:
    class Domain:
        responses = {"utter_service_unavailable": [{"text": "ขออภัยค่ะ โทร 1111"}]}

    class Ctx:
        agent = type("Agent", (), {"domain": Domain()})()

    app = type("App", (), {"ctx": Ctx()})()
    assert apology_text(app) == "ขออภัยค่ะ โทร 1111"
    assert apology_text(object()) == DEFAULT_APOLOGY
