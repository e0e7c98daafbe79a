"""The repository's own seed data (data/geo, data/kb) seeds cleanly, twice."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.kb.db import Database
from app.kb.models import District, Office, OfficeType, Province, Service
from app.kb.models.offices import DISTRICT_OFFICE_TYPES, PROVINCE_OFFICE_TYPES
from app.kb.repositories import offices
from app.kb.seed import run_seed
from common.paths import KB_DATA
from tests.app.kb.conftest import sqlite_url


async def test_seed_repository_data(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "kb.sqlite3"))
    try:
        first = await run_seed(db)
        second = await run_seed(db)
        async with db.session() as s:
            count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
            assert (await count(Province), await count(District)) == (77, 928)
            # 878 amphoe + 50 khet offices, and a provincial hall and a
            # Damrongdhama centre per province.
            assert await count(Office) == 928 + 77 + 77
            assert await count(Service) == len(list((KB_DATA / "services").glob("*.yml")))
            generated = set(DISTRICT_OFFICE_TYPES + PROVINCE_OFFICE_TYPES)
            types = await s.scalars(select(OfficeType).where(OfficeType.code.in_(generated)))
            assert {t.code for t in types if t.has_office_records} == generated
            # The "where to apply" of a service reaches generated offices.
            found = await offices.offices_in_area(s, district_code="5001")
            assert found[0].name_th == "ที่ว่าการอำเภอเมืองเชียงใหม่"
            assert found[0].service_codes
    finally:
        await db.dispose()
    assert sum(c.inserted for c in first.tables.values()) > 2000
    for table, c in second.tables.items():
        assert (c.inserted, c.updated, c.deleted) == (0, 0, 0), table
