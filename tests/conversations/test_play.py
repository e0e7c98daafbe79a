"""Fast tier: the runner against a stand-in of the REST channel (no Rasa)."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.conversations.cases import Case, Turn
from tests.conversations.play import play

# What the stand-in answers per message; anything else gets a 500.
ANSWERS: dict[str, list[dict[str, Any]]] = {
    "ทำพาสปอร์ตกี่บาท": [{"text": "ค่าธรรมเนียมค่ะ\n• 1,000 บาท"}],
    "แล้วที่ไหน": [{"text": "สำนักงานหนังสือเดินทาง"}, {"custom": {"card": {}}}],
}


@pytest.fixture()
def webhook() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    received: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((body["sender"], body["message"]))
            answer = ANSWERS.get(body["message"])
            self.send_response(200 if answer is not None else 500)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(answer or {"error": "boom"}).encode())

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()


def case(case_id: str, *turns: tuple[str, str]) -> Case:
    return Case(id=case_id, category="follow_up", source="test.yml",
                turns=tuple(Turn(say=say, expect=((fact,),)) for say, fact in turns))


def test_each_case_plays_its_turns_in_order_under_its_own_sender(
    webhook: tuple[str, list[tuple[str, str]]],
) -> None:
    url, received = webhook
    cases = [case("a", ("ทำพาสปอร์ตกี่บาท", "1,000 บาท"), ("แล้วที่ไหน", "สำนักงานหนังสือเดินทาง")),
             case("b", ("ทำพาสปอร์ตกี่บาท", "1,500 บาท"))]
    first, second = play(url, cases, workers=1)
    assert first.passed and first.turns_passed == 2
    assert str(second.failure) == 'turn 1: missing "1,500 บาท"'
    senders = [sender for sender, _ in received]
    assert senders[0] == senders[1] != senders[2]
    messages = [message for _, message in received]
    assert messages == ["ทำพาสปอร์ตกี่บาท", "แล้วที่ไหน", "ทำพาสปอร์ตกี่บาท"]


def test_a_failed_request_fails_the_case_at_that_turn_and_stops_it(
    webhook: tuple[str, list[tuple[str, str]]],
) -> None:
    url, received = webhook
    (result,) = play(url, [case("c", ("ทำพาสปอร์ตกี่บาท", "1,000 บาท"), ("ระเบิด", "x"),
                                ("แล้วที่ไหน", "สำนักงานหนังสือเดินทาง"))])
    assert str(result.failure) == "turn 2: no reply (HTTP 500)"
    assert result.turns_passed == 1
    assert len(received) == 2
