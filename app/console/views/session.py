"""Signing in and out: ``/api/session``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp import web

from app.console.auth import (
    COOKIE_NAME,
    TOTP_ROLES,
    new_token,
    sign,
    token_hash,
    unsign,
    verify_password,
    verify_totp,
)
from app.console.errors import ApiError
from app.console.http import (
    CSRF,
    DATABASE,
    LOGIN_LIMIT,
    SETTINGS,
    client_address,
    json_body,
    now,
    principal,
)
from app.console.permissions import Principal
from app.kb.models import Role
from app.kb.repositories import accounts

LOGIN_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["username", "password"],
    "additionalProperties": False,
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 100},
        "password": {"type": "string", "minLength": 1, "maxLength": 1000},
        "totp": {"type": "string", "maxLength": 10},
    },
}
BAD_CREDENTIALS = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
TOTP_REQUIRED = "บทบาทนี้ต้องกรอกรหัสยืนยันตัวตน 6 หลักจากแอป Authenticator (totp)"
LOCKED = "บัญชีนี้ถูกล็อกชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง กรุณารอ {minutes} นาทีหรือติดต่อผู้ดูแลระบบ"
TOO_FAST = "พยายามเข้าสู่ระบบหลายครั้งเกินไป กรุณารอหนึ่งนาทีแล้วลองใหม่"


def session_json(user: Principal, csrf_token: str) -> dict[str, Any]:
    return {"csrf_token": csrf_token, "user": user.to_json()}


async def login(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if not request.app[LOGIN_LIMIT].allow(client_address(request)):
        raise ApiError(429, "too_many_attempts", TOO_FAST)
    body = await json_body(request, LOGIN_BODY)
    at = now(request)
    locked = ApiError(
        429, "too_many_attempts", LOCKED.format(minutes=settings.console_lockout_minutes)
    )
    async with request.app[DATABASE].session() as session:
        account = await accounts.find_account(session, body["username"])
        if account is not None and account.locked_until is not None and account.locked_until > at:
            raise locked
        password_ok = verify_password(account.password_hash if account else None, body["password"])
        if account is None:
            raise ApiError(401, "bad_credentials", BAD_CREDENTIALS)
        needs_totp = Role(account.role) in TOTP_ROLES
        totp_ok = not needs_totp or verify_totp(account.totp_secret, body.get("totp"), at)
        if not password_ok or not totp_ok:
            if password_ok and not body.get("totp"):
                # The first step of a two-step sign-in is not a failure.
                raise ApiError(401, "totp_required", TOTP_REQUIRED)
            lock_until = at + timedelta(minutes=settings.console_lockout_minutes)
            await accounts.record_failed_login(
                session, account, at, limit=settings.console_max_failed_logins, lock_until=lock_until
            )
            failure = (
                locked if account.locked_until is not None
                else ApiError(401, "bad_credentials" if not password_ok else "totp_required",
                              BAD_CREDENTIALS if not password_ok else TOTP_REQUIRED)
            )
        else:
            failure = None
            await accounts.record_login(session, account, at)
            token = new_token()
            csrf_token = new_token()
            await accounts.add_session(
                session, account, token_hash(token), csrf_token,
                at + timedelta(minutes=settings.console_session_minutes),
            )
            user = Principal.of(account)
    # The failure is raised after the session block so the counted attempt is committed.
    if failure is not None:
        raise failure
    response = web.json_response(session_json(user, csrf_token))
    response.set_cookie(
        COOKIE_NAME,
        sign(settings.console_session_secret, token),
        max_age=settings.console_session_minutes * 60,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=settings.console_cookie_secure,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def current(request: web.Request) -> web.Response:
    return web.json_response(session_json(principal(request), request[CSRF]))


async def logout(request: web.Request) -> web.Response:
    token = unsign(request.app[SETTINGS].console_session_secret, request.cookies.get(COOKIE_NAME))
    if token is not None:
        async with request.app[DATABASE].session() as session:
            await accounts.end_session(session, token_hash(token))
    response = web.Response(status=204)
    response.del_cookie(COOKIE_NAME, path="/")
    return response
