"""Engine, sessions and the guarantees the schema gives (SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.kb import migrate
from app.kb.db import Database, create_database
from app.kb.models import District, Faq, Province
from common.paths import VAR
from app.settings import load_settings
from tests.app.kb.conftest import sqlite_url


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(sqlite_url(tmp_path / "kb.sqlite3"))
    await migrate.upgrade(database.engine)
    async with database.session() as s:
        s.add(Province(code="50", name_th="เชียงใหม่", name_en="Chiang Mai"))
    yield database
    await database.dispose()


def test_database_from_settings() -> None:
    default = create_database(load_settings({"APP_ENV": "test"}))
    assert default.backend == "sqlite"
    assert default.url.database == str(VAR / "kb.sqlite3")
    pg = create_database(
        load_settings({"APP_ENV": "test", "KB_DATABASE_URL": "postgresql+psycopg://kb@db:5432/kb"})
    )
    assert (pg.backend, pg.url.host, pg.url.database) == ("postgresql", "db", "kb")


async def test_sqlite_pragmas(db: Database) -> None:
    async with db.session() as s:
        assert await s.scalar(text("PRAGMA foreign_keys")) == 1
        assert await s.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await s.scalar(text("PRAGMA busy_timeout")) == 5000


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(District(code="9901", province_code="99", name_th="x", name_en="x"))


async def test_session_commits_on_success_and_rolls_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.session() as s:
            s.add(Province(code="10", name_th="กรุงเทพมหานคร", name_en="Bangkok"))
            await s.flush()
            raise RuntimeError("boom")
    async with db.session() as s:
        assert await s.get(Province, "10") is None


async def test_two_editors_cannot_overwrite_each_other(db: Database) -> None:
    async with db.sessionmaker() as first, db.sessionmaker() as second:
        mine = await first.get(Province, "50")
        theirs = await second.get(Province, "50")
        mine.name_en = "Chiang Mai (first)"
        await first.commit()
        theirs.name_en = "Chiang Mai (second)"
        with pytest.raises(StaleDataError):
            await second.commit()
    async with db.session() as s:
        province = await s.get(Province, "50")
        assert (province.name_en, province.version) == ("Chiang Mai (first)", 2)
        assert province.updated_at > province.created_at
        assert province.updated_at.tzinfo is not None


async def test_one_national_faq_per_key(db: Database) -> None:
    def faq(province_code: str | None) -> Faq:
        return Faq(
            key="k", title="t", answer="a", question_variants=[], province_code=province_code
        )

    async with db.session() as s:
        s.add_all([faq(None), faq("50")])
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(faq(None))
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(faq("50"))
    async with db.session() as s:
        assert len((await s.scalars(select(Faq))).all()) == 2


async def test_origin_must_be_seed_or_editor(db: Database) -> None:
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(Faq(key="k", title="t", answer="a", question_variants=[], origin="somchai"))
