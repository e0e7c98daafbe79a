"""LINE Messaging API channel: ``bot.channels.line.LineInput`` in credentials.yml.

Webhook: ``POST /webhooks/line/webhook``. The request is verified
(``X-Line-Signature``) before its body is read as JSON, answered 200 at once,
and its events are processed in background tasks: one user's events strictly
in order, different users concurrently, redeliveries dropped by
``webhookEventId`` (within this process, and across replicas and restarts
when Redis is configured: ``bot.channels.line_dedupe``). Each turn's bot
messages are collected and sent in one reply call (the rest, if any, by push).

Groups and rooms: the speaker's user ID is the Rasa sender (the group's ID if
LINE gives none) and the answer goes to the group's reply token, or is pushed
to the group. Every text in a group is answered, so the LINE console setting
"Allow bot to join group chats" should stay off unless that is wanted.

The LINE user ID is Rasa's ``sender_id`` and never appears in logs; logs use
:func:`bot.channels.line_events.pseudonym`.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.dispatch import RecentKeys, SerialPerKey
from bot.channels.line_api import InvalidReplyTokenError, LineApiClient, LineApiError
from bot.channels.line_dedupe import EventLedger, NoLedger, RedisLedger
from bot.channels.line_events import (
    Action,
    LineEvent,
    WebhookError,
    interpret,
    parse_body,
    pseudonym,
    signature_is_valid,
)
from common.line_messages import build_turn, media_not_supported_turn, text_messages
from bot.channels.safety import apology_text, run_turn
from bot.channels.settings import LineSettings, load_channel_settings

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class LineOutputChannel(OutputChannel):
    """Collects one turn's bot messages whole (text, buttons and custom together)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "line"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"text": text})


class LinePushOutputChannel(LineOutputChannel):
    """Pushes each message at once: for messages Rasa sends outside a webhook
    turn (``/conversations/<id>/trigger_intent``, reminders), which have no
    reply token."""

    def __init__(self, api: LineApiClient) -> None:
        super().__init__()
        self._api = api

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        for batch in build_turn([message]):
            await self._api.push(recipient_id, batch)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


def ledger_for(settings: LineSettings) -> EventLedger:
    """Redis when the production profile names one, else nothing beyond this process."""
    if not settings.dedup_redis_url:
        logger.info("LINE redeliveries are recognised within this process only "
                    "(no LINE_DEDUP_REDIS_URL)")
        return NoLedger()
    return RedisLedger(
        settings.dedup_redis_url,
        ttl_seconds=settings.dedup_ttl_seconds,
        claim_seconds=settings.dedup_claim_seconds,
        timeout_seconds=settings.dedup_redis_timeout_seconds,
    )


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


class LineInput(InputChannel):
    """Receives LINE webhooks and answers through the Messaging API."""

    @classmethod
    def name(cls) -> str:
        return "line"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(LineSettings.from_credentials(credentials))

    def __init__(
        self,
        settings: LineSettings,
        turn_timeout_seconds: float | None = None,
        ledger: EventLedger | None = None,
    ) -> None:
        self.settings = settings
        self.api = LineApiClient(settings)
        # Two levels: duplicates within this process are dropped at once,
        # without a round trip; the ledger (Redis in production) catches a
        # redelivery that another replica, or this one before a restart, answered.
        self._recent = RecentKeys(settings.dedup_max_events, settings.dedup_ttl_seconds)
        self.ledger = ledger if ledger is not None else ledger_for(settings)
        self._serial = SerialPerKey()
        self._turn_timeout = (
            turn_timeout_seconds
            if turn_timeout_seconds is not None
            else load_channel_settings().turn_timeout_seconds
        )
        if not settings.channel_secret:
            logger.warning("LINE channel secret is empty: every LINE webhook will be refused")
        if not settings.channel_access_token:
            logger.warning("LINE channel access token is empty: answers cannot be sent")

    def get_output_channel(self) -> OutputChannel:
        return LinePushOutputChannel(self.api)

    async def drain(self) -> None:
        """Wait until every accepted event has been answered."""
        await self._serial.join()

    async def close(self) -> None:
        await self.api.close()
        await self.ledger.close()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("line_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return self.accept(request, on_new_message)

        @webhook.listener("before_server_stop")
        async def finish(_app: Any, _loop: Any) -> None:
            try:
                await asyncio.wait_for(self.drain(), self._turn_timeout + 5.0)
            except asyncio.TimeoutError:
                logger.warning("stopping with LINE events still being answered")
            await self.close()

        return webhook

    def accept(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """Verify, check and queue a webhook request; never waits for Rasa."""
        body = request.body or b""
        if not signature_is_valid(
            self.settings.channel_secret, body, request.headers.get("X-Line-Signature")
        ):
            logger.warning("refused a LINE webhook with a missing or wrong signature")
            return _error(401, "unauthorized", "missing or invalid X-Line-Signature")
        try:
            events = parse_body(body)
        except WebhookError as exc:
            logger.warning("refused a LINE webhook body: %s", exc)
            return _error(400, "invalid_request", str(exc))
        for raw in events:
            self._queue(interpret(raw), on_new_message, request.app)
        return response.json({"status": "ok"})

    def _queue(self, event: LineEvent, on_new_message: OnNewMessage, app: Any) -> None:
        who = pseudonym(event.sender_id)
        if event.event_id and self._recent.seen_before(event.event_id):
            logger.info("dropped duplicate %s event %s of %s", event.type, event.event_id, who)
            return
        if event.is_redelivery:
            logger.info("redelivered %s event %s of %s, first seen by this process", event.type,
                        event.event_id, who)
        if event.action is Action.NOTHING or not event.sender_id:
            logger.debug("%s event of %s needs no answer", event.type, who)
            return

        async def job() -> None:
            if event.event_id and not await self.ledger.claim(event.event_id):
                logger.info("dropped %s event %s of %s: answered elsewhere or before a restart",
                            event.type, event.event_id, who)
                return
            await self._answer(event, on_new_message, app)
            if event.event_id:
                await self.ledger.settle(event.event_id)

        self._serial.submit(event.sender_id, job)

    async def _answer(self, event: LineEvent, on_new_message: OnNewMessage, app: Any) -> None:
        if event.action is Action.MEDIA:
            batches = media_not_supported_turn()
        else:
            batches = await self._run_turn(event, on_new_message, app)
        await self._deliver(event, batches)

    async def _run_turn(
        self, event: LineEvent, on_new_message: OnNewMessage, app: Any
    ) -> list[list[dict[str, Any]]]:
        output = LineOutputChannel()
        message = UserMessage(
            event.text,
            output,
            event.sender_id,
            input_channel=self.name(),
            message_id=event.event_id,
            metadata={"line": {"event_type": event.type, "source_type": event.source_type}},
        )
        loading = None
        if event.is_one_to_one and event.chat_id:
            loading = asyncio.create_task(self._show_loading_later(event.chat_id))
        try:
            completed = await run_turn(lambda: on_new_message(message), self._turn_timeout)
        finally:
            if loading is not None:
                loading.cancel()
        batches = build_turn(output.messages) if completed else []
        return batches or [text_messages(apology_text(app))]

    async def _show_loading_later(self, chat_id: str) -> None:
        await asyncio.sleep(self.settings.loading_delay_seconds)
        try:
            await self.api.show_loading(chat_id, self.settings.loading_seconds)
        except LineApiError as exc:
            logger.warning("loading animation not shown: %s", exc)

    async def _deliver(self, event: LineEvent, batches: list[list[dict[str, Any]]]) -> None:
        """One reply call if the token still works; everything else by push."""
        pending = list(batches)
        who = pseudonym(event.sender_id)
        if event.reply_token and pending:
            try:
                await self.api.reply(event.reply_token, pending[0])
                pending = pending[1:]
            except InvalidReplyTokenError:
                logger.info("reply token for %s no longer valid; pushing instead", who)
            except LineApiError as exc:
                logger.error("reply to %s failed: %s", who, exc)
                return
        for batch in pending:
            if not event.chat_id:
                return
            try:
                await self.api.push(event.chat_id, batch)
            except LineApiError as exc:
                logger.error("push to %s failed: %s", who, exc)
                return
