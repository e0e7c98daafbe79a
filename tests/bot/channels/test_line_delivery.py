"""How a turn's answer reaches LINE: one reply, push fallback, retries, loading animation."""
from __future__ import annotations

import uuid
from typing import Any

import pytest
from line_fakes import GROUP, USER_A, FakeLineApi, LineHarness, test_settings, text_event

from bot.channels.line import LineInput
from bot.channels.line_api import (
    LOADING_PATH,
    PUSH_PATH,
    REPLY_PATH,
    InvalidReplyTokenError,
    LineApiClient,
    LineApiError,
)
from bot.channels.safety import DEFAULT_APOLOGY

SERVICE_CARD = {
    "type": "service", "code": "id_card_renew", "name": "บัตรประจำตัวประชาชน",
    "aspect": "fee", "title": "ค่าธรรมเนียม", "lines": ["บัตรหมดอายุ: ไม่เสียค่าธรรมเนียม"],
    "fee": None, "processing_time": None, "source": "ที่มา: กรมการปกครอง",
    "source_url": None, "checked_on": None, "hotline": "1548",
}
FEEDBACK = {
    "text": "คำตอบนี้เป็นประโยชน์ไหมคะ",
    "buttons": [{"title": "👍 มีประโยชน์", "payload": '/feedback{"helpful": "yes"}'},
                {"title": "👎 ยังไม่ตอบโจทย์", "payload": '/feedback{"helpful": "no"}'}],
    "utter_action": "utter_ask_feedback",
}


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m["type"] == "text"]


async def test_whole_turn_goes_in_one_reply_with_card_instead_of_text(line: LineHarness) -> None:
    answer_text = "บัตรหมดอายุ ต่อได้โดยไม่เสียค่าธรรมเนียมค่ะ"
    line.agent.replies["ค่าต่อบัตร"] = [
        {"text": answer_text, "custom": {"card": SERVICE_CARD}},
        FEEDBACK,
    ]
    await line.send(text_event("ค่าต่อบัตร"))

    [reply] = line.api.calls
    flex, question = reply.body["messages"]
    assert flex["type"] == "flex" and flex["altText"] == answer_text
    assert answer_text not in _texts(reply.body["messages"])
    assert question["text"] == "คำตอบนี้เป็นประโยชน์ไหมคะ"
    assert [i["action"]["data"] for i in question["quickReply"]["items"]] == [
        '/feedback{"helpful": "yes"}', '/feedback{"helpful": "no"}']


async def test_expired_reply_token_falls_back_to_push(line: LineHarness) -> None:
    line.api.answer(REPLY_PATH, (400, {"message": "Invalid reply token"}))
    await line.send(text_event("ต่อบัตร"))

    reply, push = line.api.calls
    assert (reply.path, push.path) == (REPLY_PATH, PUSH_PATH)
    assert push.body == {"to": USER_A, "messages": reply.body["messages"]}
    assert uuid.UUID(push.headers["X-Line-Retry-Key"])
    assert "X-Line-Retry-Key" not in reply.headers


async def test_seven_short_texts_are_merged_into_one_reply(line: LineHarness) -> None:
    parts = [f"ข้อ {n}" for n in range(1, 8)]
    line.agent.replies["ขั้นตอน"] = [{"text": part} for part in parts]
    await line.send(text_event("ขั้นตอน"))

    [reply] = line.api.calls
    assert reply.path == REPLY_PATH
    assert len(reply.body["messages"]) == 5
    assert "\n\n".join(_texts(reply.body["messages"])) == "\n\n".join(parts)


async def test_more_than_five_unmergeable_messages_go_by_reply_then_push(
    line: LineHarness,
) -> None:
    long_parts = [f"{n}" + "ก" * 2999 for n in range(7)]  # two never fit one 5000-char text
    line.agent.replies["ยาว"] = [{"text": part} for part in long_parts] + [FEEDBACK]
    await line.send(text_event("ยาว"))

    reply, push = line.api.calls
    assert (reply.path, push.path) == (REPLY_PATH, PUSH_PATH)
    assert len(reply.body["messages"]) == 5
    assert len(push.body["messages"]) == 2
    sent = reply.body["messages"] + push.body["messages"]
    # The short question still fits after the last long part.
    assert _texts(sent) == long_parts[:6] + [long_parts[6] + "\n\nคำตอบนี้เป็นประโยชน์ไหมคะ"]
    # Quick replies show only on the very last message.
    assert [("quickReply" in m) for m in sent] == [False] * 6 + [True]


async def test_429_is_retried_then_succeeds(line: LineHarness) -> None:
    line.api.answer(REPLY_PATH, (429, {"message": "Too many requests"}),
                    (429, {"message": "Too many requests"}))
    await line.send(text_event("ต่อบัตร"))

    calls = line.api.to(REPLY_PATH)
    assert len(calls) == 3
    assert calls[0].body == calls[2].body
    assert line.api.to(PUSH_PATH) == []


async def test_push_retries_5xx_with_one_retry_key(line: LineHarness) -> None:
    line.api.answer(REPLY_PATH, (400, {"message": "Invalid reply token"}))
    line.api.answer(PUSH_PATH, (500, {"message": "Internal error"}), (503, {}))
    await line.send(text_event("ต่อบัตร"))

    pushes = line.api.to(PUSH_PATH)
    assert len(pushes) == 3
    assert len({p.headers["X-Line-Retry-Key"] for p in pushes}) == 1


async def test_push_409_means_already_accepted(line: LineHarness) -> None:
    line.api.answer(REPLY_PATH, (400, {"message": "Invalid reply token"}))
    line.api.answer(PUSH_PATH, (409, {"message": "The retry key is already accepted"}))
    await line.send(text_event("ต่อบัตร"))
    assert len(line.api.to(PUSH_PATH)) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413])
async def test_other_4xx_is_never_retried_nor_pushed(line: LineHarness, status: int) -> None:
    line.api.answer(REPLY_PATH, (status, {"message": "The request body has 1 error(s)"}))
    await line.send(text_event("ต่อบัตร"))
    assert [c.path for c in line.api.calls] == [REPLY_PATH]


async def test_retries_are_bounded(make_line: Any) -> None:
    line = await make_line(max_retries=2)
    line.api.answer(REPLY_PATH, *[(500, {"message": "down"})] * 10)
    await line.send(text_event("ต่อบัตร"))
    assert [c.path for c in line.api.calls] == [REPLY_PATH] * 3


async def test_slow_turn_shows_the_loading_animation_first(line: LineHarness) -> None:
    line.agent.delays["ช้า"] = 0.6
    await line.send(text_event("ช้า"))

    loading, reply = line.api.calls
    assert loading.path == LOADING_PATH
    assert loading.body == {"chatId": USER_A, "loadingSeconds": 20}
    assert loading.headers["Authorization"] == "Bearer test-access-token"
    assert reply.path == REPLY_PATH


async def test_fast_turn_shows_no_loading_animation(line: LineHarness) -> None:
    line.agent.delays["เร็ว"] = 0.05
    await line.send(text_event("เร็ว"))
    assert [c.path for c in line.api.calls] == [REPLY_PATH]


async def test_failed_loading_animation_does_not_stop_the_answer(line: LineHarness) -> None:
    line.api.answer(LOADING_PATH, (400, {"message": "chatId is invalid"}))
    line.agent.delays["ช้า"] = 0.5
    await line.send(text_event("ช้า"))
    assert [c.path for c in line.api.calls] == [LOADING_PATH, REPLY_PATH]


async def test_failing_turn_answers_with_the_apology(line: LineHarness) -> None:
    line.agent.fail_on.add("พัง")
    await line.send(text_event("พัง"))
    [reply] = line.api.calls
    assert reply.body["messages"] == [{"type": "text", "text": DEFAULT_APOLOGY}]


async def test_stalled_turn_answers_with_the_apology_in_time(make_line: Any) -> None:
    line = await make_line(turn_timeout_seconds=0.5)
    line.agent.delays["ค้าง"] = 3.0
    await line.send(text_event("ค้าง"))
    reply = line.api.to(REPLY_PATH)[0]
    assert reply.body["messages"] == [{"type": "text", "text": DEFAULT_APOLOGY}]
    assert reply.at - line.api.to(LOADING_PATH)[0].at < 0.6


async def test_turn_without_bot_messages_answers_with_the_apology(line: LineHarness) -> None:
    line.agent.replies["เงียบ"] = []
    await line.send(text_event("เงียบ"))
    assert line.api.calls[0].body["messages"] == [{"type": "text", "text": DEFAULT_APOLOGY}]


async def test_output_channel_for_rasa_initiated_messages_pushes(line_api: FakeLineApi) -> None:
    channel = LineInput(test_settings(line_api.url), 5.0)
    output = channel.get_output_channel()
    assert output.name() == "line"
    await output.send_response(GROUP, {"text": "แจ้งเตือนค่ะ", "buttons": FEEDBACK["buttons"]})
    await output.send_text_message(USER_A, "อีกข้อความค่ะ")
    await channel.close()

    first, second = line_api.calls
    assert first.path == PUSH_PATH and first.body["to"] == GROUP
    assert first.body["messages"][0]["text"] == "แจ้งเตือนค่ะ"
    assert len(first.body["messages"][0]["quickReply"]["items"]) == 2
    assert second.body == {"to": USER_A, "messages": [{"type": "text", "text": "อีกข้อความค่ะ"}]}


async def test_client_raises_typed_errors(line_api: FakeLineApi) -> None:
    client = LineApiClient(test_settings(line_api.url))
    line_api.answer(REPLY_PATH, (400, {"message": "Invalid reply token"}),
                    (400, {"message": "The request body has 2 error(s)"}))
    with pytest.raises(InvalidReplyTokenError):
        await client.reply("used-token", [{"type": "text", "text": "ก"}])
    with pytest.raises(LineApiError) as error:
        await client.reply("token", [{"type": "text", "text": "ก"}])
    assert not isinstance(error.value, InvalidReplyTokenError)
    assert (error.value.status, error.value.detail) == (400, "The request body has 2 error(s)")
    await client.close()


async def test_wrong_access_token_is_a_final_401(line_api: FakeLineApi) -> None:
    client = LineApiClient(test_settings(line_api.url, channel_access_token="wrong"))
    with pytest.raises(LineApiError) as error:
        await client.push(USER_A, [{"type": "text", "text": "ก"}])
    assert error.value.status == 401
    assert line_api.calls == []  # the stand-in refuses before recording
    await client.close()


async def test_unreachable_api_is_retried_then_reported(line_api: FakeLineApi) -> None:
    client = LineApiClient(test_settings("http://127.0.0.1:9", max_retries=1))
    with pytest.raises(LineApiError) as error:
        await client.push(USER_A, [{"type": "text", "text": "ก"}])
    assert error.value.status is None
    await client.close()
