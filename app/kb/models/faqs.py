"""Frequently asked questions, national with per-province overrides."""
from __future__ import annotations

from sqlalchemy import Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.kb.models.base import Base, Editable, JSONType, origin_check


class Faq(Editable, Base):
    __tablename__ = "faqs"
    __table_args__ = (
        origin_check(),
        UniqueConstraint("key", "province_code"),
        # NULLs are distinct in a UNIQUE constraint, so the one national row
        # per key needs its own partial index (SQLite and PostgreSQL both have them).
        Index(
            "uq_faqs_key_national",
            "key",
            unique=True,
            sqlite_where=text("province_code IS NULL"),
            postgresql_where=text("province_code IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    question_variants: Mapped[list[str]] = mapped_column(JSONType, default=list)
    answer: Mapped[str] = mapped_column(Text)
