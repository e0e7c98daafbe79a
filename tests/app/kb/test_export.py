"""``python -m app.kb.export``: the published database back in the format of data/kb."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.kb.db import Database
from app.kb.export import export
from app.kb.models import ContentKind
from app.kb.repositories import editing, service_notes
from app.kb.seed import run_seed
from app.kb.seed.sources import KbData, load_kb
from common.paths import GEO, KB_DATA
from tests.app.kb.conftest import FIXTURE_GEO, FIXTURE_KB, sqlite_url


def _by_key(kb: KbData) -> dict[str, Any]:
    """The records of each file, in a stable order (files list them as authors like)."""

    def ordered(records: list[dict[str, Any]], *key: str) -> list[dict[str, Any]]:
        return sorted(records, key=lambda r: tuple(str(r[k]) for k in key))

    return {
        "agencies": ordered(kb.agencies, "code"),
        "office_types": ordered(kb.office_types, "code"),
        "services": ordered(kb.services, "code"),
        "faqs": ordered(kb.faqs, "key", "province_code"),
        "holidays": ordered(kb.holidays, "date", "province_code"),
        "service_notes": ordered(kb.service_notes, "service_code", "province_code"),
    }


@pytest.fixture
async def db(tmp_path: Path):
    database = Database(sqlite_url(tmp_path / "kb.sqlite3"))
    yield database
    await database.dispose()


@pytest.mark.parametrize(
    ("kb_dir", "geo_dir"), [(KB_DATA, GEO), (FIXTURE_KB, FIXTURE_GEO)], ids=["data-kb", "fixture"]
)
async def test_seed_then_export_gives_the_seed_back(
    db: Database, tmp_path: Path, kb_dir: Path, geo_dir: Path
) -> None:
    await run_seed(db, kb_dir, geo_dir)
    out = tmp_path / "export"
    written = await export(db, out)
    assert _by_key(load_kb(out)) == _by_key(load_kb(kb_dir))
    assert len(written) == 5 + len(list((kb_dir / "services").glob("*.yml")))
    first = {p: p.read_bytes() for p in written}
    await export(db, out)
    assert {p: p.read_bytes() for p in written} == first  # stable bytes


async def test_the_export_holds_what_editors_published(db: Database, tmp_path: Path) -> None:
    await run_seed(db, FIXTURE_KB, FIXTURE_GEO)
    editor = editing.Editor("console:1")
    async with db.session() as s:
        alias = await editing.create_draft(
            s, ContentKind.SERVICE, {"code": "complaint", "aliases": ["แจ้งเรื่องร้องเรียน"]},
            editor,
        )
        await editing.publish(s, alias.id, editor, "คำที่ประชาชนใช้")
        local = await editing.create_draft(
            s,
            ContentKind.FAQ,
            {"key": "complaint_channels", "province_code": "50",
             "answer": "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ค่ะ"},
            editor,
        )
        await editing.publish(s, local.id, editor, "คำตอบของจังหวัด")
        # A draft is not published: it is not in the export.
        await editing.create_draft(
            s, ContentKind.FAQ, {"key": "office_hours", "answer": "ร่าง"}, editor
        )
    out = tmp_path / "export"
    await export(db, out)
    kb = load_kb(out)
    complaint = next(s for s in kb.services if s["code"] == "complaint")
    assert complaint["aliases"] == ["แจ้งเรื่องร้องเรียน"]
    faqs = {(f["key"], f["province_code"]): f for f in kb.faqs}
    assert faqs[("complaint_channels", "50")]["answer"] == (
        "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ค่ะ"
    )
    # The override restates only the answer; the rest comes from the national FAQ.
    assert faqs[("complaint_channels", "50")]["question_variants"] == [
        "ร้องเรียนที่ไหน",
        "จะร้องทุกข์ต้องทำอย่างไร",
    ]
    assert faqs[("office_hours", None)]["answer"] != "ร่าง"


async def test_a_published_province_note_goes_out_and_seeds_back(
    db: Database, tmp_path: Path
) -> None:
    await run_seed(db, FIXTURE_KB, FIXTURE_GEO)
    editor = editing.Editor("cm.officer", "50")
    async with db.session() as s:
        draft = await editing.create_draft(
            s, ContentKind.SERVICE_NOTE,
            {"service_code": "complaint", "province_code": "50",
             "note": "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่รับเรื่องทุกวันทำการ",
             "source_agency": "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่", "checked_on": "2026-12-07"},
            editor,
        )
        await editing.publish(s, draft.id, editor, "หมายเหตุของจังหวัด")
    out = tmp_path / "export"
    await export(db, out)
    assert load_kb(out).service_notes == [{
        "service_code": "complaint", "province_code": "50",
        "note": "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่รับเรื่องทุกวันทำการ",
        "source_agency": "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่", "source_title": None,
        "source_url": None, "checked_on": date(2026, 12, 7),
    }]
    # Seeding an empty database from the export gives the same note back.
    fresh = Database(sqlite_url(tmp_path / "fresh.sqlite3"))
    try:
        await run_seed(fresh, out, FIXTURE_GEO)
        async with fresh.session() as s:
            notes = await service_notes.list_service_notes(s, province_code="50")
        assert [(n.service_code, n.note) for n in notes] == [
            ("complaint", "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่รับเรื่องทุกวันทำการ")
        ]
    finally:
        await fresh.dispose()
