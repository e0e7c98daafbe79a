"""Staff console accounts and their sign-in sessions.

An account's ``username`` is an opaque identifier (``dopa.cm.officer1``),
never a name, e-mail address or phone number: it is written into every
revision its holder publishes. Passwords are stored only as argon2id hashes;
the TOTP secret is a shared key, not personal data.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.kb.models.base import Base, UTCDateTime, utcnow


class Role(StrEnum):
    """What an account may do; the console enforces it on every request."""

    ADMIN = "admin"
    CONTENT_EDITOR = "content_editor"
    ANALYST = "analyst"
    PROVINCE_OFFICER = "province_officer"
    DISTRICT_OFFICER = "district_officer"


def _role_check() -> CheckConstraint:
    allowed = ", ".join(f"'{r.value}'" for r in Role)
    return CheckConstraint(f"role IN ({allowed})", name="role")


class Account(Base):
    """One console account.

    ``province_code`` is set for provincial officers, ``office_code`` (and its
    province) for district officers. ``failed_logins`` counts wrong passwords
    since the last good one; at the limit ``locked_until`` is set.
    """

    __tablename__ = "console_accounts"
    __table_args__ = (_role_check(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    province_code: Mapped[str | None] = mapped_column(String(2), ForeignKey("provinces.code"))
    office_code: Mapped[str | None] = mapped_column(String(100), ForeignKey("offices.code"))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ConsoleSession(Base):
    """A signed-in session, kept on the server so that logging out ends it.

    ``token_hash`` is the SHA-256 of the random token in the (signed) cookie:
    a copy of this table does not let anyone sign in.
    """

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("console_accounts.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
