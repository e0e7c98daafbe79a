"""End to end over REST: the Rasa server (Python 3.10 environment) talks to the
action server (modern environment), which reads the seeded knowledge base.

This proves the Rasa-server to action-server protocol across the two
environments: custom actions run, their slots come back into the tracker, and
their custom payloads reach the channel.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import urllib.request
import uuid

import pytest

from app.launcher import Stack
from tests.conftest import skip_or_fail
from tests.e2e.conftest import Chat, post_json

pytestmark = [pytest.mark.e2e, pytest.mark.model]


def new_chat(stack: Stack) -> Chat:
    return Chat(stack, f"e2e-{uuid.uuid4().hex}")


def test_greeting_carries_the_privacy_notice(stack: Stack) -> None:
    reply = new_chat(stack).texts("สวัสดีค่ะ")
    assert reply.startswith("สวัสดีค่ะ ดิฉันเป็นผู้ช่วยตอบคำถามงานบริการประชาชนของหน่วยงานรัฐ")
    assert "ไม่ต้องส่งเลขบัตรประชาชน เบอร์โทร หรือชื่อ-นามสกุลนะคะ" in reply


def test_documents_then_fee_remembers_the_service(stack: Stack) -> None:
    chat = new_chat(stack)
    messages = chat.send("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    text = "\n".join(m["text"] for m in messages if "text" in m)
    assert text.startswith("เอกสารที่ต้องใช้สำหรับทำหนังสือเดินทาง (พาสปอร์ต) บุคคลทั่วไปค่ะ")
    assert "• บัตรประจำตัวประชาชนฉบับจริงที่ยังไม่หมดอายุ" in text
    assert "ที่มา: กรมการกงสุล กระทรวงการต่างประเทศ" in text
    cards = [m["custom"]["card"] for m in messages if "custom" in m]
    assert cards and cards[0]["type"] == "service" and cards[0]["code"] == "passport"
    assert messages[-1]["text"] == "คำตอบนี้เป็นประโยชน์ไหมคะ"

    follow_up = chat.texts("แล้วค่าธรรมเนียมเท่าไหร่คะ")
    assert follow_up.startswith("ค่าธรรมเนียมสำหรับทำหนังสือเดินทาง (พาสปอร์ต) บุคคลทั่วไปค่ะ")
    assert "• หนังสือเดินทางอายุไม่เกิน 5 ปี (แบบปกติ): 1,000 บาท" in follow_up


def test_shared_location_gives_the_nearest_offices(stack: Stack) -> None:
    messages = new_chat(stack).send('/share_location{"latitude": 18.79, "longitude": 98.98}')
    text = messages[0]["text"]
    assert text.startswith("สำนักงานใกล้ตำแหน่งของคุณค่ะ\n1. ที่ว่าการอำเภอเมืองเชียงใหม่\n   ห่างประมาณ 1.5 กม.")
    assert "https://www.google.com/maps/search/?api=1&query=18.7885,98.9942" in text
    card = next(m["custom"]["card"] for m in messages if "custom" in m)
    assert [o["code"] for o in card["offices"]][0] == "district_office:5001"
    assert card["offices"][0]["distance_km"] == 1.5


def test_district_named_in_text_gives_its_office_and_hours(stack: Stack) -> None:
    text = new_chat(stack).texts("อำเภอเมืองนครราชสีมาเปิดกี่โมงคะ")
    assert "1. ที่ว่าการอำเภอเมืองนครราชสีมา" in text
    assert "เวลาทำการ: จันทร์–ศุกร์ 08:30–16:30 น. ปิดวันหยุดราชการ" in text


def test_personal_data_is_never_echoed(stack: Stack) -> None:
    messages = new_chat(stack).send("ทำพาสปอร์ตใช้เอกสารอะไรคะ เลขบัตร 1-2345-67890-12-1 โทร 081-234-5678")
    assert messages[0]["text"] == (
        "เพื่อความปลอดภัย กรุณาอย่าส่งเลขบัตรประชาชนหรือเบอร์โทรในแชทนะคะ ระบบไม่ได้บันทึกข้อมูลนี้ไว้ และไม่จำเป็นต้องใช้ในการตอบคำถามค่ะ"
    )
    dumped = json.dumps(messages, ensure_ascii=False)
    for secret in ("1-2345-67890-12-1", "1234567890121", "081-234-5678", "0812345678"):
        assert secret not in dumped


def test_malformed_requests_get_400_with_a_reason(stack: Stack) -> None:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    status, body = post_json(url, None, raw=b"{not json")
    assert status == 400 and body["error"] == "invalid_json"
    status, body = post_json(url, {"sender": "x"})
    assert (status, body) == (400, {"error": "invalid_request",
                                    "message": "'message' must be a non-empty string"})


def test_http_api_is_closed_without_the_token(stack: Stack) -> None:
    for method, path in (("GET", "/conversations/x/tracker"), ("GET", "/status"),
                         ("POST", "/model/parse"), ("PUT", "/model")):
        request = urllib.request.Request(f"{stack.rasa_url}{path}", method=method, data=b"{}"
                                         if method != "GET" else None)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
        assert error.value.code in (401, 403)
    with urllib.request.urlopen(  # noqa: S310 - loopback
        f"{stack.rasa_url}/status?token={stack.config.rasa_token}", timeout=10
    ) as reply:
        assert reply.status == 200


def _outward_address() -> str:
    # The address this host would send from; a UDP connect sends nothing.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def test_servers_listen_on_loopback_only(stack: Stack) -> None:
    address = _outward_address()
    if address.startswith("127."):
        skip_or_fail("this host has no address other than loopback to try")
    for port in (stack.config.rasa_port, stack.config.action_port):
        with socket.socket() as loopback:
            loopback.connect(("127.0.0.1", port))  # listening
        with socket.socket() as outward, pytest.raises(ConnectionRefusedError):
            outward.settimeout(5)
            outward.connect((address, port))


RESTARTED = ("เริ่มการสนทนาใหม่แล้วค่ะ เรื่องที่คุยกันก่อนหน้านี้ถูกล้างเรียบร้อย "
             "มีเรื่องงานบริการใดให้ช่วย สอบถามได้เลยค่ะ")
NOT_UNDERSTOOD = (
    "ขออภัยค่ะ ไม่แน่ใจว่าหมายถึงเรื่องใด ช่วยเลือกจากตัวเลือกด้านล่างได้ไหมคะ",
    "ขออภัยค่ะ ดิฉันยังไม่เข้าใจคำถาม ช่วยพิมพ์ใหม่อีกครั้งได้ไหมคะ เช่น "
    "\"ต่อบัตรประชาชนใช้อะไรบ้าง\" หรือ \"อำเภอเมืองเชียงใหม่อยู่ไหน\"",
)
PASSPORT_FEE = "ค่าธรรมเนียมสำหรับทำหนังสือเดินทาง (พาสปอร์ต) บุคคลทั่วไปค่ะ"


def test_typed_restart_is_confirmed_politely(stack: Stack) -> None:
    chat = new_chat(stack)
    chat.send("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    assert chat.texts("/restart") == RESTARTED
    assert not chat.texts("แล้วค่าธรรมเนียมเท่าไหร่คะ").startswith(PASSPORT_FEE)  # forgotten


def test_typed_internal_command_is_read_as_text_and_keeps_the_conversation(stack: Stack) -> None:
    chat = new_chat(stack)
    chat.send("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    assert chat.texts("/session_start").startswith(NOT_UNDERSTOOD)
    assert chat.texts("แล้วค่าธรรมเนียมเท่าไหร่คะ").startswith(PASSPORT_FEE)


def test_feedback_button_still_works(stack: Stack) -> None:
    chat = new_chat(stack)
    chat.send("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    assert chat.texts('/feedback{"helpful": "yes"}') == "ขอบคุณสำหรับความเห็นค่ะ ดีใจที่ช่วยได้"


def test_action_server_down_gets_apology_and_hotline_and_keeps_the_message(stack: Stack) -> None:
    # Last in this module: stops the action server, then starts it again.
    chat = new_chat(stack)
    process = stack.processes["actions"]
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(60)  # a graceful stop, on two cores that other tiers keep busy
    try:
        reply = chat.texts("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
        assert reply == (
            "ขออภัยค่ะ ขณะนี้ระบบขัดข้องชั่วคราว ยังหาคำตอบให้ไม่ได้ กรุณาลองใหม่อีกครั้งในภายหลัง "
            "หรือโทรศูนย์บริการข้อมูลภาครัฐเพื่อประชาชน 1111 ค่ะ"
        )
        with urllib.request.urlopen(  # noqa: S310 - loopback
            f"{stack.rasa_url}/conversations/{chat.sender}/tracker?token={stack.config.rasa_token}",
            timeout=10,
        ) as response:
            events = json.loads(response.read())["events"]
        assert [e["text"] for e in events if e["event"] == "user"] == [
            "ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ"
        ]
    finally:
        stack.start_actions()
    assert "1,000 บาท" in chat.texts("แล้วค่าธรรมเนียมเท่าไหร่คะ")

