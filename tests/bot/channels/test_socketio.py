"""The web chat's socket.io channel: exact origins only, never a silent turn.

Real socket.io handshakes (python-socketio's client) against the app Rasa's own
``configure_app`` builds, with Rasa's HTTP CORS (``--cors``) switched on as
``rasa run`` would; only the agent is a stand-in.
"""
from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import websockets
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as StockSocketIOInput
from rasa.core.run import configure_app, create_http_input_channels
from rasa.shared.core.domain import Domain
from sanic import Sanic

from bot.channels.socketio import SocketIOInput, parse_origins
from common.paths import ROOT

PAGE = "http://localhost:8080"
OTHER_PAGE = "https://evil.example"
CREDENTIALS = {
    "user_message_evt": "user_uttered",
    "bot_message_evt": "bot_uttered",
    "session_persistence": True,
    "cors_allowed_origins": f"{PAGE}, http://127.0.0.1:8080",
}
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
APOLOGY = DOMAIN.responses["utter_service_unavailable"][0]["text"]
SERVICE_CARD = {
    "type": "service",
    "code": "passport",
    "name": "หนังสือเดินทาง",
    "aspect": "documents",
    "title": "เอกสารทำหนังสือเดินทาง",
    "lines": ["บัตรประจำตัวประชาชนตัวจริง"],
    "fee": None,
    "processing_time": None,
    "source": "กรมการกงสุล",
    "hotline": None,
}
FEEDBACK_BUTTONS = [
    {"title": "👍 มีประโยชน์", "payload": '/feedback{"helpful": "yes"}'},
    {"title": "👎 ยังไม่ตอบโจทย์", "payload": '/feedback{"helpful": "no"}'},
]


@dataclass
class ScriptedAgent:
    """Stands in for Rasa's agent: the real domain, scripted turns."""

    domain: Domain = DOMAIN
    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fail_on: set[str] = field(default_factory=set)
    received: list[UserMessage] = field(default_factory=list)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text in self.fail_on:
            raise RuntimeError("the action server is down")
        for bot in self.replies.get(message.text, []):
            await message.output_channel.send_response(message.sender_id, dict(bot))


@dataclass
class Server:
    url: str
    agent: ScriptedAgent


def test_origins_are_exact_and_normalised() -> None:
    assert parse_origins("https://Chat.Example.go.th/, http://localhost:8080") == [
        "https://chat.example.go.th",
        "http://localhost:8080",
    ]
    assert parse_origins(["http://127.0.0.1:8080", "http://127.0.0.1:8080"]) == ["http://127.0.0.1:8080"]
    assert parse_origins("") == []
    assert parse_origins(None) == []


@pytest.mark.parametrize(
    "origin",
    [
        "*",
        "https://*.go.th",
        r"https://.*\.go\.th",
        "https://chat.go.th|https://evil.example",
        "https://chat.go.th/path",
        "https://chat.go.th?x=1",
        "https://user@chat.go.th",
        "chat.go.th",
        "null",
        "ftp://chat.go.th",
    ],
)
def test_patterns_and_non_origins_are_refused(origin: str) -> None:
    with pytest.raises(ValueError):
        parse_origins(origin)


def test_credentials_keep_the_stock_parameters() -> None:
    channel = SocketIOInput.from_credentials(CREDENTIALS)
    assert isinstance(channel, SocketIOInput)
    assert channel.cors_allowed_origins == [PAGE, "http://127.0.0.1:8080"]
    assert channel.session_persistence is True
    assert (channel.user_message_evt, channel.bot_message_evt) == ("user_uttered", "bot_uttered")
    assert channel.socketio_path == "/socket.io"


def test_credentials_file_builds_this_channel_with_the_origins_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_ALLOWED_ORIGINS", "https://chat.example.go.th,http://localhost:8080")
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LINE_API_BASE_URL"):
        monkeypatch.setenv(name, "test-value" if name != "LINE_API_BASE_URL" else "http://127.0.0.1:9")
    channels = create_http_input_channels(None, str(ROOT / "credentials.yml"))
    [web] = [channel for channel in channels if isinstance(channel, SocketIOInput)]
    assert web.cors_allowed_origins == ["https://chat.example.go.th", "http://localhost:8080"]
    assert web.session_persistence is True
    assert not any(type(channel) is StockSocketIOInput for channel in channels)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    Sanic.test_mode = True
    channel = SocketIOInput.from_credentials(CREDENTIALS)
    # As `rasa run --cors <exact origin>` builds it; the API itself is not needed.
    app = configure_app([channel], cors=[PAGE], enable_api=False, use_uvloop=False)
    agent = ScriptedAgent()
    app.ctx.agent = agent
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    running = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert running is not None
    await running.startup()
    await running.before_start()
    yield Server(f"http://127.0.0.1:{sock.getsockname()[1]}", agent)
    await running.before_stop()
    running.close()
    await running.wait_closed()


class Citizen:
    """A page's socket.io client, speaking Engine.IO v4 over a WebSocket.

    Written out here because python-socketio's client needs aiohttp >= 3.10
    for WebSockets, and the Rasa environment pins aiohttp 3.9.
    """

    def __init__(self) -> None:
        self.ws: Any = None
        self.session_id: str | None = None

    async def connect(self, url: str, origin: str, session_id: str | None = None) -> None:
        """Open the socket and a session; raises ConnectionRefused if not let in."""
        ws_url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = await websockets.connect(ws_url, extra_headers={"Origin": origin})
        opening = await self._packet()
        assert opening.startswith("0{"), opening  # Engine.IO open
        await self.ws.send("40")  # Socket.IO connect to "/"
        reply = await self._packet()
        if reply.startswith("44"):
            raise ConnectionRefused(reply)
        assert reply.startswith("40{"), reply
        await self.emit("session_request", {"session_id": session_id})
        event, session_id = await self.next_event()
        assert event == "session_confirm"
        self.session_id = session_id

    async def emit(self, event: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([event, data], ensure_ascii=False))

    async def say(self, text: str) -> None:
        await self.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def _packet(self) -> str:
        while True:
            packet = await asyncio.wait_for(self.ws.recv(), 5)
            if packet == "2":  # ping
                await self.ws.send("3")
                continue
            return str(packet)

    async def next_event(self) -> tuple[str, Any]:
        packet = await self._packet()
        assert packet.startswith("42"), packet
        event, data = json.loads(packet[2:])
        return event, data

    async def next_message(self) -> dict[str, Any]:
        event, data = await self.next_event()
        assert event == "bot_uttered"
        return data

    async def nothing_more(self) -> bool:
        try:
            await asyncio.wait_for(self.ws.recv(), 0.5)
        except asyncio.TimeoutError:
            return True
        return False

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


class ConnectionRefused(Exception):
    """The server answered Socket.IO's connect with CONNECT_ERROR."""


async def polling_connect(url: str, origin: str) -> tuple[list[str], str]:
    """Socket.IO connect over long-polling as a browser page at ``origin`` would.

    Returns the Access-Control-Allow-Origin headers of the handshake and the
    server's answer to the connect packet ("40..." or "44...").
    """
    base = f"{url}/socket.io/?EIO=4&transport=polling"
    headers = {"Origin": origin}
    async with aiohttp.ClientSession() as session:
        async with session.get(base, headers=headers) as reply:
            assert reply.status == 200
            allow = reply.headers.getall("Access-Control-Allow-Origin", [])
            opening = await reply.text()
        sid = json.loads(opening[1:])["sid"]
        async with session.post(f"{base}&sid={sid}", data="40", headers=headers) as reply:
            assert reply.status == 200
        async with session.get(f"{base}&sid={sid}", headers=headers) as reply:
            answer = await reply.text()
    return allow, answer


@pytest.fixture
async def citizen() -> AsyncIterator[Citizen]:
    person = Citizen()
    yield person
    await person.close()


async def test_allowed_origin_connects_and_chats(server: Server, citizen: Citizen) -> None:
    server.agent.replies["สวัสดีค่ะ"] = [{"text": "สวัสดีค่ะ ถามได้เลยค่ะ"}]
    await citizen.connect(server.url, PAGE)
    await citizen.say("สวัสดีค่ะ")
    assert await citizen.next_message() == {"text": "สวัสดีค่ะ ถามได้เลยค่ะ"}
    assert server.agent.received[0].sender_id == citizen.session_id
    assert server.agent.received[0].input_channel == "socketio"


async def test_a_reloaded_page_continues_its_session(server: Server) -> None:
    server.agent.replies["ขอบคุณค่ะ"] = [{"text": "ยินดีค่ะ มีอะไรให้ช่วยอีกไหมคะ"}]
    first, again = Citizen(), Citizen()
    try:
        await first.connect(server.url, PAGE)
        session_id = first.session_id
        assert session_id is not None and len(session_id) == 32
        await first.close()
        await again.connect(server.url, PAGE, session_id)  # what the page stored
        assert again.session_id == session_id
        await again.say("ขอบคุณค่ะ")
        assert await again.next_message() == {"text": "ยินดีค่ะ มีอะไรให้ช่วยอีกไหมคะ"}
        assert [m.sender_id for m in server.agent.received] == [session_id]
    finally:
        await again.close()


@pytest.mark.parametrize("requested", ["1", "ABCDEF", "x" * 32, "a" * 33])
async def test_guessable_session_ids_are_replaced(
    server: Server, citizen: Citizen, requested: str
) -> None:
    await citizen.connect(server.url, PAGE, requested)
    assert citizen.session_id != requested
    assert citizen.session_id is not None and len(citizen.session_id) == 32


async def test_other_origin_is_refused(server: Server, citizen: Citizen) -> None:
    with pytest.raises(ConnectionRefused):
        await citizen.connect(server.url, OTHER_PAGE)
    # Its messages reach no handler: the socket never joined the namespace.
    await citizen.emit("user_uttered", {"message": "สวัสดีค่ะ", "session_id": "x"})
    assert await citizen.nothing_more()
    assert server.agent.received == []


async def test_long_polling_lets_in_the_page_only_with_one_cors_header(server: Server) -> None:
    allow, answer = await polling_connect(server.url, PAGE)
    # Exactly one header (from `rasa run --cors`): browsers reject two.
    assert allow == [PAGE]
    assert answer.startswith("40{")
    allow, answer = await polling_connect(server.url, OTHER_PAGE)
    assert allow == []  # the browser would not even read the handshake
    assert answer.startswith("44")


async def test_turn_without_a_bot_message_gets_the_domain_apology(
    server: Server, citizen: Citizen
) -> None:
    await citizen.connect(server.url, PAGE)
    await citizen.say("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")  # no reply scripted: action server down
    assert await citizen.next_message() == {"text": APOLOGY}
    assert APOLOGY.startswith("ขออภัยค่ะ ขณะนี้ระบบขัดข้องชั่วคราว")


async def test_failing_turn_gets_the_domain_apology(server: Server, citizen: Citizen) -> None:
    server.agent.fail_on.add("ต่อบัตรประชาชนใช้อะไรบ้าง")
    await citizen.connect(server.url, PAGE)
    await citizen.say("ต่อบัตรประชาชนใช้อะไรบ้าง")
    assert await citizen.next_message() == {"text": APOLOGY}


async def test_text_card_and_buttons_arrive_as_one_message(server: Server, citizen: Citizen) -> None:
    text = "ทำหนังสือเดินทางใช้เอกสารดังนี้ค่ะ\n\n• บัตรประจำตัวประชาชนตัวจริง"
    server.agent.replies["ทำพาสปอร์ต"] = [
        {"text": text, "custom": {"card": SERVICE_CARD}},
        {"text": "คำตอบนี้เป็นประโยชน์ไหมคะ", "buttons": FEEDBACK_BUTTONS},
    ]
    await citizen.connect(server.url, PAGE)
    await citizen.say("ทำพาสปอร์ต")
    assert await citizen.next_message() == {"text": text, "custom": {"card": SERVICE_CARD}}
    assert await citizen.next_message() == {
        "text": "คำตอบนี้เป็นประโยชน์ไหมคะ",
        "quick_replies": [
            {"content_type": "text", "title": "👍 มีประโยชน์", "payload": '/feedback{"helpful": "yes"}'},
            {"content_type": "text", "title": "👎 ยังไม่ตอบโจทย์", "payload": '/feedback{"helpful": "no"}'},
        ],
    }
    assert await citizen.nothing_more()
