"""Tables of the analytics store (contract: ANALYTICS_TABLES.md at the repository root).

Nothing here is personal data: texts are redacted, conversation and citizen
keys are keyed HMACs (PSEUDONYM_KEY) computed on the Rasa side.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.kb.models.base import NAMING_CONVENTION, UTCDateTime

JSONType = JSON().with_variant(JSONB(), "postgresql")

CHANNELS = ("rest", "line", "socketio", "web", "unknown")
OUTCOMES = ("answered", "asked_back", "fallback", "handoff")


class AnalyticsBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Conversation(AnalyticsBase):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    citizen_key: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="unknown")
    province_code: Mapped[str | None] = mapped_column(String(2))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    turns: Mapped[int] = mapped_column(Integer, default=0)
    model_version: Mapped[str | None] = mapped_column(String(64))


class Turn(AnalyticsBase):
    __tablename__ = "turns"

    # HMAC(sender_id) + ':' + the user event's timestamp (microseconds) [+ ':' seq]:
    # 64 + 1 + 17 + 3 characters, hence 96 (ANALYTICS_TABLES.md).
    id: Mapped[str] = mapped_column(String(96), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    entities: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    service_code: Mapped[str | None] = mapped_column(String(32))
    office_code: Mapped[str | None] = mapped_column(String(32))
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    channel: Mapped[str] = mapped_column(String(16), default="unknown")
    action: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="fallback")
    latency_ms: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(64))


class Feedback(AnalyticsBase):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    turn_id: Mapped[str | None] = mapped_column(String(96))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    service_code: Mapped[str | None] = mapped_column(String(32))
    province_code: Mapped[str | None] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(16), default="unknown")


class Handoff(AnalyticsBase):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(64))


class ProcessedMessage(AnalyticsBase):
    """Worker idempotency: a message already applied is skipped on redelivery."""

    __tablename__ = "processed_messages"

    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class TurnCursor(AnalyticsBase):
    """Where each conversation's stream stands (internal; not for the dashboard).

    Events arrive one at a time: the bot's reply needs the turn it belongs to
    and the action that produced it, which came in earlier messages, perhaps
    before a restart of the worker.
    """

    __tablename__ = "analytics_cursors"

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    turn_id: Mapped[str | None] = mapped_column(String(96))
    user_at: Mapped[float | None] = mapped_column(Float)
    last_action: Mapped[str | None] = mapped_column(String(64))
    service_code: Mapped[str | None] = mapped_column(String(32))


class ConversationHour(AnalyticsBase):
    """The dashboard's summary of ``turns``: one row per conversation, UTC hour,
    province, channel and service, with its turns counted per outcome.

    Kept by the writers in the transaction that changes the turns
    (``rollups.RollupDelta``) and rebuilt from ``turns`` by ``python -m
    app.analytics rollups``. The conversation stays in the key because the
    dashboard counts distinct conversations, which sums of counts cannot
    give; a conversation rarely spans more than one or two rows, so a scan
    reads about a third of the rows of ``turns`` and none of their texts.
    Absent province and service are stored as '' (keys cannot be NULL) and
    read back as NULL. Deleting a conversation deletes its rows.
    """

    __tablename__ = "rollup_conversation_hours"
    __table_args__ = (Index("ix_rollup_conversation_hours_province_hour", "province_code", "hour"),)

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True, index=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True, default="")
    channel: Mapped[str] = mapped_column(String(16), primary_key=True, default="unknown")
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    turns: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    asked_back: Mapped[int] = mapped_column(Integer, default=0)
    fallback: Mapped[int] = mapped_column(Integer, default=0)
    handoff: Mapped[int] = mapped_column(Integer, default=0)


# A dimension summed over in a cube row: every province (channel, service,
# model version) at once. '' already means "not known", so "all" needs its own mark.
ALL = "*"


class TurnCube(AnalyticsBase):
    """Turns per period, province, channel, service and model version, without the conversation.

    A cube in the OLAP sense: each turn is counted in several rows, one per
    *cuboid* (``rollups.CUBOIDS``: which of the four dimensions a row keeps,
    the others being ``ALL``) and per *grain* (the UTC hour, day and month it
    falls in). A view reads the coarsest cuboid that keeps the dimensions it
    filters or groups by, and covers its range with whole months, then whole
    days, then hours (``rollups.pieces``), so a year of the whole country is
    a few thousand rows whatever the number of turns. Sums only: distinct
    conversations come from ``ConversationCube`` and ``ConversationHour``. Kept by the writers
    with ``ConversationHour`` (``rollups.RollupDelta``), rebuilt with it.
    """

    __tablename__ = "rollup_turn_cube"
    __table_args__ = (Index("ix_rollup_turn_cube_province_period", "province_code", "grain", "period"),)

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)  # h, d or m (rollups.GRAINS)
    period: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True, default="")
    channel: Mapped[str] = mapped_column(String(16), primary_key=True, default="unknown")
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    model_version: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    turns: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    asked_back: Mapped[int] = mapped_column(Integer, default=0)
    fallback: Mapped[int] = mapped_column(Integer, default=0)
    handoff: Mapped[int] = mapped_column(Integer, default=0)
    # For the mean confidence of a model version: a sum and how many turns had one.
    confidence_sum: Mapped[float] = mapped_column(Float, default=0.0)
    confidence_turns: Mapped[int] = mapped_column(Integer, default=0)
    # The earliest turn counted here, to order model versions by their first
    # turn. Only ever lowered: a deleted first turn leaves it early until a rebuild.
    first_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LatencyCube(AnalyticsBase):
    """A histogram of response latencies in whole milliseconds, on the cube of ``TurnCube``.

    ``turns`` turns of this period and cuboid cell took ``latency_ms``
    milliseconds, rounded to the nearest (``turns.latency_ms`` is a float of
    microsecond precision, so exact values would not share rows).
    Percentiles interpolated on the histogram as ``percentile_cont`` does
    differ from those of the exact values by at most half a millisecond
    (``rollups.LATENCY_BOUND_MS``; a test holds it).
    """

    __tablename__ = "rollup_latency_cube"
    __table_args__ = (Index("ix_rollup_latency_cube_province_period", "province_code", "grain", "period"),)

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True, default="")
    channel: Mapped[str] = mapped_column(String(16), primary_key=True, default="unknown")
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    model_version: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    latency_ms: Mapped[int] = mapped_column(Integer, primary_key=True)
    turns: Mapped[int] = mapped_column(Integer, default=0)


class IntentCube(AnalyticsBase):
    """Turns and confidence per period and intent, for the top intents of the whole country.

    Cuboid ``()`` of ``TurnCube`` (every dimension ``ALL``) with the intent
    added, by UTC hour, day and month (``rollups.INTENT_GRAINS``); turns without
    an intent are not counted. A view filtered on a province, channel or
    service reads ``turns``, which its index narrows enough (bench/README.md):
    keeping those cuboids by the hour would add about a row per turn. Kept and
    rebuilt with the other summaries (``rollups.RollupDelta``).
    """

    __tablename__ = "rollup_intent_cube"

    grain: Mapped[str] = mapped_column(String(1), primary_key=True)
    period: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    intent: Mapped[str] = mapped_column(String(64), primary_key=True)
    turns: Mapped[int] = mapped_column(Integer, default=0)
    confidence_sum: Mapped[float] = mapped_column(Float, default=0.0)
    confidence_turns: Mapped[int] = mapped_column(Integer, default=0)


class ConversationCube(AnalyticsBase):
    """Distinct conversations per period and cuboid cell, for the views that count them.

    ``grain`` says what a row counts (``rollups.CONVERSATION_GRAINS``):
    ``h`` the conversations with a turn in the UTC hour ``period``, ``ld``
    those with a turn in the local day (Asia/Bangkok, ``rollups.LOCAL_ZONE``)
    starting at ``period``: each is a bucket of the volume view, so the figure
    is read, not summed. ``fh``, ``fd``, ``fm`` count each conversation once,
    in the UTC hour, day and month of its *first* turn in the cell: those add
    up over any range, and a range's distinct conversations are the ones
    first seen in it plus the ones seen before it that come back in it
    (``queries``, from ``ConversationHour``). ``cm``, ``cd``, ``ch`` count
    the same first turns, of the conversations whose turns in the cell were
    all handled alone (one answered, no fallback, no handoff): containment
    over a range is those, corrected for the conversations with turns
    outside it or a handoff request (``queries``). Cuboids: the whole country and
    each of province, channel and service alone (``rollups.CONVERSATION_CUBOIDS``);
    a distinct count of a finer cell does not add up to a coarser one, so
    anything else reads ``ConversationHour``. Kept with the other summaries:
    a batch reads the ``ConversationHour`` rows of the conversations it
    touches and adds the cells they enter and leave (``rollups.RollupDelta``).
    """

    __tablename__ = "rollup_conversation_cube"
    # The volume view reads one cell's hours or days (every dimension fixed): the
    # key, led by the period for the first-turn rows' ranges, would scan every
    # cell. Covering, so PostgreSQL reads the index alone.
    __table_args__ = (Index("ix_rollup_conversation_cube_cell_period", "grain", "province_code", "channel",
                            "service_code", "period", postgresql_include=["conversations"]),)

    grain: Mapped[str] = mapped_column(String(2), primary_key=True)
    period: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(2), primary_key=True, default="")
    channel: Mapped[str] = mapped_column(String(16), primary_key=True, default="unknown")
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    conversations: Mapped[int] = mapped_column(Integer, default=0)
