"""The seed: generated offices, idempotency, officers' edits, pruning, bad files."""

from __future__ import annotations

import shutil
from datetime import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.kb.db import Database
from app.kb.models import Base, ContentKind, Faq, Office, Origin, Revision, Service
from app.kb.repositories import editing
from app.kb.seed import SeedReport, run_seed
from tests.app.kb.conftest import FIXTURE_GEO, FIXTURE_KB, sqlite_url

# Fixture geography: Bangkok (50 khet), Pathum Thani (7), Chiang Mai (25).
EXPECTED_ROWS = {
    "provinces": 3,
    "districts": 82,
    "agencies": 3,
    "office_types": 9,
    "services": 6,
    "offices": 82 + 3 + 3,
    # 2 ranges x 5 days for district offices and halls, 1 x 5 for Damrongdhama.
    "opening_hours": (82 + 3) * 10 + 3 * 5,
    "faqs": 5,
    "public_holidays": 7,
    "service_notes": 0,
    "feedback": 0,
    "drafts": 0,
    "revisions": 0,
    # The staff console's accounts and sessions: the seed never makes any.
    "console_accounts": 0,
    "console_sessions": 0,
}
UNSEEDED = ("opening_hours", "feedback", "drafts", "revisions", "console_accounts", "console_sessions")


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(sqlite_url(tmp_path / "kb.sqlite3"))
    yield database
    await database.dispose()


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A copy of the fixture KB a test may change."""
    return Path(shutil.copytree(FIXTURE_KB, tmp_path / "kb"))


async def seed(db: Database, kb_dir: Path = FIXTURE_KB) -> SeedReport:
    return await run_seed(db, kb_dir, FIXTURE_GEO)


async def row_counts(db: Database) -> dict[str, int]:
    async with db.session() as s:
        return {
            table.name: await s.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


async def versions(db: Database) -> dict[tuple[str, str], tuple[int, object]]:
    """(table, key) → (version, updated_at) of every versioned row."""
    found = {}
    async with db.session() as s:
        for table in Base.metadata.sorted_tables:
            if "version" not in table.c:
                continue
            key = table.c.get("code", table.c.get("key", table.c.get("date")))
            for row in await s.execute(select(table)):
                found[
                    (table.name, f"{row._mapping[key.name]}/{row._mapping.get('province_code')}")
                ] = (
                    row.version,
                    row.updated_at,
                )
    return found


async def get_office(db: Database, code: str) -> Office:
    async with db.session() as s:
        office = await s.scalar(
            select(Office).options(selectinload(Office.hours)).where(Office.code == code)
        )
    assert office is not None
    return office


async def test_seed_twice_changes_nothing(db: Database) -> None:
    first = await seed(db)
    assert {t: c.inserted for t, c in first.tables.items()} == {
        t: n for t, n in EXPECTED_ROWS.items() if t not in UNSEEDED
    }
    counts, before = await row_counts(db), await versions(db)
    assert counts == EXPECTED_ROWS
    assert {v for v, _ in before.values()} == {1}

    second = await seed(db)
    assert await row_counts(db) == counts
    assert await versions(db) == before  # no version bump, no new updated_at
    for table, c in second.tables.items():
        assert (c.inserted, c.updated, c.deleted, c.skipped_edited) == (0, 0, 0, []), table
        assert c.unchanged == EXPECTED_ROWS[table]


async def test_generated_offices(db: Database) -> None:
    await seed(db)
    khet = await get_office(db, "bangkok_district_office:1001")
    assert (khet.name_th, khet.province_code, khet.district_code) == (
        "สำนักงานเขตพระนคร",
        "10",
        "1001",
    )
    assert (khet.latitude, khet.longitude) == (13.7564, 100.4993)  # subdistrict mean
    assert (khet.address, khet.phone, khet.location_is_approximate) == (None, None, True)
    assert khet.service_codes == ["house_registration_copy", "id_card_lost", "id_card_renewal"]
    assert (khet.origin, khet.updated_by) == (Origin.SEED, None)
    assert "ตำแหน่งโดยประมาณ" in khet.source_title and "เขตพระนคร" in khet.source_title
    assert [(h.weekday, h.opens, h.closes) for h in khet.hours][:2] == [
        (0, time(8, 30), time(12, 0)),
        (0, time(13, 0), time(16, 30)),
    ]
    # Bang Na has no subdistrict points: its polygon centre stands in.
    bang_na = await get_office(db, "bangkok_district_office:1047")
    assert (bang_na.latitude, bang_na.longitude) == (13.66914, 100.62082)
    amphoe = await get_office(db, "district_office:1301")
    assert amphoe.name_th == "ที่ว่าการอำเภอเมืองปทุมธานี"

    city_hall = await get_office(db, "provincial_hall:10")
    assert (city_hall.name_th, city_hall.district_code) == ("ศาลาว่าการกรุงเทพมหานคร", "1001")
    assert (city_hall.latitude, city_hall.longitude) == (khet.latitude, khet.longitude)
    # No standard_hours for halls in the fixture: official hours, lunch break included.
    assert len(city_hall.hours) == 10 and city_hall.service_codes == []
    hall = await get_office(db, "provincial_hall:50")
    assert (hall.name_th, hall.district_code) == ("ศาลากลางจังหวัดเชียงใหม่", "5001")
    centre = await get_office(db, "damrongdhama_center:50")
    assert centre.name_th == "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่"
    assert centre.service_codes == ["complaint"]
    assert [(h.opens, h.closes) for h in centre.hours] == [(time(8, 30), time(16, 30))] * 5


async def test_changed_data_updates_and_bumps_the_version(db: Database, kb_copy: Path) -> None:
    await seed(db)
    path = kb_copy / "services" / "id_card_renewal.yml"
    service = yaml.safe_load(path.read_text(encoding="utf-8"))
    service["fees"][1]["amount"] = 200
    path.write_text(yaml.safe_dump(service, allow_unicode=True), encoding="utf-8")
    types = yaml.safe_load((kb_copy / "office_types.yml").read_text(encoding="utf-8"))
    types["district_office"]["standard_hours"] = [
        {"days": [0, 1, 2, 3, 4], "opens": "08:30", "closes": "16:30"}
    ]
    (kb_copy / "office_types.yml").write_text(
        yaml.safe_dump(types, allow_unicode=True), encoding="utf-8"
    )

    report = await seed(db, kb_copy)
    assert report.tables["services"].updated == 1
    assert report.tables["offices"].updated == 32  # Chiang Mai 25 + Pathum Thani 7 amphoe
    async with db.session() as s:
        renewal = await s.scalar(select(Service).where(Service.code == "id_card_renewal"))
    assert renewal.fees[1]["amount"] == 200 and renewal.version == 2
    amphoe = await get_office(db, "district_office:5002")
    assert amphoe.version == 2
    assert [(h.opens, h.closes) for h in amphoe.hours] == [(time(8, 30), time(16, 30))] * 5
    assert (await get_office(db, "bangkok_district_office:1001")).version == 1
    # Each change the seed made is a revision: the whole record before and after.
    async with db.session() as s:
        stored = list(await s.scalars(select(Revision).where(Revision.kind == "service")))
    assert [(r.record_key, r.origin, r.author, r.reason) for r in stored] == [
        ("id_card_renewal", "seed", None, "seed: data/kb")
    ]
    assert (stored[0].before["fees"][1]["amount"], stored[0].after["fees"][1]["amount"]) == (
        100,
        200,
    )
    assert report.tables["offices"].updated == 32


async def test_an_officers_edit_is_never_overwritten(db: Database, kb_copy: Path) -> None:
    await seed(db)
    async with db.session() as s:
        office = await s.scalar(select(Office).where(Office.code == "district_office:5002"))
        office.phone = "053-341-000"
        office.location_is_approximate = False
        office.origin, office.updated_by = Origin.EDITOR, "console:50-1"
        faq = await s.scalar(select(Faq).where(Faq.key == "complaint_channels"))
        faq.answer = "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดค่ะ"
        faq.origin, faq.updated_by = Origin.EDITOR, "console:50-1"
    edited = await versions(db)
    # The data changes the same records, and drops the FAQ altogether.
    faqs_path = kb_copy / "faqs.yml"
    doc = yaml.safe_load(faqs_path.read_text(encoding="utf-8"))
    doc["faqs"] = [f for f in doc["faqs"] if f["key"] != "complaint_channels"]
    faqs_path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")

    report = await seed(db, kb_copy)
    assert report.tables["offices"].skipped_edited == ["district_office:5002"]
    office = await get_office(db, "district_office:5002")
    assert (office.phone, office.location_is_approximate, office.version) == (
        "053-341-000",
        False,
        2,
    )
    async with db.session() as s:
        faq = await s.scalar(select(Faq).where(Faq.key == "complaint_channels"))
    assert faq is not None and faq.answer == "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดค่ะ"
    # Only the FAQ's provincial override, which no officer edited, went with the data.
    assert await versions(db) == {
        row: version for row, version in edited.items() if row != ("faqs", "complaint_channels/50")
    }


async def test_a_published_edit_is_never_overwritten(db: Database, kb_copy: Path) -> None:
    await seed(db)
    editor = editing.Editor("console:1")
    async with db.session() as s:
        draft = await editing.create_draft(
            s, ContentKind.SERVICE, {"code": "complaint", "aliases": ["แจ้งเรื่องร้องเรียน"]}, editor
        )
        await editing.publish(s, draft.id, editor, "คำที่ประชาชนใช้")
    path = kb_copy / "services" / "complaint.yml"
    service = yaml.safe_load(path.read_text(encoding="utf-8"))
    service["aliases"] = ["ร้องเรียน"]
    path.write_text(yaml.safe_dump(service, allow_unicode=True), encoding="utf-8")
    report = await seed(db, kb_copy)
    assert report.tables["services"].skipped_edited == ["complaint"]
    async with db.session() as s:
        stored = await s.scalar(select(Service).where(Service.code == "complaint"))
    assert stored is not None and stored.aliases == ["แจ้งเรื่องร้องเรียน"]


async def test_seed_owned_rows_gone_from_the_data_are_deleted(db: Database, kb_copy: Path) -> None:
    await seed(db)
    doc = yaml.safe_load((kb_copy / "faqs.yml").read_text(encoding="utf-8"))
    del doc["faqs"][0]["overrides"]
    (kb_copy / "faqs.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    report = await seed(db, kb_copy)
    assert report.tables["faqs"].deleted == 1
    async with db.session() as s:
        assert (
            await s.scalar(select(func.count()).select_from(Faq).where(Faq.province_code == "10"))
            == 0
        )


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("services/complaint.yml", lambda d: d.pop("agency"), "'agency' is required"),
        (
            "services/complaint.yml",
            lambda d: d.update(fees=[{"condition": "x"}]),
            "needs an 'amount'",
        ),
        ("services/complaint.yml", lambda d: d.update(code="other"), "differs from the file name"),
        (
            "office_types.yml",
            lambda d: d["district_office"].update(
                standard_hours=[{"days": [0], "opens": 510, "closes": "16:30"}]
            ),
            "write it quoted",
        ),
        ("office_types.yml", lambda d: d.pop("provincial_hall"), "no 'provincial_hall'"),
        ("holidays.yml", lambda d: d["holidays"][0].update(date="5 Dec"), "not a date"),
        ("holidays.yml", lambda d: d["holidays"][0].update(province_code="99"), "province '99'"),
        (
            "services/complaint.yml",
            lambda d: d.update(agency="nobody", where_to_apply={"office_types": ["cafe"]}),
            r"agency 'nobody' is not in agencies.yml; .*office type 'cafe'",
        ),
    ],
)
async def test_a_bad_file_fails_before_anything_is_written(
    db: Database, kb_copy: Path, file: str, change, message: str
) -> None:
    await seed(db)
    before = await versions(db)
    path = kb_copy / file
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        await seed(db, kb_copy)
    assert await versions(db) == before


async def test_a_missing_file_is_named(db: Database, kb_copy: Path) -> None:
    (kb_copy / "holidays.yml").unlink()
    with pytest.raises(ValidationError, match="missing holidays.yml"):
        await seed(db, kb_copy)
