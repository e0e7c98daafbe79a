"""Console accounts and sessions: the only queries on ``console_accounts`` and ``console_sessions``.

Password hashing and TOTP belong to the console (``app.console.auth``); these
functions store and find what it computed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ConflictError, NotFoundError, ValidationError
from app.kb.models import Account, ConsoleSession, Office, Province, Role
from common.privacy import contains_personal_data

# Roles whose scope is one province, one office, or everything.
PROVINCE_ROLES = frozenset({Role.PROVINCE_OFFICER})
OFFICE_ROLES = frozenset({Role.DISTRICT_OFFICER})
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


def check_username(username: str) -> str:
    """The username, or ``ValidationError`` (Thai) when it is not an opaque identifier."""
    name = username.strip()
    if not 3 <= len(name) <= 100 or not set(name) <= USERNAME_CHARS:
        raise ValidationError(
            "ชื่อผู้ใช้ (username) ต้องยาว 3–100 ตัว ใช้ได้เฉพาะ a-z 0-9 . _ -"
        )
    if contains_personal_data(name):
        raise ValidationError(
            "ชื่อผู้ใช้ (username) ต้องไม่เป็นอีเมล เบอร์โทรศัพท์ หรือเลขประจำตัวประชาชน"
        )
    return name


async def resolve_scope(
    session: AsyncSession, role: str, province_code: str | None, office_code: str | None
) -> tuple[Role, str | None, str | None]:
    """The role and its scope checked against the knowledge base.

    A district officer's province is their office's. Raises ``ValidationError``
    (Thai, naming the field) for an unknown role, province or office, or a
    scope the role does not take.
    """
    try:
        parsed = Role(role)
    except ValueError as exc:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationError(f"บทบาท (role) ต้องเป็นหนึ่งใน {allowed}") from exc
    if parsed in OFFICE_ROLES:
        if not office_code:
            raise ValidationError("เจ้าหน้าที่อำเภอต้องระบุสำนักงาน (office_code)")
        office = await session.scalar(select(Office).where(Office.code == office_code))
        if office is None:
            raise ValidationError(f"ไม่พบสำนักงานรหัส {office_code} (office_code)")
        if province_code and province_code != office.province_code:
            raise ValidationError(
                f"สำนักงาน {office_code} อยู่ในจังหวัด {office.province_code} "
                f"ไม่ใช่ {province_code} (province_code)"
            )
        return parsed, office.province_code, office.code
    if office_code:
        raise ValidationError("ระบุสำนักงาน (office_code) ได้เฉพาะเจ้าหน้าที่อำเภอ")
    if parsed in PROVINCE_ROLES:
        if not province_code:
            raise ValidationError("เจ้าหน้าที่จังหวัดต้องระบุรหัสจังหวัด 2 หลัก (province_code)")
        if await session.get(Province, province_code) is None:
            raise ValidationError(f"ไม่พบจังหวัดรหัส {province_code} (province_code)")
        return parsed, province_code, None
    if province_code:
        raise ValidationError("บทบาทนี้ดูแลข้อมูลระดับประเทศ ไม่ต้องระบุจังหวัด (province_code)")
    return parsed, None, None


async def create_account(
    session: AsyncSession,
    *,
    username: str,
    password_hash: str,
    role: str,
    province_code: str | None = None,
    office_code: str | None = None,
    totp_secret: str | None = None,
) -> Account:
    """A new account.

    Raises:
        ValidationError: a bad username, role or scope.
        ConflictError: the username is taken.
    """
    name = check_username(username)
    parsed, province, office = await resolve_scope(session, role, province_code, office_code)
    if await find_account(session, name) is not None:
        raise ConflictError(f"มีชื่อผู้ใช้ {name} อยู่แล้ว (username)")
    account = Account(
        username=name,
        password_hash=password_hash,
        role=parsed.value,
        province_code=province,
        office_code=office,
        totp_secret=totp_secret,
        failed_logins=0,
    )
    session.add(account)
    await session.flush()
    return account


async def find_account(session: AsyncSession, username: str) -> Account | None:
    return await session.scalar(select(Account).where(Account.username == username))


async def get_account(session: AsyncSession, username: str) -> Account:
    """Raises ``NotFoundError`` when there is no such account."""
    account = await find_account(session, username)
    if account is None:
        raise NotFoundError(f"ไม่พบบัญชีผู้ใช้ {username}")
    return account


async def list_accounts(session: AsyncSession) -> list[Account]:
    return list(await session.scalars(select(Account).order_by(Account.username)))


async def count_accounts(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Account)) or 0)


async def record_failed_login(
    session: AsyncSession, account: Account, now: datetime, *, limit: int, lock_until: datetime
) -> None:
    """Count a wrong password; at ``limit`` failures in a row the account locks."""
    account.failed_logins += 1
    if account.failed_logins >= limit:
        account.locked_until = lock_until
    await session.flush()


async def record_login(session: AsyncSession, account: Account, now: datetime) -> None:
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    await session.flush()


async def add_session(
    session: AsyncSession, account: Account, token_hash: str, csrf_token: str, expires_at: datetime
) -> ConsoleSession:
    row = ConsoleSession(
        token_hash=token_hash, account_id=account.id, csrf_token=csrf_token, expires_at=expires_at
    )
    session.add(row)
    await session.flush()
    return row


async def find_session(
    session: AsyncSession, token_hash: str, now: datetime
) -> tuple[ConsoleSession, Account] | None:
    """The live session with this token hash and its account; None when expired or unknown."""
    row = (
        await session.execute(
            select(ConsoleSession, Account)
            .join(Account, Account.id == ConsoleSession.account_id)
            .where(ConsoleSession.token_hash == token_hash, ConsoleSession.expires_at > now)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def end_session(session: AsyncSession, token_hash: str) -> None:
    await session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash))


async def end_sessions_of(session: AsyncSession, account: Account) -> None:
    """Sign an account out everywhere (password change, lock by an administrator)."""
    await session.execute(delete(ConsoleSession).where(ConsoleSession.account_id == account.id))


async def purge_expired_sessions(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
