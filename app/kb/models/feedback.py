"""Citizens' "was this helpful?" answers, stored under a pseudonym only."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.kb.models.base import Base, UTCDateTime, utcnow


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC-SHA256 of the conversation (sender) ID: groups one conversation's
    # answers without ever storing the LINE user ID itself.
    conversation_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    topic: Mapped[str | None] = mapped_column(String(100), index=True)
    channel: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
