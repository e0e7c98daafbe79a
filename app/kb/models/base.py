"""Declarative base, naming convention and the columns every editable record shares."""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, MetaData, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations can address constraints on
# every backend (SQLite batch mode needs names to drop or alter them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Origin(StrEnum):
    """Who owns a published record: the seed files, or the editors.

    A record the seed inserted stays the seed's until an editor publishes a
    change to it; from then on the seed never writes to it again.
    """

    SEED = "seed"
    EDITOR = "editor"

# JSONB on PostgreSQL (indexable, compact); plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no time zones and hands back naive values; this type stores UTC
    and always returns an aware UTC datetime, so comparisons never mix kinds.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Sourced:
    """Where a fact comes from; every answer the assistant gives can cite it."""

    source_agency: Mapped[str | None] = mapped_column(String(200))
    source_title: Mapped[str | None] = mapped_column(String(500))
    source_url: Mapped[str | None] = mapped_column(String(500))
    checked_on: Mapped[date | None] = mapped_column(Date)


class Audited(Sourced, Timestamps):
    """Source, optimistic-locking version, owner and who changed the record last.

    ``version`` is SQLAlchemy's ``version_id_col``: an UPDATE that finds a
    different version raises ``StaleDataError``, so two officers editing the
    same record cannot silently overwrite each other. ``origin`` says who owns
    the record (``Origin``); ``updated_by`` is the editor account that last
    published it, ``None`` while the seed owns it.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False)
    origin: Mapped[str] = mapped_column(String(16), default=Origin.SEED)
    updated_by: Mapped[str | None] = mapped_column(String(100))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class Editable(Audited):
    """An editable content record, as published: what the assistant reads.

    ``province_code`` NULL means the record is national; a province's own
    record overrides the national one where a repository says so. Rows of an
    editable table are always the published version; an editor's work in
    progress is a ``Draft`` (``app.kb.models.revisions``), so it never hides
    or replaces what citizens see until it is published.
    """

    province_code: Mapped[str | None] = mapped_column(
        String(2), ForeignKey("provinces.code"), index=True
    )


def origin_check() -> CheckConstraint:
    """CHECK that ``origin`` is an ``Origin`` (named per table by the convention)."""
    allowed = ", ".join(f"'{o.value}'" for o in Origin)
    return CheckConstraint(f"origin IN ({allowed})", name="origin")
