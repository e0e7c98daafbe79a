"""Socket.IO channel of the web chat: exact allowed origins, never a silent turn.

Replaces Rasa's stock ``socketio`` channel (same parameters, same events and
path). Differences, each for a reason:

* Rasa 3.6 creates its socket.io server with ``cors_allowed_origins=[]``,
  which turns python-engineio's origin check *off*: any web site could open a
  chat in a visitor's browser. Here a connection is accepted only from the
  exact origins listed in ``cors_allowed_origins`` (a list, or a
  comma-separated string such as ``${WEB_ALLOWED_ORIGINS}``); patterns, ``*``
  and anything that is not a bare ``scheme://host[:port]`` are refused at
  start-up. Long-polling responses get their CORS headers from
  ``rasa run --cors`` with the same exact origins.
* A turn that produced no bot message (the action server is down) or failed
  or stalled gets the domain's ``utter_service_unavailable`` text.
* A message's text, buttons and ``custom`` card go out as ONE socket message
  ``{"text", "quick_replies", "custom"}``, so the web chat shows the card and
  not the same answer twice. (The stock ``send_custom_json`` passes the custom
  dict as keyword arguments to ``emit`` and fails on ``{"card": ...}``.)
* Text is not split into one bubble per paragraph.
* ``session_request`` awaits ``enter_room`` (a coroutine in the installed
  python-socketio; Rasa 3.6 does not await it, so with
  ``session_persistence: true`` no answer ever reached the browser) and only
  honours session IDs of the form it issues.
"""
from __future__ import annotations

import inspect
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput as StockSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as StockSocketIOOutput
from sanic import Blueprint, Sanic

from bot.channels.safety import apology_text, run_turn
from bot.channels.settings import load_channel_settings

logger = logging.getLogger(__name__)

# Characters that make sanic-cors/flask-cors treat an origin as a regex; an
# exact origin never contains them.
_PATTERN_CHARS = set("*\\]?[()^$|+{}")
_SESSION_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex


def parse_origins(value: str | Iterable[str] | None) -> list[str]:
    """Exact origins from a list or a comma-separated string.

    Raises:
        ValueError: an entry is a wildcard, a pattern or not a bare origin.
    """
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    origins: list[str] = []
    for item in items:
        origin = str(item).strip().rstrip("/").lower()
        if not origin:
            continue
        if _PATTERN_CHARS & set(origin):
            raise ValueError(f"allowed origin {origin!r} is a pattern; list exact origins only")
        parts = urlsplit(origin)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username is not None
        ):
            raise ValueError(
                f"allowed origin {origin!r} must be scheme://host[:port], e.g. https://chat.example.go.th"
            )
        if origin not in origins:
            origins.append(origin)
    return origins


class SocketIOOutput(StockSocketIOOutput):
    """Sends each bot message as one socket message and counts what it sent."""

    def __init__(self, sio: Any, bot_message_evt: str) -> None:  # socketio.AsyncServer
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send_message(
            recipient_id, {"text": (text or "").strip(), "quick_replies": _quick_replies(buttons)}
        )

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        custom = message.get("custom")
        if not custom:
            await super().send_response(recipient_id, message)
            return
        combined: dict[str, Any] = {"text": (message.get("text") or "").strip(), "custom": custom}
        buttons = message.get("quick_replies") or message.get("buttons")
        if buttons:
            combined["quick_replies"] = _quick_replies(buttons)
        await self._send_message(recipient_id, combined)
        rest = {key: message[key] for key in ("image", "attachment", "elements") if message.get(key)}
        if rest:
            await super().send_response(recipient_id, rest)


def _quick_replies(buttons: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"content_type": "text", "title": button["title"], "payload": button["payload"]}
        for button in buttons
        if "title" in button and "payload" in button
    ]


def _is_session_id(value: Any) -> bool:
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None


def _metadata(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


class SocketIOInput(StockSocketIOInput):
    """Rasa's socket.io channel, restricted to exact origins and never silent."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", False),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
            cors_allowed_origins=parse_origins(credentials.get("cors_allowed_origins")),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        namespace: str | None = None,
        session_persistence: bool = False,
        socketio_path: str | None = "/socket.io",
        jwt_key: str | None = None,
        jwt_method: str | None = "HS256",
        metadata_key: str | None = "metadata",
        *,
        cors_allowed_origins: Iterable[str] = (),
    ) -> None:
        super().__init__(
            user_message_evt, bot_message_evt, namespace, session_persistence,
            socketio_path, jwt_key, jwt_method, metadata_key,
        )
        self.cors_allowed_origins = parse_origins(cors_allowed_origins)
        self.app: Sanic | None = None

    def get_output_channel(self) -> SocketIOOutput | None:
        if self.sio is None:
            return super().get_output_channel()  # warns, as the stock channel does
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def origin_allowed(self, environ: dict[str, Any]) -> bool:
        """Whether the page that opens this connection may chat.

        Browsers always send ``Origin`` on WebSocket and cross-origin requests;
        a client without one is not a browser page, which CORS does not concern.
        """
        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            return True
        allowed = self.cors_allowed_origins or [
            f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        ]
        return origin.lower() in allowed

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socket_blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the stock blueprint()
        namespace = self.namespace or "/"
        # The origin is checked on socket.io's connect, not by python-engineio:
        # engineio's check comes with its own CORS headers, and a second
        # Access-Control-Allow-Origin next to the one of `rasa run --cors`
        # makes browsers drop every long-polling response.
        stock_connect = sio.handlers[namespace]["connect"]
        if not self.cors_allowed_origins:
            logger.warning("socketio: no cors_allowed_origins; only same-origin pages may connect")
        settings = load_channel_settings()

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            if not self.origin_allowed(environ):
                logger.warning("socketio: refused a page from origin %s", environ.get("HTTP_ORIGIN"))
                return False
            return bool(await stock_connect(sid, environ, auth))  # JWT check, if configured

        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            # Only IDs of the form this channel issues: a short or guessable ID
            # would let another browser join the room and read the answers.
            session_id = requested if _is_session_id(requested) else uuid.uuid4().hex
            if self.session_persistence:
                # python-socketio 5.10+ made enter_room a coroutine; Rasa 3.6
                # does not await it, so its sockets never join their session.
                joined = sio.enter_room(sid, session_id, namespace=namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        @socket_blueprint.listener("before_server_start")
        async def remember_app(app: Sanic, _loop: Any) -> None:
            self.app = app  # its ctx.agent holds the domain with the apology text

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                logger.warning("socketio: ignored a malformed message event")
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not isinstance(sender_id, str) or not sender_id:
                    logger.warning("socketio: ignored a message without session_id")
                    return
            else:
                sender_id = sid
            text = str(data.get("message") or "")[: settings.max_message_chars]
            output = SocketIOOutput(sio, self.bot_message_evt)
            message = UserMessage(
                text,
                output,
                sender_id,
                input_channel=self.name(),
                metadata=_metadata(data.get(self.metadata_key)),
            )
            completed = await run_turn(
                lambda: on_new_message(message), settings.turn_timeout_seconds
            )
            if not completed or output.sent == 0:
                logger.warning("socketio: turn without a bot message; sent the apology")
                await output.send_text_message(sender_id, apology_text(self.app))

        # These replace the stock handlers registered for the same events.
        sio.on("connect", connect, namespace=self.namespace)
        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return socket_blueprint
