"""The LINE Messaging API calls the connector makes: reply, push, loading animation.

One ``aiohttp.ClientSession`` per client, opened on first use inside the
server's event loop. 429, 5xx and network failures are retried with bounded
exponential backoff; any other 4xx is final, because sending the same request
again cannot fix it.
"""
from __future__ import annotations

import asyncio
import logging
import random
import uuid
from typing import Any

import aiohttp

from bot.channels.settings import LineSettings
from common.privacy import redact

logger = logging.getLogger(__name__)

REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
LOADING_PATH = "/v2/bot/chat/loading/start"


class LineApiError(Exception):
    """A call failed for good (after retries, if it could be retried)."""

    def __init__(self, path: str, status: int | None, detail: str) -> None:
        super().__init__(f"{path} failed ({status}): {detail}")
        self.path = path
        self.status = status
        self.detail = detail


class InvalidReplyTokenError(LineApiError):
    """The reply token expired or was used already: the answer must be pushed."""


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


class LineApiClient:
    """Calls to the Messaging API with the channel access token."""

    def __init__(self, settings: LineSettings) -> None:
        self._settings = settings
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {self._settings.channel_access_token}"},
                timeout=aiohttp.ClientTimeout(total=self._settings.request_timeout_seconds),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> None:
        """Answer an event with its reply token (free, at most five messages).

        Raises:
            InvalidReplyTokenError: the token cannot be used; push instead.
            LineApiError: any other failure.
        """
        await self._post(REPLY_PATH, {"replyToken": reply_token, "messages": messages})

    async def push(self, to: str, messages: list[dict[str, Any]]) -> None:
        """Send messages to a user, group or room without a reply token.

        One retry key for every attempt of this call: LINE executes it once and
        answers 409 to repeats of an accepted request, which counts as sent.
        """
        retry_key = str(uuid.uuid4())
        await self._post(
            PUSH_PATH, {"to": to, "messages": messages}, {"X-Line-Retry-Key": retry_key}
        )

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        """Show the typing animation in a one-to-one chat for up to ``seconds``."""
        await self._post(LOADING_PATH, {"chatId": chat_id, "loadingSeconds": seconds})

    async def _post(
        self, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        settings = self._settings
        attempts = settings.max_retries + 1
        retry_key_sent = "X-Line-Retry-Key" in (headers or {})
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                url = settings.api_base_url + path
                async with self._client().post(url, json=payload, headers=headers) as answer:
                    if answer.status < 300 or (answer.status == 409 and retry_key_sent):
                        return
                    detail = await _error_detail(answer)
                    token_refused = path == REPLY_PATH and "reply token" in detail.lower()
                    if answer.status == 400 and token_refused:
                        raise InvalidReplyTokenError(path, answer.status, detail)
                    if not _retryable(answer.status):
                        raise LineApiError(path, answer.status, detail)
                    status: int | None = answer.status
                    retry_after = _seconds(answer.headers.get("Retry-After"))
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                status, detail = None, type(exc).__name__
            if attempt == attempts - 1:
                raise LineApiError(path, status, detail)
            delay = min(settings.backoff_max_seconds, settings.backoff_base_seconds * 2**attempt)
            delay = min(settings.backoff_max_seconds, max(delay, retry_after or 0.0))
            logger.warning("LINE %s answered %s; retry %d/%d in %.2f s",
                           path, status, attempt + 1, settings.max_retries, delay)
            # Jitter spreads the retries of many turns that failed together.
            await asyncio.sleep(delay * random.uniform(0.8, 1.0))


async def _error_detail(answer: aiohttp.ClientResponse) -> str:
    try:
        body = await answer.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return answer.reason or ""
    message = body.get("message") if isinstance(body, dict) else None
    return redact(str(message or body))[:300]


def _seconds(raw: str | None) -> float | None:
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None
