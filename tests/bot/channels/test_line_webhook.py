"""The LINE webhook through a real Sanic app, against a local stand-in of LINE's API."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from line_fakes import GROUP, USER_A, USER_B, LineHarness, event, sign, text_event, webhook_body

from bot.channels.line_api import LOADING_PATH, PUSH_PATH, REPLY_PATH
from common.line_messages import MEDIA_NOT_SUPPORTED_TEXT


async def test_text_message_is_one_rasa_turn_and_one_reply(line: LineHarness) -> None:
    incoming = text_event("ต่อบัตรประชาชนใช้อะไรบ้าง")
    await line.send(incoming)

    [message] = line.agent.received
    assert message.text == "ต่อบัตรประชาชนใช้อะไรบ้าง"
    assert message.sender_id == USER_A
    assert message.input_channel == "line"
    assert message.message_id == incoming["webhookEventId"]
    assert message.metadata == {"line": {"event_type": "message", "source_type": "user"}}
    [reply] = line.api.calls
    assert reply.path == REPLY_PATH
    assert reply.headers["Authorization"] == "Bearer test-access-token"
    assert reply.body == {
        "replyToken": incoming["replyToken"],
        "messages": [{"type": "text", "text": "ตอบ: ต่อบัตรประชาชนใช้อะไรบ้าง"}],
    }


async def test_health_route(line: LineHarness) -> None:
    async with line.session.get(line.url.removesuffix("webhook")) as answer:
        assert answer.status == 200
        assert await answer.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "not-base64-at-all",
        lambda body: sign(body, "another-secret"),
        lambda body: sign(body + b" "),
        lambda body: sign(body).lower(),
        "ลายเซ็นปลอม",
    ],
    ids=["missing", "empty", "garbage", "other-secret", "other-body", "case-changed", "non-ascii"],
)
async def test_unsigned_or_forged_requests_get_401_and_nothing_happens(
    line: LineHarness, signature: Any
) -> None:
    status, answer = await line.post(webhook_body(text_event("สวัสดี")), signature)
    await line.channel.drain()
    await asyncio.sleep(0.3)  # longer than the loading delay: nothing may start late

    assert status == 401
    assert answer == {"error": "unauthorized", "message": "missing or invalid X-Line-Signature"}
    assert line.agent.received == []
    assert line.api.calls == []


async def test_signature_is_checked_before_the_body_is_parsed(line: LineHarness) -> None:
    status, _ = await line.post(b"{not json", "forged")
    assert status == 401


async def test_empty_channel_secret_refuses_everything(make_line: Any) -> None:
    line = await make_line(channel_secret="")
    status, _ = await line.post(webhook_body(text_event("สวัสดี")), lambda body: sign(body, ""))
    await line.channel.drain()
    assert status == 401
    assert line.agent.received == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "body is not valid UTF-8 JSON"),
        (b"\xff\xfe", "body is not valid UTF-8 JSON"),
        (b"[]", "body must be a JSON object"),
        (b'{"destination": "x"}', "'events' must be a list"),
        (b'{"events": {"type": "message"}}', "'events' must be a list"),
        (b'{"events": ["message"]}', "events[0] must be an object"),
        (b'{"events": [{"source": {}}]}', "events[0].type must be a non-empty string"),
        (b'{"events": [{"type": "message", "message": {"text": "x"}}]}',
         "events[0].message.type must be a string"),
        (b'{"events": [{"type": "message", "message": {"type": "text"}}]}',
         "events[0].message.text must be a string"),
        (b'{"events": [{"type": "message", "message": {"type": "location", "latitude": "18.7",'
         b' "longitude": 98.9}}]}', "events[0].message.latitude must be a number within \u00b190"),
        (b'{"events": [{"type": "message", "message": {"type": "location", "latitude": 18.7,'
         b' "longitude": 198.9}}]}',
         "events[0].message.longitude must be a number within \u00b1180"),
        (b'{"events": [{"type": "postback", "postback": {}}]}',
         "events[0].postback.data must be a string"),
        (b'{"events": [{"type": "follow", "source": "U1"}]}', "events[0].source must be an object"),
        (b'{"events": [{"type": "follow", "replyToken": 5}]}',
         "events[0].replyToken must be a string"),
    ],
)
async def test_malformed_bodies_get_400_with_a_reason(
    line: LineHarness, body: bytes, reason: str
) -> None:
    status, answer = await line.post(body)
    await line.channel.drain()
    assert (status, answer) == (400, {"error": "invalid_request", "message": reason})
    assert line.agent.received == [] and line.api.calls == []


async def test_one_bad_event_refuses_the_whole_body(line: LineHarness) -> None:
    good = text_event("สวัสดี")
    body = json.dumps({"events": [good, {"type": "message", "message": {}}]}).encode()
    status, _ = await line.post(body)
    await line.channel.drain()
    assert status == 400
    assert line.agent.received == []


async def test_verification_request_gets_200(line: LineHarness) -> None:
    body = b'{"destination": "U00000000000000000000000000000000", "events": []}'
    status, answer = await line.post(body)
    assert (status, answer) == (200, {"status": "ok"})
    assert line.api.calls == []


async def test_answers_200_before_the_turn_finishes(line: LineHarness) -> None:
    line.agent.delays["ช้า"] = 0.5
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, _ = await line.post(webhook_body(text_event("ช้า")))
    answered_after = loop.time() - started
    assert status == 200
    assert answered_after < 0.4
    assert line.api.to(REPLY_PATH) == []
    await line.channel.drain()
    assert len(line.api.to(REPLY_PATH)) == 1


async def test_location_becomes_share_location_intent(line: LineHarness) -> None:
    location = {"type": "location", "id": "2", "title": "บ้าน", "address": "เชียงใหม่",
                "latitude": 18.7883, "longitude": 98.9853}
    await line.send(event(message=location))
    assert [m.text for m in line.agent.received] == [
        '/share_location{"latitude": 18.7883, "longitude": 98.9853}'
    ]


@pytest.mark.parametrize(
    "message",
    [
        {"type": "sticker", "id": "3", "packageId": "446", "stickerId": "1988"},
        {"type": "image", "id": "4", "contentProvider": {"type": "line"}},
        {"type": "audio", "id": "5", "duration": 6000, "contentProvider": {"type": "line"}},
        {"type": "video", "id": "6", "duration": 6000, "contentProvider": {"type": "line"}},
        {"type": "file", "id": "7", "fileName": "บัตร.pdf", "fileSize": 2048},
    ],
    ids=lambda m: m["type"],
)
async def test_media_gets_please_type_without_rasa(
    line: LineHarness, message: dict[str, Any]
) -> None:
    incoming = event(message=message)
    await line.send(incoming)

    assert line.agent.received == []
    [reply] = line.api.calls
    assert reply.path == REPLY_PATH
    assert reply.body["replyToken"] == incoming["replyToken"]
    [answer] = reply.body["messages"]
    assert answer["text"] == MEDIA_NOT_SUPPORTED_TEXT
    assert answer["text"].startswith("กรุณาพิมพ์คำถามเป็นข้อความนะคะ")
    assert answer["quickReply"]["items"] == [
        {"type": "action", "action": {"type": "location", "label": "ส่งตำแหน่งของฉัน"}}
    ]


async def test_postback_data_is_the_user_message(line: LineHarness) -> None:
    await line.send(event("postback", postback={"data": '/feedback{"helpful": "yes"}'}))
    assert [m.text for m in line.agent.received] == ['/feedback{"helpful": "yes"}']
    assert len(line.api.to(REPLY_PATH)) == 1


async def test_follow_runs_greet_and_replies_with_the_welcome(line: LineHarness) -> None:
    welcome = "สวัสดีค่ะ ดิฉันเป็นผู้ช่วยตอบคำถามงานบริการประชาชน"
    line.agent.replies["/greet"] = [{"text": welcome}]
    incoming = event("follow", follow={"isUnblocked": False})
    await line.send(incoming)

    assert [m.text for m in line.agent.received] == ["/greet"]
    [reply] = line.api.calls
    assert reply.body == {"replyToken": incoming["replyToken"],
                          "messages": [{"type": "text", "text": welcome}]}


@pytest.mark.parametrize(
    "incoming",
    [
        event("unfollow"),
        event("join", source={"type": "group", "groupId": GROUP}),
        event("leave", source={"type": "group", "groupId": GROUP}),
        event("memberJoined", source={"type": "group", "groupId": GROUP},
              joined={"members": [{"type": "user", "userId": USER_B}]}),
        event("memberLeft", source={"type": "group", "groupId": GROUP},
              left={"members": [{"type": "user", "userId": USER_B}]}),
        event("unsend", unsend={"messageId": "325708"}),
        event("videoPlayComplete", replyToken="r", videoPlayComplete={"trackingId": "t"}),
        event("accountLink", replyToken="r", link={"result": "ok", "nonce": "n"}),
        event("somethingNew"),
        event(message={"type": "somethingNew", "id": "8"}),
        text_event("   "),
        text_event("ต่อบัตร", mode="standby"),
        text_event("ไม่มีต้นทาง", source={"type": "user"}),
    ],
    ids=["unfollow", "join", "leave", "memberJoined", "memberLeft", "unsend", "videoPlayComplete",
         "accountLink", "unknown-event", "unknown-message", "blank-text", "standby",
         "no-source-id"],
)
async def test_events_without_an_answer_are_accepted_silently(
    line: LineHarness, incoming: dict[str, Any]
) -> None:
    await line.send(incoming)
    assert line.agent.received == []
    assert line.api.calls == []


async def test_redelivered_duplicate_is_processed_once(line: LineHarness) -> None:
    first = text_event("ค่าธรรมเนียมเท่าไหร่")
    again = {**first, "deliveryContext": {"isRedelivery": True}}
    await line.send(first)
    await line.send(again)
    await line.send(first)

    assert [m.text for m in line.agent.received] == ["ค่าธรรมเนียมเท่าไหร่"]
    assert len(line.api.calls) == 1


async def test_duplicate_inside_one_body_is_processed_once(line: LineHarness) -> None:
    first = text_event("ค่าธรรมเนียมเท่าไหร่")
    await line.send(first, first)
    assert len(line.agent.received) == 1


async def test_first_seen_redelivery_is_processed(line: LineHarness) -> None:
    await line.send(text_event("เปิดกี่โมง", deliveryContext={"isRedelivery": True}))
    assert [m.text for m in line.agent.received] == ["เปิดกี่โมง"]
    assert len(line.api.to(REPLY_PATH)) == 1


async def test_one_users_events_run_in_order_and_users_run_concurrently(
    line: LineHarness,
) -> None:
    # The earlier a message, the slower its turn: without ordering they would cross.
    line.agent.delays.update({"หนึ่ง": 0.4, "สอง": 0.2, "สาม": 0.0, "บี": 0.0})
    a1, a2, a3 = text_event("หนึ่ง"), text_event("สอง"), text_event("สาม")
    b1 = text_event("บี", user=USER_B)
    for incoming in (a1, a2, a3, b1):
        status, _ = await line.post(webhook_body(incoming))
        assert status == 200
    await line.channel.drain()

    a_log = [(step, text) for step, sender, text in line.agent.log if sender == USER_A]
    assert a_log == [("start", "หนึ่ง"), ("end", "หนึ่ง"), ("start", "สอง"), ("end", "สอง"),
                     ("start", "สาม"), ("end", "สาม")]
    # B did not wait for A's slow first turn.
    assert line.agent.log.index(("end", USER_B, "บี")) < line.agent.log.index(
        ("end", USER_A, "หนึ่ง"))
    tokens = [call.body["replyToken"] for call in line.api.to(REPLY_PATH)]
    assert tokens == [b1["replyToken"], a1["replyToken"], a2["replyToken"], a3["replyToken"]]


async def test_events_of_one_body_keep_their_order(line: LineHarness) -> None:
    line.agent.delays["หนึ่ง"] = 0.2
    await line.send(text_event("หนึ่ง"), text_event("สอง"))
    assert [m.text for m in line.agent.received] == ["หนึ่ง", "สอง"]


async def test_group_message_uses_user_as_sender_and_replies_to_the_group(
    line: LineHarness,
) -> None:
    line.agent.delays["ในกลุ่ม"] = 0.4  # slow, yet no loading animation in groups
    incoming = text_event("ในกลุ่ม", source={"type": "group", "groupId": GROUP, "userId": USER_B})
    line.api.answer(REPLY_PATH, (400, {"message": "Invalid reply token"}))
    await line.send(incoming)

    [message] = line.agent.received
    assert message.sender_id == USER_B
    assert message.metadata["line"]["source_type"] == "group"
    assert [c.path for c in line.api.calls] == [REPLY_PATH, PUSH_PATH]
    assert line.api.calls[0].body["replyToken"] == incoming["replyToken"]
    assert line.api.calls[1].body["to"] == GROUP
    assert line.api.to(LOADING_PATH) == []


async def test_group_member_without_user_id_talks_as_the_group(line: LineHarness) -> None:
    await line.send(text_event("ในห้อง", source={"type": "room", "roomId": "R" + "d" * 32}))
    assert line.agent.received[0].sender_id == "R" + "d" * 32


async def test_line_user_id_never_reaches_the_logs(
    line: LineHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first = text_event("ต่อบัตร")
    line.api.answer(REPLY_PATH, (500, {"message": "oops"}),
                    (400, {"message": "Invalid reply token"}))
    await line.send(first)
    await line.send({**first, "deliveryContext": {"isRedelivery": True}})
    await line.send(event("unfollow"))
    line.agent.fail_on.add("พัง")
    await line.send(text_event("พัง", user=USER_B))

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "dropped duplicate message event" in logged
    assert USER_A not in logged and USER_B not in logged
    assert "ต่อบัตร" not in logged

