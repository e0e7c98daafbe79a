"""Reading, drafting, previewing and publishing content through the console API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.console.scheduler import publish_due_once
from tests.app.console.conftest import OTHER_OFFICE, OWN_OFFICE, Console

CM_SOURCE = {"source_agency": "ที่ว่าการอำเภอเมืองเชียงใหม่", "source_title": "ประกาศหน้าสำนักงาน"}


async def test_a_province_officer_lists_only_their_province(console: Console) -> None:
    officer = await console.login("cm.officer")
    listing = await officer.json("GET", "/api/offices?limit=500")
    assert listing["total"] == 27  # Chiang Mai: 25 district offices, the hall, the Damrongdhama centre
    assert {o["province_code"] for o in listing["items"]} == {"50"}
    assert all(o["editable"] for o in listing["items"])
    body = await officer.json("GET", "/api/offices?province=10", expect=403)
    assert body == {"error": "forbidden", "message": "คุณไม่มีสิทธิ์เข้าถึงข้อมูลของจังหวัดอื่น"}
    await officer.json("GET", f"/api/offices/{OTHER_OFFICE}", expect=403)
    await officer.json("GET", "/api/offices/no-such-office", expect=404)
    office = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    assert office["code"] == OWN_OFFICE
    assert office["version"] == 1
    assert office["hours"][:2] == [[0, "08:30", "12:00"], [0, "13:00", "16:30"]]


async def test_everyone_else_sees_every_office(console: Console) -> None:
    analyst = await console.login("analyst1")
    listing = await analyst.json("GET", "/api/offices?limit=1")
    assert listing["total"] == 1082
    assert listing["items"][0]["editable"] is False
    search = await analyst.json("GET", "/api/offices?q=" + "เชียงดาว")
    assert [o["code"] for o in search["items"]] == ["district_office:5004"]


async def test_district_officer_edits_their_office_hours_previews_and_publishes(
    console: Console,
) -> None:
    officer = await console.login("cm.district")
    listing = await officer.json("GET", "/api/offices")
    assert [o["code"] for o in listing["items"]] == [OWN_OFFICE]
    hours = [[d, "08:00", "12:00"] for d in range(5)] + [[d, "13:00", "16:00"] for d in range(5)]
    draft = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 1,
        "data": {"hours": hours, "phone": "053-112-233", **CM_SOURCE},
    })
    assert (draft["status"], draft["created_by"], draft["province_code"]) == ("draft", "cm.district", "50")
    preview = await officer.json("GET", f"/api/drafts/{draft['id']}/preview")
    card = preview["web"]
    assert card["type"] == "offices"
    entry = card["offices"][0]
    assert entry["hours"] == "จันทร์–ศุกร์ 08:00–12:00, 13:00–16:00 น. ปิดวันหยุดราชการ"
    assert entry["phone"] == "053-112-233"
    assert "โทร 053-112-233" in preview["text"]
    line = preview["line"]["messages"]
    assert line[0]["type"] == "flex"
    published = await officer.json("POST", f"/api/drafts/{draft['id']}/publish",
                                   json={"reason": "เปลี่ยนเวลาพักเที่ยง"})
    assert published["status"] == "published"
    office = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    assert (office["version"], office["phone"], office["hours"]) == (2, "053-112-233", sorted(hours))
    # Not their office, and not a field of theirs.
    body = await officer.json("POST", "/api/drafts", expect=403, json={
        "kind": "office", "key": "district_office:5002", "data": {"phone": "053-112-234"}})
    assert body["message"] == "คุณแก้ไขได้เฉพาะข้อมูลสำนักงานของคุณเอง"
    body = await officer.json("POST", "/api/drafts", expect=403, json={
        "kind": "office", "key": OWN_OFFICE, "data": {"name_th": "ชื่อใหม่"}})
    assert body["message"] == (
        "เจ้าหน้าที่อำเภอแก้ไขได้เฉพาะเวลาทำการ การปิดทำการชั่วคราว โทรศัพท์ ที่อยู่ และตำแหน่งบนแผนที่ (แก้ไม่ได้: name_th)"
    )


async def test_province_officer_overrides_an_faq_answer(console: Console) -> None:
    officer = await console.login("cm.officer")
    faq = await officer.json("GET", "/api/faqs/complaint_channels?province=50")
    draft = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "faq", "key": "complaint_channels@50", "base_version": faq["version"],
        "data": {"answer": "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ ชั้น 1 ศาลากลาง ค่ะ"},
    })
    preview = await officer.json("GET", f"/api/drafts/{draft['id']}/preview")
    assert preview["text"] == (
        "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ ชั้น 1 ศาลากลาง ค่ะ\n"
        "ที่มา: ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ (ตรวจสอบ 23 พฤศจิกายน 2569)"
    )
    assert preview["web"] is None
    assert preview["line"] == {"messages": [{"type": "text", "text": preview["text"]}]}
    await officer.json("POST", f"/api/drafts/{draft['id']}/publish", json={"reason": "ย้ายห้อง"})
    after = await officer.json("GET", "/api/faqs/complaint_channels?province=50")
    assert after["answer"] == "ร้องเรียนได้ที่ศูนย์ดำรงธรรมจังหวัดเชียงใหม่ ชั้น 1 ศาลากลาง ค่ะ"
    assert after["version"] == faq["version"] + 1
    # A new override of a national FAQ starts from the national answer.
    draft = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "faq", "key": "id_card_lost@50", "data": {"answer": "ที่เชียงใหม่ทำได้ทุกอำเภอค่ะ"}})
    assert draft["data"]["title"] == "บัตรประชาชนหาย"
    assert draft["base_version"] is None


async def test_a_stale_version_is_409_in_thai(console: Console) -> None:
    officer = await console.login("cm.officer")
    body = await officer.json("POST", "/api/drafts", expect=409, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 7, "data": {"phone": "053-000-001"}})
    assert body["message"] == (
        "มีผู้อื่นเผยแพร่ข้อมูลสำนักงานฉบับใหม่กว่า (ฉบับที่ 1) หลังจากที่คุณเริ่มแก้ไขจากฉบับที่ 7 "
        "กรุณาเปิดข้อมูลล่าสุดแล้วแก้ไขอีกครั้ง"
    )
    first = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 1, "data": {"phone": "053-000-001"}})
    body = await officer.json("POST", "/api/drafts", expect=409, json={
        "kind": "office", "key": OWN_OFFICE, "data": {"phone": "053-000-002"}})
    assert body["message"] == (
        f"มีฉบับร่างของรายการนี้อยู่แล้ว (ฉบับร่างหมายเลข {first['id']}) กรุณาแก้ไขฉบับร่างนั้น"
    )
    # Someone publishes another change to the office in between: publishing the draft is refused.
    district = await console.login("cm.district")
    await officer.json("DELETE", f"/api/drafts/{first['id']}", expect=204)
    stale = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 1, "data": {"phone": "053-000-003"}})
    await officer.json("DELETE", f"/api/drafts/{stale['id']}", expect=204)
    mine = await district.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 1, "data": {"phone": "053-000-004"}})
    await district.json("POST", f"/api/drafts/{mine['id']}/publish", json={"reason": "ใหม่"})
    again = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 2, "data": {"phone": "053-000-005"}})
    assert again["base_version"] == 2


async def test_validation_names_the_field_in_thai(console: Console) -> None:
    officer = await console.login("cm.officer")

    async def invalid(data: dict[str, Any]) -> dict[str, str]:
        body = await officer.json("POST", "/api/drafts", expect=400, json={
            "kind": "office", "key": OWN_OFFICE, "data": data})
        assert body["error"] == "invalid"
        return body["fields"]

    assert await invalid({"phone": "12345"}) == {"phone": (
        "เบอร์โทรศัพท์ (phone) ไม่ถูกต้อง ใช้รูปแบบ 02-123-4567, 053-123-456, "
        "081-234-5678 หรือสายด่วน 4 หลัก เช่น 1548")}
    assert await invalid({"latitude": 48.85, "longitude": 2.35}) == {
        "latitude": "ตำแหน่ง (latitude, longitude) อยู่นอกประเทศไทย"}
    assert await invalid({"latitude": 13.7563, "longitude": 100.5018}) == {
        "latitude": "ตำแหน่ง (latitude, longitude) ไม่อยู่ในจังหวัดของสำนักงาน (รหัส 50)"}
    assert await invalid({"hours": [[0, "16:30", "08:30"]]}) == {
        "hours": "เวลาทำการ (hours): เวลาเปิด 16:30 ต้องก่อนเวลาปิด 08:30"}
    assert await invalid({"hours": [[0, "03:00", "08:30"]]}) == {
        "hours": "เวลาทำการ (hours): เวลา 03:00–08:30 ต้องอยู่ระหว่าง 06:00 ถึง 22:00"}
    assert await invalid({"hours": [[0, "08:30", "12:00"], [0, "11:00", "16:30"]]}) == {
        "hours": "เวลาทำการ (hours): ช่วงเวลาในวันเดียวกันซ้อนทับกัน"}
    assert await invalid({"source_agency": ""}) == {
        "source_agency": "ต้องระบุแหล่งที่มา (หน่วยงาน) (source_agency) ของข้อมูลทุกรายการ"}
    assert await invalid({"latitude": "north"}) == {"latitude": "ละติจูด (latitude) มีชนิดข้อมูลไม่ถูกต้อง"}
    # A real point inside Chiang Mai, and the standard Thai phone formats, pass.
    await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE,
        "data": {"latitude": 18.7883, "longitude": 98.9853, "location_is_approximate": False,
                 "phone": "053-112-233, 081-234-5678, 1567"}})


async def test_scheduled_publication_happens_when_its_time_comes(console: Console) -> None:
    officer = await console.login("cm.officer")
    draft = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE, "data": {"hours": [[0, "09:00", "15:00"]]}})
    when = console.clock.now + timedelta(days=7)
    body = await officer.json("POST", f"/api/drafts/{draft['id']}/publish", expect=202,
                              json={"reason": "เวลาทำการช่วงปีใหม่", "publish_at": when.isoformat()})
    assert (body["status"], body["publish_at"]) == ("scheduled", when.isoformat())
    assert await publish_due_once(console.app) == 0
    office = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    assert office["hours"][0] == [0, "08:30", "12:00"]
    console.clock.advance(days=7, seconds=1)
    assert await publish_due_once(console.app) == 1
    officer = await console.login("cm.officer")  # a week later: signed in afresh
    office = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    assert office["hours"] == [[0, "09:00", "15:00"]]
    audit = await officer.json("GET", f"/api/audit?kind=office&key={OWN_OFFICE}")
    assert audit["items"][0]["account"] == "cm.officer"
    assert audit["items"][0]["reason"] == "เวลาทำการช่วงปีใหม่"
    await officer.json("GET", f"/api/drafts/{draft['id']}", expect=404)


async def test_national_service_facts_need_a_second_content_editor(console: Console) -> None:
    editor1 = await console.login("editor1")
    editor2 = await console.login("editor2")
    service = await editor1.json("GET", "/api/services/id_card_renewal")
    fees = [{"amount": 100, "condition": "บัตรหมดอายุ"}]
    draft = await editor1.json("POST", "/api/drafts", expect=201, json={
        "kind": "service", "key": "id_card_renewal", "base_version": service["version"],
        "data": {"fees": fees}})
    body = await editor1.json("POST", f"/api/drafts/{draft['id']}/publish", expect=202,
                              json={"reason": "ประกาศค่าธรรมเนียมใหม่"})
    assert body["status"] == "awaiting_approval"
    body = await editor1.json("POST", f"/api/drafts/{draft['id']}/approve", expect=403,
                              json={"reason": "อนุมัติเอง"})
    assert body["message"] == "ต้องให้บรรณาธิการคนที่สองอนุมัติ ผู้เขียนหรือผู้ขอเผยแพร่อนุมัติเองไม่ได้"
    officer = await console.login("cm.officer")
    await officer.json("POST", f"/api/drafts/{draft['id']}/approve", expect=403,
                       json={"reason": "ไม่มีสิทธิ์"})
    still = await editor1.json("GET", "/api/services/id_card_renewal")
    assert still["fees"] == service["fees"]
    body = await editor2.json("POST", f"/api/drafts/{draft['id']}/approve",
                              json={"reason": "ตรวจกับประกาศกรมแล้ว"})
    assert body["status"] == "published"
    assert (await editor1.json("GET", "/api/services/id_card_renewal"))["fees"] == fees
    # Not a document, fee or deadline: no second editor needed.
    other = await editor1.json("POST", "/api/drafts", expect=201, json={
        "kind": "service", "key": "id_card_renewal", "data": {"processing_time": "ประมาณ 15 นาที"}})
    body = await editor1.json("POST", f"/api/drafts/{other['id']}/publish", json={"reason": "ปรับ"})
    assert body["status"] == "published"


async def test_service_preview_uses_the_service_card(console: Console) -> None:
    editor = await console.login("editor1")
    draft = await editor.json("POST", "/api/drafts", expect=201, json={
        "kind": "service", "key": "id_card_renewal", "data": {"processing_time": "ประมาณ 15 นาที"}})
    preview = await editor.json("GET", f"/api/drafts/{draft['id']}/preview?aspect=processing_time")
    assert preview["web"]["type"] == "service"
    assert preview["web"]["lines"] == ["ประมาณ 15 นาที"]
    assert preview["text"].startswith("ระยะเวลาดำเนินการสำหรับ")
    assert preview["line"]["messages"][0]["type"] == "flex"


async def test_audit_log_search_and_restore(console: Console) -> None:
    officer = await console.login("cm.officer")
    original = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    for phone in ("053-100-001", "053-100-002"):
        draft = await officer.json("POST", "/api/drafts", expect=201, json={
            "kind": "office", "key": OWN_OFFICE, "data": {"phone": phone}})
        await officer.json("POST", f"/api/drafts/{draft['id']}/publish",
                           json={"reason": f"เปลี่ยนเป็น {phone}"})
    audit = await officer.json("GET", "/api/audit?account=cm.officer")
    assert audit["total"] == 2
    newest, oldest = audit["items"]
    assert (newest["before"]["phone"], newest["after"]["phone"]) == ("053-100-001", "053-100-002")
    assert oldest["before"]["phone"] == original["phone"]
    assert newest["kind"] == "office" and newest["key"] == OWN_OFFICE
    assert (await officer.json("GET", "/api/audit?account=nobody"))["total"] == 0
    assert (await officer.json("GET", "/api/audit?kind=faq"))["total"] == 0
    later = (console.clock.now + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert (await officer.json("GET", f"/api/audit?since={later}"))["total"] == 0
    await officer.json("GET", "/api/audit?since=yesterday", expect=400)
    restored = await officer.json("POST", f"/api/revisions/{oldest['id']}/restore", expect=201,
                                  json={"reason": "กลับไปเบอร์แรก"})
    assert restored["data"]["phone"] == "053-100-001"
    await officer.json("POST", f"/api/drafts/{restored['id']}/publish", json={"reason": "กู้คืน"})
    assert (await officer.json("GET", f"/api/offices/{OWN_OFFICE}"))["phone"] == "053-100-001"


async def test_district_officer_closes_their_office_for_a_week_and_names_where_to_go(
    console: Console,
) -> None:
    officer = await console.login("cm.district")
    closure = {"starts_on": "2026-12-07", "ends_on": "2026-12-11", "hours": [],
               "reason": "ซ่อมแซมอาคาร", "go_to_office": "district_office:5002"}
    draft = await officer.json("POST", "/api/drafts", expect=201, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 1,
        "data": {"closures": [closure], **CM_SOURCE}})
    preview = await officer.json("GET", f"/api/drafts/{draft['id']}/preview")
    assert preview["web"]["offices"][0]["status"] == (
        "ปิดทำการชั่วคราวถึงวันที่ 11 ธันวาคม 2569 (ซ่อมแซมอาคาร) "
        "โปรดติดต่อที่ว่าการอำเภอจอมทองแทน เปิดวันจันทร์ที่ 14 ธันวาคม 08:30 น.")
    assert preview["web"]["offices"][0]["open_now"] is False
    await officer.json("POST", f"/api/drafts/{draft['id']}/publish", json={"reason": "ซ่อมอาคาร"})
    office = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    assert office["closures"] == [closure]
    body = await officer.json("POST", "/api/drafts", expect=400, json={
        "kind": "office", "key": OWN_OFFICE, "base_version": 2,
        "data": {"closures": [{**closure, "reason": ""}]}})
    assert body["fields"] == {"closures": "ปิดทำการชั่วคราว/เวลาพิเศษ (closures) รายการที่ 1: "
                                          "ต้องระบุเหตุผลที่ประชาชนจะได้เห็น"}
