"""Repository functions on the seeded fixture KB, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import random
from datetime import date, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ConfigError, NotFoundError, ValidationError
from common.geo import haversine_km
from app.kb.models import ContentKind, Feedback, Office, Service
from app.kb.repositories import editing, faqs, feedback, geo, holidays, offices, services

EDITOR = editing.Editor("console:1")

MUEANG_CHIANG_MAI = (18.7885, 98.9942)  # subdistrict mean of district 5001
CHOM_THONG = (18.3657, 98.6427)  # subdistrict mean of district 5002


# --- services ----------------------------------------------------------------


async def test_get_service_with_its_agency(session: AsyncSession) -> None:
    service = await services.get_service(session, "id_card_renewal")
    assert service.name_th == "ต่ออายุบัตรประจำตัวประชาชน"
    assert service.agency.name_th == "กรมการปกครอง"
    assert service.effective_hotline == "1548"  # the agency's; YAML's int 1548 kept as text
    assert service.fees == [
        {"amount": 0, "condition": "บัตรหมดอายุ"},
        {"amount": 100, "unit": "บาท", "condition": "บัตรหายหรือถูกทำลาย"},
    ]
    assert service.documents == ["บัตรประจำตัวประชาชนใบเดิม"]
    assert service.online_name == "แอปพลิเคชัน ThaID"
    assert service.checked_on == date(2026, 11, 24)
    assert service.created_at.tzinfo == timezone.utc


async def test_service_hotline_overrides_the_agency(session: AsyncSession) -> None:
    service = await services.get_service(session, "complaint")
    assert service.effective_hotline == "1567"
    # Unknown stays unknown; a fee list that is empty says "no fee".
    assert (service.documents, service.steps, service.fees) == (None, None, [])


async def test_unknown_or_draft_service_is_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await services.get_service(session, "no_such_service")
    await editing.create_draft(
        session,
        ContentKind.SERVICE,
        {"code": "new_service", "name_th": "บริการใหม่", "category": "welfare",
         "agency_code": "dopa"},
        EDITOR,
    )
    await editing.create_draft(
        session, ContentKind.SERVICE, {"code": "complaint", "name_th": "ร่าง"}, EDITOR
    )
    session.expunge_all()
    with pytest.raises(NotFoundError):
        await services.get_service(session, "new_service")
    assert (await services.get_service(session, "complaint")).name_th == "ร้องเรียนร้องทุกข์"
    assert [s.code for s in await services.list_services(session)] == [
        "house_registration_copy", "complaint", "id_card_lost", "id_card_renewal",
        "military_registration", "passport",
    ]


async def test_list_services_by_category(session: AsyncSession) -> None:
    listed = await services.list_services(session)
    assert [(s.category, s.code) for s in listed] == [
        ("civil_registration", "house_registration_copy"),
        ("complaint", "complaint"),
        ("id_card", "id_card_lost"),
        ("id_card", "id_card_renewal"),
        ("military", "military_registration"),
        ("travel_transport", "passport"),
    ]
    by_code = {s.code: s for s in listed}
    assert by_code["id_card_renewal"].effective_hotline == "1548"  # the agency's


async def test_relationships_must_be_loaded_explicitly(session: AsyncSession) -> None:
    service = await session.scalar(select(Service).where(Service.code == "complaint"))
    assert service is not None
    with pytest.raises(Exception, match="raise_on_sql"):
        _ = service.agency


# --- geography ---------------------------------------------------------------


async def test_get_province_and_district(session: AsyncSession) -> None:
    assert (await geo.get_province(session, "50")).name_th == "เชียงใหม่"
    district = await geo.get_district(session, "5001")
    assert (district.name_th, district.province_code, district.is_bangkok_khet) == (
        "เมืองเชียงใหม่",
        "50",
        False,
    )
    assert (district.latitude, district.longitude) == MUEANG_CHIANG_MAI
    assert (await geo.get_district(session, "1001")).is_bangkok_khet is True
    with pytest.raises(NotFoundError):
        await geo.get_province(session, "00")
    with pytest.raises(NotFoundError):
        await geo.get_district(session, "5099")


# --- offices in an area ------------------------------------------------------


async def test_district_office_first_then_province_offices(session: AsyncSession) -> None:
    found = await offices.offices_in_area(session, district_code="5002")
    assert [o.name_th for o in found] == [
        "ที่ว่าการอำเภอจอมทอง",
        "ศาลากลางจังหวัดเชียงใหม่",
        "ศูนย์ดำรงธรรมจังหวัดเชียงใหม่",
    ]
    chom_thong = found[0]
    assert (chom_thong.latitude, chom_thong.longitude) == CHOM_THONG
    assert chom_thong.location_is_approximate is True
    assert (chom_thong.address, chom_thong.phone) == (None, None)
    assert chom_thong.service_codes == [
        "house_registration_copy", "id_card_lost", "id_card_renewal", "military_registration"
    ]
    # Hours are loaded: no lazy load is needed (or allowed) to read them.
    assert [
        (h.weekday, h.opens.isoformat(), h.closes.isoformat()) for h in chom_thong.hours[:2]
    ] == [
        (0, "08:30:00", "12:00:00"),
        (0, "13:00:00", "16:30:00"),
    ]
    assert len(chom_thong.hours) == 10


async def test_bangkok_khet(session: AsyncSession) -> None:
    found = await offices.offices_in_area(session, district_code="1001")
    assert [(o.office_type, o.name_th) for o in found] == [
        ("bangkok_district_office", "สำนักงานเขตพระนคร"),
        ("provincial_hall", "ศาลาว่าการกรุงเทพมหานคร"),
        ("damrongdhama_center", "ศูนย์ดำรงธรรมกรุงเทพมหานคร"),
    ]
    assert found[2].service_codes == ["complaint"]


async def test_province_offices_then_district_offices_by_code(session: AsyncSession) -> None:
    found = await offices.offices_in_area(session, province_code="50", limit=4)
    assert [o.code for o in found] == [
        "provincial_hall:50",
        "damrongdhama_center:50",
        "district_office:5001",
        "district_office:5002",
    ]


async def test_area_filtered_by_office_type(session: AsyncSession) -> None:
    found = await offices.offices_in_area(
        session, province_code="50", office_types=["district_office"], limit=3
    )
    assert [o.name_th for o in found] == [
        "ที่ว่าการอำเภอเมืองเชียงใหม่",
        "ที่ว่าการอำเภอจอมทอง",
        "ที่ว่าการอำเภอแม่แจ่ม",
    ]
    halls = await offices.offices_in_area(
        session, district_code="5002", office_types=["provincial_hall"]
    )
    assert [o.code for o in halls] == ["provincial_hall:50"]


async def test_area_errors(session: AsyncSession) -> None:
    with pytest.raises(ValidationError):
        await offices.offices_in_area(session)
    with pytest.raises(NotFoundError):
        await offices.offices_in_area(session, district_code="5099")
    with pytest.raises(NotFoundError):
        await offices.offices_in_area(session, province_code="00")


async def test_an_office_draft_changes_nothing_citizens_see(session: AsyncSession) -> None:
    await editing.create_draft(
        session,
        ContentKind.OFFICE,
        {"code": "district_office:5002", "phone": "053-341-000", "hours": []},
        EDITOR,
    )
    session.expunge_all()
    found = await offices.offices_in_area(session, district_code="5002")
    assert [o.code for o in found] == [
        "district_office:5002",
        "provincial_hall:50",
        "damrongdhama_center:50",
    ]
    assert (found[0].phone, len(found[0].hours)) == (None, 10)


# --- nearest offices -----------------------------------------------------------


async def test_nearest_at_an_office_point_ties_broken_by_type(session: AsyncSession) -> None:
    nearest = await offices.nearest_offices(session, *MUEANG_CHIANG_MAI)
    assert [(o.code, d) for o, d in nearest] == [
        ("district_office:5001", 0.0),
        ("provincial_hall:50", 0.0),
        ("damrongdhama_center:50", 0.0),
    ]
    assert len(nearest[0][0].hours) == 10


async def test_nearest_distances_in_km(session: AsyncSession) -> None:
    # 0.1 degree due north of the Chom Thong point: 11.1 km along the meridian,
    # nearer than any other district office (Lamphun's Wiang Nong Long is next).
    lat, lon = CHOM_THONG[0] + 0.1, CHOM_THONG[1]
    nearest = await offices.nearest_offices(session, lat, lon, office_types=["district_office"])
    assert [(o.name_th, round(d, 1)) for o, d in nearest[:2]] == [
        ("ที่ว่าการอำเภอจอมทอง", 11.1),
        ("ที่ว่าการอำเภอเวียงหนองล่อง", 12.9),
    ]
    distances = [d for _, d in nearest]
    assert distances == sorted(distances) and len(nearest) == 3
    for office, distance in nearest:
        assert distance == haversine_km(lat, lon, office.latitude, office.longitude)
    # 0.05 degree north of Mueang Chiang Mai: 5.6 km, with its provincial hall tied.
    north = await offices.nearest_offices(
        session, MUEANG_CHIANG_MAI[0] + 0.05, MUEANG_CHIANG_MAI[1]
    )
    assert [(o.code, round(d, 1)) for o, d in north] == [
        ("district_office:5001", 5.6),
        ("provincial_hall:50", 5.6),
        ("damrongdhama_center:50", 5.6),
    ]


async def test_nearest_widens_the_search_when_nothing_is_close(session: AsyncSession) -> None:
    # The Andaman Sea, 360 km west of Phuket: nothing inside the first search boxes.
    nearest = await offices.nearest_offices(session, 7.9, 95.0, limit=2)
    assert len(nearest) == 2
    assert all(d > 240 for _, d in nearest)


async def test_nearest_agrees_with_measuring_every_office(session: AsyncSession) -> None:
    rows = (await session.execute(select(Office.code, Office.latitude, Office.longitude))).all()
    rng = random.Random(20261124)
    for _ in range(20):
        lat, lon = rng.uniform(5.6, 20.5), rng.uniform(97.3, 105.7)
        expected = sorted((haversine_km(lat, lon, la, lo), code) for code, la, lo in rows)
        nearest = await offices.nearest_offices(session, lat, lon, limit=3)
        assert [round(d, 9) for _, d in nearest] == [round(d, 9) for d, _ in expected[:3]]


async def test_nearest_rejects_impossible_points(session: AsyncSession) -> None:
    with pytest.raises(ValidationError):
        await offices.nearest_offices(session, 91.0, 100.0)
    assert await offices.nearest_offices(session, 13.75, 100.5, limit=0) == []


# --- FAQs ----------------------------------------------------------------------


async def test_national_faq(session: AsyncSession) -> None:
    faq = await faqs.get_faq(session, "office_hours")
    assert faq.province_code is None
    assert faq.answer == "ที่ว่าการอำเภอเปิดวันจันทร์ถึงศุกร์ 08:30–16:30 น. ปิดวันหยุดราชการค่ะ"
    # A province without its own answer gets the national one.
    assert (await faqs.get_faq(session, "office_hours", "50")).id == faq.id


async def test_province_answer_overrides_the_national_one(session: AsyncSession) -> None:
    faq = await faqs.get_faq(session, "office_hours", "10")
    assert (faq.province_code, faq.title, faq.source_agency) == (
        "10",
        "เวลาทำการของสำนักงานเขต",
        "กรุงเทพมหานคร",
    )
    assert faq.answer == "สำนักงานเขตเปิดวันจันทร์ถึงศุกร์ 08:30–16:30 น. ค่ะ"
    # The override inherits the question variants it did not restate.
    assert faq.question_variants[0] == "อำเภอเปิดกี่โมง"


async def test_a_provincial_draft_does_not_hide_the_national_answer(session: AsyncSession) -> None:
    await editing.create_draft(
        session,
        ContentKind.FAQ,
        {"key": "office_hours", "province_code": "50", "answer": "ร่างคำตอบของเชียงใหม่"},
        editing.Editor("console:2", province_code="50"),
    )
    faq = await faqs.get_faq(session, "office_hours", "50")
    assert (faq.province_code, faq.answer) == (
        None,
        "ที่ว่าการอำเภอเปิดวันจันทร์ถึงศุกร์ 08:30–16:30 น. ปิดวันหยุดราชการค่ะ",
    )


async def test_unknown_faq(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await faqs.get_faq(session, "no_such_faq", "10")


# --- holidays -------------------------------------------------------------------


async def test_holidays_between_inclusive(session: AsyncSession) -> None:
    assert await holidays.holidays_between(session, date(2025, 12, 5), date(2025, 12, 10)) == {
        date(2025, 12, 5): "วันชาติ และวันพ่อแห่งชาติ",
        date(2025, 12, 10): "วันรัฐธรรมนูญ",
    }
    assert await holidays.holidays_between(session, date(2025, 12, 6), date(2025, 12, 9)) == {}


async def test_provincial_holidays_only_for_that_province(session: AsyncSession) -> None:
    start, end = date(2026, 1, 1), date(2026, 1, 31)
    assert await holidays.holidays_between(session, start, end) == {date(2026, 1, 1): "วันขึ้นปีใหม่"}
    assert await holidays.holidays_between(session, start, end, province_code="50") == {
        date(2026, 1, 1): "วันขึ้นปีใหม่",
        date(2026, 1, 13): "วันหยุดท้องถิ่นทดสอบ",
    }


# --- feedback -------------------------------------------------------------------


async def test_feedback_stores_only_a_pseudonym(session: AsyncSession) -> None:
    line_user = "U" + "0123456789abcdef" * 2
    stored = await feedback.record_feedback(
        session,
        conversation_id=line_user,
        pseudonym_key="k3y",
        helpful=True,
        topic="id_card_renewal",
        channel="line",
    )
    expected = hmac.new(b"k3y", line_user.encode(), hashlib.sha256).hexdigest()
    assert stored.conversation_pseudonym == expected
    again = await feedback.record_feedback(
        session,
        conversation_id=line_user,
        pseudonym_key="k3y",
        helpful=False,
        topic=None,
        channel=None,
    )
    assert again.conversation_pseudonym == expected
    rows = (await session.execute(text("SELECT * FROM feedback"))).all()
    assert len(rows) == 2
    assert not any(line_user in str(value) for row in rows for value in row)
    assert (await session.get(Feedback, again.id)).helpful is False


async def test_feedback_needs_a_key(session: AsyncSession) -> None:
    with pytest.raises(ConfigError):
        await feedback.record_feedback(
            session, conversation_id="abc", pseudonym_key="", helpful=True, topic=None, channel=None
        )


async def test_list_office_types_returns_published_types_by_code(session) -> None:
    from app.kb.repositories.offices import list_office_types

    types = await list_office_types(session)
    codes = [t.code for t in types]
    assert codes == sorted(codes)
    assert "district_office" in codes
