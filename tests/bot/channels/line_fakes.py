"""A local stand-in for LINE's Messaging API, a stub Rasa agent, and a running
Sanic app with the LINE blueprint registered the way Rasa registers it."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from bot.channels.line import LineInput
from bot.channels.settings import LineSettings

SECRET = "test-channel-secret"
TOKEN = "test-access-token"
USER_A = "U" + "a" * 32
USER_B = "U" + "b" * 32
GROUP = "C" + "c" * 32

Reply = list[dict[str, Any]]


@dataclass
class ApiCall:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float


class FakeLineApi:
    """Records every call; answers 200 ``{}`` unless told otherwise per path."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._scripted: dict[str, deque[tuple[int, dict[str, Any]]]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def answer(self, path: str, *answers: tuple[int, dict[str, Any]]) -> None:
        """The next calls to ``path`` get these (status, JSON body) answers, in order."""
        self._scripted[path].extend(answers)

    def to(self, path: str) -> list[ApiCall]:
        return [call for call in self.calls if call.path == path]

    async def _handle(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"message": "Authentication failed"}, status=401)
        self.calls.append(
            ApiCall(request.path, await request.json(), dict(request.headers), time.monotonic())
        )
        scripted = self._scripted[request.path]
        status, body = scripted.popleft() if scripted else (200, {})
        return web.json_response(body, status=status)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class StubAgent:
    """Stands in for Rasa's agent: answers by the user text, records the turns.

    ``replies`` maps a user text to the bot messages of its turn (default: an
    echo); ``delays`` maps a user text to seconds the turn takes.
    """

    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    fail_on: set[str] = field(default_factory=set)
    received: list[UserMessage] = field(default_factory=list)
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (event, sender, text)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        self.log.append(("start", message.sender_id, message.text))
        await asyncio.sleep(self.delays.get(message.text, 0.0))
        if message.text in self.fail_on:
            raise RuntimeError("the action server is down")
        for bot in self.replies.get(message.text, [{"text": f"ตอบ: {message.text}"}]):
            await message.output_channel.send_response(message.sender_id, dict(bot))
        self.log.append(("end", message.sender_id, message.text))


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event(kind: str = "message", user: str = USER_A, **fields: Any) -> dict[str, Any]:
    """A webhook event from ``user`` in a 1:1 chat, with a fresh ID and reply token."""
    base: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": 1_764_000_000_000,
        "source": {"type": "user", "userId": user},
        "webhookEventId": uuid.uuid4().hex.upper(),
        "deliveryContext": {"isRedelivery": False},
    }
    if kind in {"message", "postback", "follow", "join", "memberJoined"}:
        base["replyToken"] = uuid.uuid4().hex
    base.update(fields)
    return base


def text_event(text: str, user: str = USER_A, **fields: Any) -> dict[str, Any]:
    return event(message={"type": "text", "id": "1", "text": text}, user=user, **fields)


def webhook_body(*events: dict[str, Any]) -> bytes:
    return json.dumps({"destination": "U" + "0" * 32, "events": list(events)}).encode()


@dataclass
class LineHarness:
    channel: LineInput
    agent: Any  # StubAgent, or a real rasa Agent
    api: FakeLineApi
    url: str
    session: aiohttp.ClientSession

    async def post(
        self, body: bytes, signature: str | None | Callable[[bytes], str] = sign
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if callable(signature):
            headers["X-Line-Signature"] = signature(body)
        elif signature is not None:
            headers["X-Line-Signature"] = signature
        async with self.session.post(self.url, data=body, headers=headers) as answer:
            return answer.status, await answer.json(content_type=None)

    async def send(self, *events: dict[str, Any]) -> None:
        """Post signed events, expect 200 at once, and wait until they are answered."""
        status, _ = await self.post(webhook_body(*events))
        assert status == 200
        await self.channel.drain()


def test_settings(api_url: str, **overrides: Any) -> LineSettings:
    values: dict[str, Any] = {
        "channel_secret": SECRET,
        "channel_access_token": TOKEN,
        "api_base_url": api_url,
        "loading_delay_seconds": 0.2,
        "backoff_base_seconds": 0.01,
        "backoff_max_seconds": 0.05,
        "request_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return LineSettings(**values)


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


async def start_sanic(channel: LineInput, agent: Any) -> tuple[Any, str]:
    """Serve the channel's blueprint under /webhooks/ on a free local port."""
    Sanic.test_mode = True
    app = Sanic(f"line_test_{uuid.uuid4().hex[:8]}", configure_logging=False)
    register([channel], app, "/webhooks/")
    app.ctx.agent = agent
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    port = sock.getsockname()[1]
    return server, f"http://127.0.0.1:{port}/webhooks/line/webhook"
