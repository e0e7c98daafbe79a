"""Drafts, publication, revisions and restore, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from app.kb.models import ContentKind, Draft, Origin, Service
from app.kb.repositories import editing, faqs, holidays, offices, services
from app.kb.repositories.editing import Editor

NATIONAL = Editor("console:1")
CHIANG_MAI = Editor("console:50-7", province_code="50")


async def _draft_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Draft)) or 0


async def test_publishing_a_draft_makes_it_current_and_stores_a_revision(
    session: AsyncSession,
) -> None:
    before = await services.get_service(session, "complaint")
    version = before.version
    draft = await editing.create_draft(
        session,
        ContentKind.SERVICE,
        {"code": "complaint", "aliases": ["ร้องเรียน", "ร้องทุกข์", "แจ้งเรื่องร้องเรียน"]},
        NATIONAL,
    )
    assert (draft.record_key, draft.base_version, draft.province_code) == (
        "complaint",
        version,
        None,
    )
    # The draft holds the whole record; the published one is untouched.
    assert draft.data["name_th"] == "ร้องเรียนร้องทุกข์"
    session.expunge_all()
    assert (await services.get_service(session, "complaint")).aliases == ["ร้องเรียน", "ร้องทุกข์"]

    revision = await editing.publish(session, draft.id, NATIONAL, "เพิ่มคำที่ประชาชนใช้")
    await session.commit()
    session.expunge_all()
    published = await services.get_service(session, "complaint")
    assert published.aliases == ["ร้องเรียน", "ร้องทุกข์", "แจ้งเรื่องร้องเรียน"]
    assert (published.origin, published.updated_by, published.version) == (
        Origin.EDITOR,
        "console:1",
        version + 1,
    )
    assert (revision.kind, revision.record_key, revision.author, revision.reason) == (
        "service",
        "complaint",
        "console:1",
        "เพิ่มคำที่ประชาชนใช้",
    )
    assert revision.before is not None and revision.after is not None
    assert revision.before["aliases"] == ["ร้องเรียน", "ร้องทุกข์"]
    assert revision.after["aliases"] == ["ร้องเรียน", "ร้องทุกข์", "แจ้งเรื่องร้องเรียน"]
    assert {k: v for k, v in revision.before.items() if k != "aliases"} == {
        k: v for k, v in revision.after.items() if k != "aliases"
    }
    assert revision.created_at.tzinfo is not None
    assert await _draft_count(session) == 0
    listed = await editing.list_revisions(session, ContentKind.SERVICE, "complaint")
    assert [r.id for r in listed] == [revision.id]


async def test_one_draft_per_record(session: AsyncSession) -> None:
    await editing.create_draft(session, ContentKind.FAQ, {"key": "complaint_channels"}, NATIONAL)
    with pytest.raises(ConflictError, match="already has draft"):
        await editing.create_draft(
            session, ContentKind.FAQ, {"key": "complaint_channels"}, NATIONAL
        )


async def test_a_draft_of_a_record_published_since_cannot_be_published(
    session: AsyncSession,
) -> None:
    first = await editing.create_draft(
        session, ContentKind.FAQ, {"key": "complaint_channels", "title": "ก"}, NATIONAL
    )
    await editing.publish(session, first.id, NATIONAL, "แก้ชื่อเรื่อง")
    stale = await editing.create_draft(
        session, ContentKind.FAQ, {"key": "complaint_channels", "title": "ข"}, NATIONAL
    )
    stale.base_version = 1  # as if started before the first publication
    await session.flush()
    with pytest.raises(ConflictError, match="was published again"):
        await editing.publish(session, stale.id, NATIONAL, "แก้อีกครั้ง")
    assert (await faqs.get_faq(session, "complaint_channels")).title == "ก"


async def test_update_and_discard_a_draft(session: AsyncSession) -> None:
    draft = await editing.create_draft(
        session, ContentKind.FAQ, {"key": "complaint_channels"}, NATIONAL
    )
    updated = await editing.update_draft(
        session, draft.id, {"answer": "โทร 1567 ได้ตลอด 24 ชั่วโมงค่ะ"}, Editor("console:2")
    )
    assert (updated.data["answer"], updated.created_by, updated.updated_by) == (
        "โทร 1567 ได้ตลอด 24 ชั่วโมงค่ะ",
        "console:1",
        "console:2",
    )
    with pytest.raises(ValidationError, match="cannot change its record's key"):
        await editing.update_draft(session, draft.id, {"key": "other"}, NATIONAL)
    with pytest.raises(ValidationError, match="unknown fields colour"):
        await editing.update_draft(session, draft.id, {"colour": "red"}, NATIONAL)
    await editing.discard_draft(session, draft.id, NATIONAL)
    with pytest.raises(NotFoundError):
        await editing.get_draft(session, draft.id)
    assert await editing.list_revisions(session, ContentKind.FAQ, "complaint_channels") == []


async def test_restore_an_earlier_revision_as_a_new_draft(session: AsyncSession) -> None:
    for answer in ("คำตอบที่หนึ่งค่ะ", "คำตอบที่สองค่ะ"):
        draft = await editing.create_draft(
            session, ContentKind.FAQ, {"key": "complaint_channels", "answer": answer}, NATIONAL
        )
        await editing.publish(session, draft.id, NATIONAL, f"เปลี่ยนเป็น{answer}")
    newest, oldest = await editing.list_revisions(session, ContentKind.FAQ, "complaint_channels")
    assert (oldest.after or {})["answer"] == "คำตอบที่หนึ่งค่ะ"
    assert (oldest.before or {})["answer"] == "ร้องเรียนได้ที่ศูนย์ดำรงธรรมทุกจังหวัด หรือโทรสายด่วน 1567 ตลอด 24 ชั่วโมงค่ะ"

    restored = await editing.restore(session, oldest.id, NATIONAL)
    # Restoring only drafts: citizens still read the current answer.
    assert (await faqs.get_faq(session, "complaint_channels")).answer == "คำตอบที่สองค่ะ"
    assert restored.data == oldest.after
    with pytest.raises(ConflictError):
        await editing.restore(session, newest.id, NATIONAL)
    await editing.publish(session, restored.id, NATIONAL, "กลับไปใช้คำตอบเดิม")
    assert (await faqs.get_faq(session, "complaint_channels")).answer == "คำตอบที่หนึ่งค่ะ"
    assert len(await editing.list_revisions(session, ContentKind.FAQ, "complaint_channels")) == 3


async def test_a_provincial_editor_works_in_their_province_only(session: AsyncSession) -> None:
    with pytest.raises(ForbiddenError, match="may not edit national records"):
        await editing.create_draft(
            session, ContentKind.FAQ, {"key": "complaint_channels"}, CHIANG_MAI
        )
    with pytest.raises(ForbiddenError, match="province 10"):
        await editing.create_draft(
            session, ContentKind.FAQ, {"key": "office_hours", "province_code": "10"}, CHIANG_MAI
        )
    draft = await editing.create_draft(
        session,
        ContentKind.FAQ,
        {
            "key": "id_card_lost",
            "province_code": "50",
            "title": "บัตรหายในเชียงใหม่",
            "question_variants": ["บัตรหายที่เชียงใหม่ทำที่ไหน"],
            "answer": "ทำบัตรใหม่ได้ที่ที่ว่าการอำเภอทุกแห่งในเชียงใหม่ค่ะ",
        },
        CHIANG_MAI,
    )
    assert draft.record_key == "id_card_lost@50"
    assert [d.id for d in await editing.list_drafts(session, CHIANG_MAI)] == [draft.id]
    revision = await editing.publish(session, draft.id, CHIANG_MAI, "คำตอบของจังหวัด")
    assert revision.before is None
    answer = await faqs.get_faq(session, "id_card_lost", "50")
    assert (answer.province_code, answer.answer) == (
        "50",
        "ทำบัตรใหม่ได้ที่ที่ว่าการอำเภอทุกแห่งในเชียงใหม่ค่ะ",
    )
    assert (await faqs.get_faq(session, "id_card_lost", "10")).province_code is None


async def test_new_records_of_every_kind_can_be_published(session: AsyncSession) -> None:
    new = [
        (ContentKind.AGENCY, {"code": "dla", "name_th": "กรมส่งเสริมการปกครองท้องถิ่น"}),
        (ContentKind.HOLIDAY, {"date": "2025-12-31", "name_th": "วันสิ้นปี"}),
        (
            ContentKind.OFFICE,
            {
                "code": "district_office:5002-annex",
                "office_type": "district_office",
                "name_th": "จุดบริการอำเภอจอมทอง",
                "province_code": "50",
                "district_code": "5002",
                "hours": [[0, "08:30", "16:30"]],
            },
        ),
    ]
    for kind, data in new:
        draft = await editing.create_draft(session, kind, data, NATIONAL)
        await editing.publish(session, draft.id, NATIONAL, "เพิ่มข้อมูล")
    assert (await holidays.holidays_between(session, date(2025, 12, 31), date(2025, 12, 31))) == {
        date(2025, 12, 31): "วันสิ้นปี"
    }
    found = await offices.offices_in_area(session, district_code="5002", limit=10)
    annex = next(o for o in found if o.code == "district_office:5002-annex")
    assert [(h.weekday, h.opens.isoformat(), h.closes.isoformat()) for h in annex.hours] == [
        (0, "08:30:00", "16:30:00")
    ]


async def test_publication_is_refused_whole(session: AsyncSession) -> None:
    with pytest.raises(ValidationError, match="agency_code, category, name_th required"):
        await editing.create_draft(session, ContentKind.SERVICE, {"code": "x"}, NATIONAL)
    draft = await editing.create_draft(
        session, ContentKind.SERVICE, {"code": "complaint", "agency_code": "nobody"}, NATIONAL
    )
    with pytest.raises(ValidationError, match="publishing needs a reason"):
        await editing.publish(session, draft.id, NATIONAL, " ")
    with pytest.raises(ValidationError, match="complaint"):
        await editing.publish(session, draft.id, NATIONAL, "เปลี่ยนหน่วยงาน")
    session.expunge_all()
    service = await session.scalar(select(Service).where(Service.code == "complaint"))
    assert service is not None and (service.agency_code, service.origin) == ("damrongdhama", "seed")
    assert await _draft_count(session) == 1
    assert await editing.list_revisions(session, ContentKind.SERVICE, "complaint") == []


async def test_no_personal_data_in_accounts_or_reasons(session: AsyncSession) -> None:
    with pytest.raises(ValidationError, match="e-mail or phone"):
        Editor("somchai@example.go.th")
    draft = await editing.create_draft(
        session, ContentKind.FAQ, {"key": "complaint_channels"}, NATIONAL
    )
    revision = await editing.publish(
        session, draft.id, NATIONAL, "ประชาชนโทรแจ้งจาก 081-234-5678 ว่าข้อมูลผิด"
    )
    assert revision.reason == "ประชาชนโทรแจ้งจาก <เบอร์โทร> ว่าข้อมูลผิด"
