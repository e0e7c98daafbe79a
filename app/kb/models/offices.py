"""Offices where citizens apply, and their opening hours."""
from __future__ import annotations

from datetime import time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.geo import map_url
from app.kb.models.base import Base, Editable, JSONType, origin_check


class Office(Editable, Base):
    """One office. ``province_code`` is both its location and its edit scope.

    Generated offices sit on an estimated district point
    (``location_is_approximate``) with no address or phone until an officer
    sets the real ones; the assistant says so rather than guessing.
    """

    __tablename__ = "offices"
    __table_args__ = (
        origin_check(),
        Index("ix_offices_latitude_longitude", "latitude", "longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    office_type: Mapped[str] = mapped_column(
        String(64), ForeignKey("office_types.code"), index=True
    )
    name_th: Mapped[str] = mapped_column(String(300))
    province_code: Mapped[str] = mapped_column(  # type: ignore[assignment]
        String(2), ForeignKey("provinces.code"), index=True, nullable=False
    )
    district_code: Mapped[str | None] = mapped_column(
        String(4), ForeignKey("districts.code"), index=True
    )
    address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_is_approximate: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str | None] = mapped_column(String(100))
    closed_on_public_holidays: Mapped[bool] = mapped_column(Boolean, default=True)
    service_codes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Temporary closures and special hours for a date range, set by the office's
    # officers: [{"starts_on", "ends_on" (YYYY-MM-DD, inclusive), "hours":
    # [["HH:MM", "HH:MM"], ...] (none: closed), "reason", "go_to_office" (the
    # code of the office to go to instead, or null)}] (app.kb.hours.Closure).
    closures: Mapped[list[dict[str, object]] | None] = mapped_column(JSONType, default=list)

    hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="office",
        lazy="raise_on_sql",
        cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
    )

    @property
    def map_url(self) -> str | None:
        if self.latitude is None or self.longitude is None:
            return None
        return map_url(self.latitude, self.longitude)


class OpeningHours(Base):
    """One opening range on one weekday; a lunch break is two ranges.

    Part of the office aggregate: edits go through the office, whose version
    they bump.
    """

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("opens < closes", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    office: Mapped[Office] = relationship(back_populates="hours", lazy="raise_on_sql")


# Office types the seed generates from geography (keys of data/kb/office_types.yml).
DISTRICT_OFFICE = "district_office"
BANGKOK_DISTRICT_OFFICE = "bangkok_district_office"
PROVINCIAL_HALL = "provincial_hall"
DAMRONGDHAMA_CENTER = "damrongdhama_center"
DISTRICT_OFFICE_TYPES = (DISTRICT_OFFICE, BANGKOK_DISTRICT_OFFICE)
PROVINCE_OFFICE_TYPES = (PROVINCIAL_HALL, DAMRONGDHAMA_CENTER)
