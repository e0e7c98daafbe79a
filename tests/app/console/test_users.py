"""``python -m app.console.users create`` (what ``make user`` runs) and migration 0003."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.console.auth import verify_password
from app.kb import migrate
from app.kb.db import Database
from app.kb.repositories import accounts
from common.paths import ROOT
from tests.app.kb.conftest import sqlite_url


def _create(url: str, password: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KB_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "APP_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "app.console.users", "create", *args],
        input=password + "\n", env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


async def test_users_command_creates_accounts_with_the_password_from_stdin(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    path = tmp_path / "kb.sqlite3"
    shutil.copyfile(seeded_sqlite, path)
    url = sqlite_url(path)
    result = _create(url, "a long enough password", "--username", "first.admin", "--role", "admin")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "สร้างบัญชี first.admin (admin) แล้ว"
    assert lines[3].startswith("otpauth://totp/")
    result = _create(url, "a long enough password", "--username", "cm.1", "--role",
                     "province_officer", "--province", "50")
    assert result.returncode == 0, result.stderr
    assert "otpauth" not in result.stdout
    result = _create(url, "a long enough password", "--username", "x.1", "--role",
                     "province_officer", "--province", "99")
    assert result.returncode == 2
    assert result.stderr.strip() == "ไม่ได้สร้างบัญชี: ไม่พบจังหวัดรหัส 99 (province_code)"
    result = _create(url, "a long enough password", "--username", "d.1", "--role",
                     "district_officer", "--office", "district_office:9999")
    assert result.stderr.strip() == "ไม่ได้สร้างบัญชี: ไม่พบสำนักงานรหัส district_office:9999 (office_code)"
    result = _create(url, "short", "--username", "s.1", "--role", "analyst")
    assert result.stderr.strip() == "ไม่ได้สร้างบัญชี: รหัสผ่าน (password) ต้องยาวอย่างน้อย 12 ตัวอักษร"
    result = _create(url, "a long enough password", "--username", "someone@example.com",
                     "--role", "analyst")
    assert result.returncode == 2
    db = Database(url)
    try:
        async with db.session() as session:
            admin = await accounts.get_account(session, "first.admin")
            officer = await accounts.get_account(session, "cm.1")
            assert await accounts.count_accounts(session) == 2
    finally:
        await db.dispose()
    assert admin.password_hash.startswith("$argon2id$")
    assert verify_password(admin.password_hash, "a long enough password")
    assert (officer.role, officer.province_code, officer.totp_secret) == ("province_officer", "50", None)


async def test_a_district_officer_takes_the_province_of_their_office(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    path = tmp_path / "kb.sqlite3"
    shutil.copyfile(seeded_sqlite, path)
    result = _create(sqlite_url(path), "a long enough password", "--username", "d.1",
                     "--role", "district_officer", "--office", "district_office:5001")
    assert result.returncode == 0, result.stderr
    db = Database(sqlite_url(path))
    try:
        async with db.session() as session:
            account = await accounts.get_account(session, "d.1")
    finally:
        await db.dispose()
    assert (account.province_code, account.office_code) == ("50", "district_office:5001")


async def test_0003_keeps_existing_drafts_as_plain_drafts(tmp_path: Path) -> None:
    engine = create_async_engine(sqlite_url(tmp_path / "kb.sqlite3"))
    try:
        await migrate.upgrade(engine, "0002")
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO drafts (kind, record_key, data, created_by, updated_by, created_at, "
                "updated_at) VALUES ('faq', 'x', '{}', 'a', 'a', '2026-12-01 00:00:00+00:00', "
                "'2026-12-01 00:00:00+00:00')"))
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            row = (await connection.execute(
                text("SELECT status, publish_at, requested_by FROM drafts"))).one()
        assert tuple(row) == ("draft", None, None)
        await migrate.downgrade(engine, "0002")
        async with engine.connect() as connection:
            tables = {r[0] for r in await connection.execute(
                text("SELECT name FROM sqlite_master WHERE type='table'"))}
        assert "console_accounts" not in tables and "drafts" in tables
    finally:
        await engine.dispose()
