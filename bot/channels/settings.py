"""Settings of the Rasa-server side, read from the environment.

The only module of ``bot.nlu``/``bot.channels`` that reads ``os.environ``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError as exc:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from exc


@dataclass(frozen=True)
class ChannelSettings:
    # TURN_TIMEOUT_SECONDS: after this the citizen gets an apology and a hotline
    # while the turn finishes in the background (its tracker is still saved).
    turn_timeout_seconds: float = 10.0
    # REST_MAX_MESSAGE_CHARS: longer messages are refused with 413.
    max_message_chars: int = 2000


def load_channel_settings() -> ChannelSettings:
    return ChannelSettings(
        turn_timeout_seconds=_float("TURN_TIMEOUT_SECONDS", ChannelSettings.turn_timeout_seconds),
        max_message_chars=int(_float("REST_MAX_MESSAGE_CHARS", ChannelSettings.max_message_chars)),
    )
