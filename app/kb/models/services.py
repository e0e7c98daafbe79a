"""Agencies, office types and the services citizens ask about."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.kb.models.base import Base, Editable, JSONType, origin_check

# A fee may name the class of vehicle it is for (``fees[].vehicle_class``), so
# "ต่อใบขับขี่มอไซค์กี่บาท" gets the motorcycle fee; the codes are the ones the
# NLU's vehicle_class entity carries (bot/nlu/thai_quantities.py).
VEHICLE_CLASSES = (
    "private_car", "private_motorcycle", "private_tricycle",
    "public_car", "public_motorcycle", "public_tricycle",
)


class Agency(Editable, Base):
    __tablename__ = "agencies"
    __table_args__ = (origin_check(),)

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    hotline: Mapped[str | None] = mapped_column(String(50))
    website: Mapped[str | None] = mapped_column(String(500))


class OfficeType(Editable, Base):
    __tablename__ = "office_types"
    __table_args__ = (origin_check(),)

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    # Standard hours as the data file states them, [{days: [0..6], opens, closes}];
    # generated offices start from them, then each keeps its own opening_hours.
    standard_hours: Mapped[Any | None] = mapped_column(JSONType)
    hours_note: Mapped[str | None] = mapped_column(Text)
    closed_on_public_holidays: Mapped[bool] = mapped_column(Boolean, default=True)
    # True for the types whose offices exist as records (generated from geography);
    # for the others the assistant names the type and the hotline.
    has_office_records: Mapped[bool] = mapped_column(Boolean, default=False)
    hotline: Mapped[str | None] = mapped_column(String(50))


class Service(Editable, Base):
    """A government service; the fields follow ``data/kb/README.md``.

    JSON lists distinguish "none" (``[]``) from "unknown" (``None``): the
    assistant only states what the source states.
    """

    __tablename__ = "services"
    __table_args__ = (origin_check(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    name_th: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(50), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSONType, default=list)
    agency_code: Mapped[str] = mapped_column(String(64), ForeignKey("agencies.code"), index=True)
    office_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    where_note: Mapped[str | None] = mapped_column(Text)
    eligibility: Mapped[str | None] = mapped_column(Text)
    documents: Mapped[list[str] | None] = mapped_column(JSONType)
    # [{"amount": number | null, "unit": str (optional), "condition": str | null}]
    fees: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    deadline: Mapped[str | None] = mapped_column(Text)
    penalty: Mapped[str | None] = mapped_column(Text)
    processing_time: Mapped[str | None] = mapped_column(Text)
    steps: Mapped[list[str] | None] = mapped_column(JSONType)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    online_name: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    hotline: Mapped[str | None] = mapped_column(String(50))
    # Money a welfare service pays, per band: [{"amount": number, "unit": str,
    # "condition": str | null, "min_age": int | null, "max_age": int | null}];
    # None when the service pays nothing or the amount is not known.
    benefits: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    # Official pages in English: [{"title": str, "url": str}].
    english_resources: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)

    agency: Mapped[Agency] = relationship(lazy="raise_on_sql")

    @property
    def effective_hotline(self) -> str | None:
        """The service's own hotline, else its agency's (the agency must be loaded)."""
        return self.hotline or self.agency.hotline
