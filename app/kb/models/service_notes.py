"""A province's note on a service: what citizens of that province should know
besides the national facts (a local office that takes the applications, a
mobile unit, a different queue system)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.kb.models.base import Base, Editable, origin_check

# The longest note the assistant appends to an answer: a short paragraph,
# readable in one chat bubble on a phone.
NOTE_MAX_LENGTH = 500


class ServiceNote(Editable, Base):
    """One province's note on one service; provincial officers write it.

    ``province_code`` is never NULL: a national fact belongs in the service
    itself, which the ministry's content editors keep.
    """

    __tablename__ = "service_notes"
    __table_args__ = (origin_check(), UniqueConstraint("service_code", "province_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    service_code: Mapped[str] = mapped_column(
        String(100), ForeignKey("services.code"), index=True
    )
    province_code: Mapped[str] = mapped_column(  # type: ignore[assignment]
        String(2), ForeignKey("provinces.code"), index=True, nullable=False
    )
    note: Mapped[str] = mapped_column(Text)
