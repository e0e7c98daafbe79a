"""Passwords, session cookies, CSRF tokens, TOTP and the sign-in rate limit.

Cookie: ``<token>.<hmac-sha256(secret, token)>`` in base64url. The token is
random; the server keeps only its SHA-256 (``console_sessions``), so the
signature lets a forged cookie be refused before any query, and signing out
deletes the row. Every comparison of secrets is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timezone

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.errors import ValidationError
from app.kb.models import Role

COOKIE_NAME = "console_session"
CSRF_HEADER = "X-CSRF-Token"
# Roles that must give a TOTP code when signing in: the ministry's and the administrator.
TOTP_ROLES = frozenset({Role.ADMIN, Role.CONTENT_EDITOR, Role.ANALYST})
TOTP_ISSUER = "Thai Citizen Assistant console"
MIN_PASSWORD_LENGTH = 12

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# argon2id with the library's defaults (RFC 9106's second recommended profile:
# 64 MiB, 3 passes), memory-hard against GPU guessing.
_HASHER = PasswordHasher()
# A hash to verify against when the username is unknown, so the answer takes
# as long as for a known one and does not reveal which usernames exist.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"รหัสผ่าน (password) ต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)


def verify_totp(secret: str | None, code: str | None, now: datetime) -> bool:
    """A six-digit code of this or the neighbouring 30-second step (clock drift)."""
    if not secret or not code or not code.isdigit():
        return False
    return pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def sign(secret: str, token: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), token.encode("ascii"), hashlib.sha256).digest()
    return f"{token}.{_b64(mac)}"


def unsign(secret: str, cookie: str | None) -> str | None:
    """The token of a cookie whose signature is right; None otherwise."""
    if not cookie or cookie.count(".") != 1:
        return None
    token, _ = cookie.split(".")
    try:
        expected = sign(secret, token)
    except UnicodeEncodeError:
        return None
    return token if hmac.compare_digest(expected.encode("ascii"), cookie.encode("ascii", "replace")) else None


def same_secret(given: str | None, expected: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


class LoginRateLimit:
    """At most ``per_minute`` sign-in attempts per client in any 60 seconds.

    In memory: the console is one process; the per-account lock-out in the
    database is what holds across restarts.
    """

    WINDOW_SECONDS = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, client: str) -> bool:
        now = self._clock()
        attempts = self._attempts.setdefault(client, deque())
        while attempts and attempts[0] <= now - self.WINDOW_SECONDS:
            attempts.popleft()
        if len(attempts) >= self.per_minute:
            return False
        attempts.append(now)
        if len(self._attempts) > 10_000:  # forget idle clients
            self._attempts = {k: v for k, v in self._attempts.items() if v}
        return True
