"""``python -m app.console.users create --username U --role R [--province NN] [--office CODE]``.

The password is read from standard input (one line), never from the command
line, where other users of the machine could see it in the process list. For
the roles that sign in with TOTP, the secret and its ``otpauth://`` URI are
printed once, to be scanned into an authenticator app.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from app.console.auth import (
    TOTP_ROLES,
    check_password_strength,
    hash_password,
    new_totp_secret,
    totp_uri,
)
from app.errors import BotError
from app.kb.db import create_database
from app.kb.migrate import upgrade
from app.kb.models import Role
from app.kb.repositories import accounts
from app.settings import Settings, get_settings


async def create_user(
    settings: Settings,
    *,
    username: str,
    role: str,
    password: str,
    province_code: str | None = None,
    office_code: str | None = None,
) -> str | None:
    """Create the account; returns the TOTP secret when the role needs one."""
    check_password_strength(password)
    db = create_database(settings)
    try:
        await upgrade(db.engine)
        secret = new_totp_secret() if role in {r.value for r in TOTP_ROLES} else None
        async with db.session() as session:
            await accounts.create_account(
                session,
                username=username,
                password_hash=hash_password(password),
                role=role,
                province_code=province_code,
                office_code=office_code,
                totp_secret=secret,
            )
        return secret
    finally:
        await db.dispose()


def _password() -> str:
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.console.users")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a console account (password on stdin)")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--province", default=None, help="2-digit province code")
    create.add_argument("--office", default=None, help="office code (district officers)")
    args = parser.parse_args(argv)
    if sys.stdin.isatty():
        print("รหัสผ่าน (password): ", end="", file=sys.stderr, flush=True)
    password = _password()
    try:
        secret = asyncio.run(
            create_user(
                get_settings(),
                username=args.username,
                role=args.role,
                password=password,
                province_code=args.province or None,
                office_code=args.office or None,
            )
        )
    except BotError as exc:
        print(f"ไม่ได้สร้างบัญชี: {exc}", file=sys.stderr)
        return 2
    print(f"สร้างบัญชี {args.username} ({args.role}) แล้ว")
    if secret is not None:
        print("บทบาทนี้ต้องใช้รหัส TOTP ตอนเข้าสู่ระบบ สแกนลิงก์นี้ด้วยแอป Authenticator (แสดงครั้งเดียว):")
        print(f"TOTP secret: {secret}")
        print(totp_uri(secret, args.username))
    return 0


if __name__ == "__main__":
    sys.exit(main())
