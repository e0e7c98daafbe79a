"""Accounts (administrators only): list, create, lock and unlock, reset a password."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from app.console.auth import (
    TOTP_ROLES,
    check_password_strength,
    hash_password,
    new_totp_secret,
    totp_uri,
)
from app.console.http import DATABASE, json_body, json_response, now
from app.console.permissions import ROLE_NAMES_TH
from app.kb.models import Account, Role
from app.kb.repositories import accounts

ROLES = [r.value for r in Role]
CREATE_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["username", "password", "role"],
    "additionalProperties": False,
    "properties": {
        "username": {"type": "string", "minLength": 3, "maxLength": 100},
        "password": {"type": "string", "minLength": 12, "maxLength": 1000},
        "role": {"type": "string", "enum": ROLES},
        "province_code": {"type": ["string", "null"], "pattern": "^[0-9]{2}$"},
        "office_code": {"type": ["string", "null"], "maxLength": 100},
    },
}
PATCH_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "locked": {"type": "boolean"},
        "password": {"type": "string", "minLength": 12, "maxLength": 1000},
    },
}
# "Locked by an administrator" is a lock-out that does not run out on its own.
LOCKED_FOR = timedelta(days=365 * 100)


def account_json(account: Account, at: datetime) -> dict[str, Any]:
    return {
        "username": account.username,
        "role": account.role,
        "display_role": ROLE_NAMES_TH[Role(account.role)],
        "province_code": account.province_code,
        "office_code": account.office_code,
        "locked": account.locked_until is not None and account.locked_until > at,
        "failed_logins": account.failed_logins,
        "totp": account.totp_secret is not None,
        "last_login_at": account.last_login_at.isoformat() if account.last_login_at else None,
    }


async def list_accounts(request: web.Request) -> web.Response:
    at = now(request)
    async with request.app[DATABASE].session() as session:
        found = await accounts.list_accounts(session)
    return json_response({"items": [account_json(a, at) for a in found]})


async def create_account(request: web.Request) -> web.Response:
    body = await json_body(request, CREATE_BODY)
    check_password_strength(body["password"])
    secret = new_totp_secret() if Role(body["role"]) in TOTP_ROLES else None
    async with request.app[DATABASE].session() as session:
        account = await accounts.create_account(
            session,
            username=body["username"],
            password_hash=hash_password(body["password"]),
            role=body["role"],
            province_code=body.get("province_code"),
            office_code=body.get("office_code"),
            totp_secret=secret,
        )
        result = account_json(account, now(request))
    if secret is not None:
        # Shown once, to be scanned into the new user's authenticator app.
        result["totp_secret"] = secret
        result["totp_uri"] = totp_uri(secret, account.username)
    return json_response(result, status=201)


async def update_account(request: web.Request) -> web.Response:
    body = await json_body(request, PATCH_BODY)
    at = now(request)
    async with request.app[DATABASE].session() as session:
        account = await accounts.get_account(session, request.match_info["username"])
        if "locked" in body:
            account.failed_logins = 0
            account.locked_until = at + LOCKED_FOR if body["locked"] else None
            if body["locked"]:
                await accounts.end_sessions_of(session, account)
        if "password" in body:
            check_password_strength(body["password"])
            account.password_hash = hash_password(body["password"])
            await accounts.end_sessions_of(session, account)
        await session.flush()
        result = account_json(account, at)
    return json_response(result)
