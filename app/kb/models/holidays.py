"""Public holidays on which government offices close."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.kb.models.base import Base, Editable, origin_check


class PublicHoliday(Editable, Base):
    """A day offices close; ``province_code`` set for a governor's local holiday."""

    __tablename__ = "public_holidays"
    __table_args__ = (
        origin_check(),
        UniqueConstraint("date", "province_code"),
        Index(
            "uq_public_holidays_date_national",
            "date",
            unique=True,
            sqlite_where=text("province_code IS NULL"),
            postgresql_where=text("province_code IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date)
    name_th: Mapped[str] = mapped_column(String(300))
