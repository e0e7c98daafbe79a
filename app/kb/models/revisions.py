"""Drafts editors work on, and the revisions that publishing them leaves behind.

Both hold a whole content record as JSON (``app.kb.content`` turns records
into that JSON and back), so one pair of tables serves every kind of
content, and a revision still reads after the columns of its table change.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.kb.models.base import Base, JSONType, UTCDateTime, origin_check, utcnow


class ContentKind(StrEnum):
    """The kinds of editable content; each value names one table's records."""

    AGENCY = "agency"
    OFFICE_TYPE = "office_type"
    SERVICE = "service"
    OFFICE = "office"
    FAQ = "faq"
    HOLIDAY = "holiday"
    SERVICE_NOTE = "service_note"


class DraftStatus(StrEnum):
    """Where a draft stands: being edited, waiting for its publication time,
    or waiting for a second content editor (national service facts)."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    AWAITING_APPROVAL = "awaiting_approval"


class Draft(Base):
    """The one draft of a record: a new record, or a change to a published one.

    ``record_key`` is the record's natural key (``app.kb.content.record_key``):
    one draft per record at most. ``base_version`` is the published version
    the draft started from (``None`` for a new record); publishing refuses a
    draft whose record was published again in the meantime.
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("kind", "record_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    record_key: Mapped[str] = mapped_column(String(200))
    # The scope (NULL = national) an editor needs to work on it.
    province_code: Mapped[str | None] = mapped_column(
        String(2), ForeignKey("provinces.code"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    base_version: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Publication asked for but not yet done (DraftStatus): when, why and by whom.
    status: Mapped[str] = mapped_column(String(24), default=DraftStatus.DRAFT, index=True)
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    publish_reason: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(100))


class Revision(Base):
    """One published change: the whole record before and after, who, when, why.

    ``before`` is ``None`` when the change created the record, ``after`` when
    it removed it. ``origin`` is ``seed`` for changes the seed made (then
    ``author`` is ``None``), ``editor`` for a publication by ``author``.
    """

    __tablename__ = "revisions"
    __table_args__ = (
        origin_check(),
        Index("ix_revisions_kind_record_key", "kind", "record_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    record_key: Mapped[str] = mapped_column(String(200))
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    origin: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
