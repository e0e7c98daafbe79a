"""Settings of the Rasa-server side, read from the environment.

The only module of ``bot.nlu``/``bot.channels`` that reads ``os.environ``.
Rasa passes a channel's block of ``credentials.yml`` (``${VAR}`` already
expanded) to ``LineSettings.from_credentials``; a key missing from that block
falls back to the environment variable of the same meaning.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


DEFAULT_LINE_API_BASE_URL = "https://api.line.me"

# credentials.yml key -> environment variable used when the key is absent.
_LINE_ENV = {
    "channel_secret": "LINE_CHANNEL_SECRET",
    "channel_access_token": "LINE_CHANNEL_ACCESS_TOKEN",
    "api_base_url": "LINE_API_BASE_URL",
    "dedup_redis_url": "LINE_DEDUP_REDIS_URL",
}
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True)
class LineSettings:
    """Everything the LINE connector needs; tunables have production defaults."""

    # Empty secret: every webhook request is rejected (nothing can be verified).
    channel_secret: str = ""
    channel_access_token: str = ""
    api_base_url: str = DEFAULT_LINE_API_BASE_URL
    # A turn slower than this shows LINE's loading animation (1:1 chats only).
    loading_delay_seconds: float = 1.0
    # LINE accepts 5..60 in steps of 5; the animation also stops at our reply.
    loading_seconds: int = 20
    request_timeout_seconds: float = 10.0
    # Retries of 429/5xx/network errors; other 4xx are never retried.
    max_retries: int = 3
    backoff_base_seconds: float = 0.5
    backoff_max_seconds: float = 8.0
    # Redelivered webhook events are recognised by webhookEventId for this long.
    dedup_max_events: int = 20_000
    dedup_ttl_seconds: float = 24 * 3600.0
    # Production profile: Redis shared by every replica, so a redelivery that
    # reaches another replica, or comes after a restart, is still recognised
    # (bot/channels/line_dedupe.py). Empty: this process only (embedded default).
    dedup_redis_url: str = ""
    # An event claimed by a replica that died mid-turn is answered by a
    # redelivery after this long; longer than a turn plus its delivery retries.
    dedup_claim_seconds: float = 120.0
    # Connect and command timeout: a Redis outage delays an answer by at most this.
    dedup_redis_timeout_seconds: float = 0.5

    def __post_init__(self) -> None:
        if not self.api_base_url.startswith(("https://", "http://")):
            raise ValueError(f"api_base_url must be an http(s) URL, got {self.api_base_url!r}")
        if self.loading_seconds % 5 or not 5 <= self.loading_seconds <= 60:
            raise ValueError(
                f"loading_seconds must be a multiple of 5 from 5 to 60, got {self.loading_seconds}"
            )
        if self.max_retries < 0 or self.dedup_max_events < 1:
            raise ValueError("max_retries must be >= 0 and dedup_max_events >= 1")
        if self.dedup_redis_url and not self.dedup_redis_url.startswith(_REDIS_SCHEMES):
            # The URL may hold a password: name the option, not its value.
            raise ValueError("dedup_redis_url must start with redis://, rediss:// or unix://")
        if min(self.dedup_ttl_seconds, self.dedup_claim_seconds,
               self.dedup_redis_timeout_seconds) <= 0:
            raise ValueError("dedup_ttl_seconds, dedup_claim_seconds and "
                             "dedup_redis_timeout_seconds must be positive")

    @classmethod
    def from_credentials(
        cls, credentials: Mapping[str, Any] | None, env: Mapping[str, str] | None = None
    ) -> LineSettings:
        """Build settings from a credentials block, falling back to the environment."""
        credentials = dict(credentials or {})
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for key, variable in _LINE_ENV.items():
            raw = credentials[key] if key in credentials else env.get(variable)
            values[key] = str(raw or "").strip()
        values["api_base_url"] = values["api_base_url"].rstrip("/") or DEFAULT_LINE_API_BASE_URL
        for key, kind in (
            ("loading_delay_seconds", float),
            ("loading_seconds", int),
            ("request_timeout_seconds", float),
            ("max_retries", int),
            ("backoff_base_seconds", float),
            ("backoff_max_seconds", float),
            ("dedup_max_events", int),
            ("dedup_ttl_seconds", float),
            ("dedup_claim_seconds", float),
            ("dedup_redis_timeout_seconds", float),
        ):
            if credentials.get(key) not in (None, ""):
                try:
                    values[key] = kind(credentials[key])
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"{key} must be a number, got {credentials[key]!r}") from exc
        return cls(**values)


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc


@dataclass(frozen=True)
class ChannelSettings:
    """Settings every channel shares (REST, socket.io, LINE)."""

    # TURN_TIMEOUT_SECONDS: after this the citizen gets an apology and a hotline
    # while the turn finishes in the background (its tracker is still saved).
    turn_timeout_seconds: float = 10.0
    # REST_MAX_MESSAGE_CHARS: longer REST messages are refused with 400.
    max_message_chars: int = 2000


def load_channel_settings(env: Mapping[str, str] | None = None) -> ChannelSettings:
    env = os.environ if env is None else env
    return ChannelSettings(
        turn_timeout_seconds=_env_float(
            env, "TURN_TIMEOUT_SECONDS", ChannelSettings.turn_timeout_seconds
        ),
        max_message_chars=int(
            _env_float(env, "REST_MAX_MESSAGE_CHARS", ChannelSettings.max_message_chars)
        ),
    )


_development_pseudonym_key = ""


def load_pseudonym_key(env: Mapping[str, str] | None = None) -> str:
    """PSEUDONYM_KEY: the HMAC key of sender IDs in the tracker store and the event stream.

    The same variable as app/settings.py's, so the analytics store and feedback
    join on the same pseudonyms. Unset in production (``APP_ENV=production``)
    is an error; in development a fresh random key per process is used (stable
    for the process, so a conversation is still found turn after turn).
    """
    global _development_pseudonym_key
    env = os.environ if env is None else env
    key = env.get("PSEUDONYM_KEY", "")
    if key:
        return key
    if env.get("APP_ENV", "development") == "production":
        raise ValueError("PSEUDONYM_KEY must be set in production")
    if not _development_pseudonym_key:
        import secrets

        _development_pseudonym_key = secrets.token_hex(32)
    return _development_pseudonym_key


def load_analytics_ingest(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(URL, token) of the analytics ingest the embedded event broker posts to.

    ANALYTICS_INGEST_HOST / ANALYTICS_INGEST_PORT / ANALYTICS_INGEST_TOKEN, the
    same variables the ingest (``python -m app.analytics ingest``) listens on.
    """
    env = os.environ if env is None else env
    host = env.get("ANALYTICS_INGEST_HOST") or "127.0.0.1"
    port = env.get("ANALYTICS_INGEST_PORT") or "5056"
    return f"http://{host}:{port}/events", env.get("ANALYTICS_INGEST_TOKEN", "")
