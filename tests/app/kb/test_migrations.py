"""Alembic: the migrations build exactly the models' schema, and undo it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from app.kb import migrate
from app.kb.models import Base
from common.paths import ROOT
from tests.app.kb.conftest import TemporaryPostgres, sqlite_url


def _differences(connection: Connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _upgrade_downgrade(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
        assert await connection.run_sync(_tables) == set(Base.metadata.tables) | {"alembic_version"}
    await migrate.downgrade(engine, "base")
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) == {"alembic_version"}
    await migrate.upgrade(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_upgrade_and_downgrade_on_sqlite(tmp_path: Path) -> None:
    engine = create_async_engine(sqlite_url(tmp_path / "kb.sqlite3"))
    try:
        await _upgrade_downgrade(engine)
    finally:
        await engine.dispose()


@pytest.mark.services
async def test_upgrade_and_downgrade_on_postgresql(temporary_postgres: TemporaryPostgres) -> None:
    engine = create_async_engine(temporary_postgres.url, poolclass=NullPool)
    try:
        await _upgrade_downgrade(engine)
    finally:
        await engine.dispose()


def test_alembic_command_line_reads_the_url_from_settings(tmp_path: Path) -> None:
    path = tmp_path / "cli.sqlite3"
    env = {**os.environ, "KB_DATABASE_URL": sqlite_url(path), "PYTHONPATH": str(ROOT)}
    for args in (["upgrade", "head"], ["check"], ["current"]):
        result = subprocess.run(
            [sys.executable, "-m", "alembic", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    assert "0006 (head)" in result.stdout


# --- 0001 -> 0002 with data in it ----------------------------------------------

_NOW = "2026-11-24 00:00:00+00:00"
_AUDIT = {"version": 1, "created_at": _NOW, "updated_at": _NOW}
_ROWS_0001: list[tuple[str, dict[str, object]]] = [
    ("provinces", {"code": "50", "name_th": "เชียงใหม่", "name_en": "Chiang Mai",
                   "updated_by": "seed"}),
    ("districts", {"code": "5002", "province_code": "50", "name_th": "จอมทอง",
                   "name_en": "Chom Thong", "is_bangkok_khet": False, "updated_by": "seed"}),
    ("agencies", {"code": "dopa", "name_th": "กรมการปกครอง", "status": "published",
                  "updated_by": "seed"}),
    # A draft agency that a published service points to: it must stay.
    ("agencies", {"code": "draft_agency", "name_th": "หน่วยงานร่าง", "status": "draft",
                  "updated_by": "officer:1"}),
    ("office_types", {"code": "district_office", "name_th": "ที่ว่าการอำเภอ", "aliases": "[]",
                      "closed_on_public_holidays": True, "has_office_records": True,
                      "status": "published", "updated_by": "seed"}),
    ("services", {"id": 1, "code": "id_card_renewal", "name_th": "ต่ออายุบัตร",
                  "category": "id_card", "aliases": '["ต่อบัตร"]', "agency_code": "dopa",
                  "office_types": '["district_office"]', "fees": '[{"amount": 0}]',
                  "status": "published", "updated_by": "seed"}),
    ("services", {"id": 2, "code": "other", "name_th": "บริการอื่น", "category": "welfare",
                  "aliases": "[]", "agency_code": "draft_agency", "office_types": "[]",
                  "status": "published", "updated_by": "officer:1"}),
    ("services", {"id": 3, "code": "draft_service", "name_th": "บริการร่าง",
                  "category": "welfare", "aliases": '["ร่าง"]', "agency_code": "dopa",
                  "office_types": "[]", "status": "draft", "updated_by": "officer:2"}),
    ("offices", {"id": 1, "code": "district_office:5002", "office_type": "district_office",
                 "name_th": "ที่ว่าการอำเภอจอมทอง", "province_code": "50",
                 "district_code": "5002", "location_is_approximate": True,
                 "closed_on_public_holidays": True, "service_codes": "[]",
                 "status": "draft", "updated_by": "officer:3", "phone": "053-341-000"}),
    ("opening_hours", {"id": 1, "office_id": 1, "weekday": 0, "opens": "08:30:00",
                       "closes": "16:30:00"}),
    ("faqs", {"id": 1, "key": "thaid", "title": "ThaID", "question_variants": '["ไทยดีคือ"]',
              "answer": "แอปค่ะ", "status": "published", "updated_by": "officer:4"}),
    ("faqs", {"id": 2, "key": "thaid", "province_code": "50", "title": "ThaID เชียงใหม่",
              "question_variants": "[]", "answer": "ร่างค่ะ", "status": "draft",
              "updated_by": "officer:4"}),
    ("public_holidays", {"id": 1, "date": "2026-12-10", "name_th": "วันรัฐธรรมนูญ",
                         "status": "published", "updated_by": "seed", "checked_on": "2026-11-24"}),
]


def _insert_0001(connection: Connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    for table, row in _ROWS_0001:
        values = dict(row) if table == "opening_hours" else {**_AUDIT, **row}
        columns = ", ".join(values)
        marks = ", ".join(
            f"CAST(:{k} AS JSONB)" if postgres and isinstance(v, str) and v[:1] in "[{"
            else f":{k}" for k, v in values.items()
        )
        connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)


def _after_0002(connection: Connection) -> dict[str, object]:
    def rows(sql: str) -> list[tuple]:
        return [tuple(r) for r in connection.execute(text(sql))]

    return {
        "origins": rows(
            "SELECT 'service', code, origin, updated_by FROM services UNION ALL "
            "SELECT 'agency', code, origin, updated_by FROM agencies UNION ALL "
            "SELECT 'faq', key, origin, updated_by FROM faqs UNION ALL "
            "SELECT 'province', code, origin, updated_by FROM provinces ORDER BY 1, 2"
        ),
        "drafts": rows(
            "SELECT kind, record_key, province_code, base_version, created_by FROM drafts "
            "ORDER BY kind, record_key"
        ),
        "data": {
            key: (data if isinstance(data, dict) else json.loads(data))
            for key, data in connection.execute(text("SELECT record_key, data FROM drafts"))
        },
        "offices": rows("SELECT count(*) FROM offices"),
        "hours": rows("SELECT count(*) FROM opening_hours"),
    }


async def _upgrade_with_data(engine: AsyncEngine) -> None:
    await migrate.upgrade(engine, "0001")
    async with engine.begin() as connection:
        await connection.run_sync(_insert_0001)
    await migrate.upgrade(engine)
    async with engine.connect() as connection:
        found = await connection.run_sync(_after_0002)
        assert await connection.run_sync(_differences) == []
    assert found["origins"] == [
        ("agency", "dopa", "seed", None),
        ("agency", "draft_agency", "editor", "officer:1"),
        ("faq", "thaid", "editor", "officer:4"),
        ("province", "50", "seed", None),
        ("service", "id_card_renewal", "seed", None),
        ("service", "other", "editor", "officer:1"),
    ]
    assert found["drafts"] == [
        ("agency", "draft_agency", None, None, "officer:1"),
        ("faq", "thaid@50", "50", None, "officer:4"),
        ("office", "district_office:5002", "50", None, "officer:3"),
        ("service", "draft_service", None, None, "officer:2"),
    ]
    office = found["data"]["district_office:5002"]
    assert (office["phone"], office["hours"], office["service_codes"]) == (
        "053-341-000",
        [[0, "08:30", "16:30"]],
        [],
    )
    assert found["data"]["draft_service"]["aliases"] == ["ร่าง"]
    assert found["data"]["thaid@50"]["answer"] == "ร่างค่ะ"
    assert (found["offices"], found["hours"]) == ([(0,)], [(0,)])
    # Drafts of records that now have none can be downgraded only once they are dealt with.
    with pytest.raises(RuntimeError, match="would lose 0 revisions and 4 drafts"):
        await migrate.downgrade(engine, "0001")


async def test_0002_moves_the_data_of_0001_on_sqlite(tmp_path: Path) -> None:
    engine = create_async_engine(sqlite_url(tmp_path / "kb.sqlite3"))
    try:
        await _upgrade_with_data(engine)
    finally:
        await engine.dispose()


@pytest.mark.services
async def test_0002_moves_the_data_of_0001_on_postgresql(
    temporary_postgres: TemporaryPostgres,
) -> None:
    engine = create_async_engine(temporary_postgres.url, poolclass=NullPool)
    try:
        await _upgrade_with_data(engine)
    finally:
        await engine.dispose()
