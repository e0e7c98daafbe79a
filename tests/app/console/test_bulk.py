"""CSV export and import of offices and FAQs, with dry runs and bad rows."""

from __future__ import annotations

import csv
import io

from tests.app.console.conftest import OWN_OFFICE, Console

CSV = {"Content-Type": "text/csv"}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_export_is_scoped_and_imports_back_unchanged(console: Console) -> None:
    officer = await console.login("cm.officer")
    response = await officer.request("GET", "/api/offices.csv")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = await response.text()
    exported = rows(text)
    assert len(exported) == 27 and {r["province_code"] for r in exported} == {"50"}
    own = next(r for r in exported if r["code"] == OWN_OFFICE)
    assert own["hours"].startswith("0 08:30-12:00; 0 13:00-16:30; 1 08:30-12:00")
    body = await officer.json("POST", "/api/import/offices?dry_run=true",
                              data=text.encode("utf-8"), headers=CSV)
    assert (body["valid"], body["invalid"], body["written"]) == (27, 0, 0)
    assert {r["action"] for r in body["rows"]} == {"unchanged"}
    faqs = rows(await (await officer.request("GET", "/api/faqs.csv")).text())
    assert {r["province_code"] for r in faqs} == {"", "50"}


async def test_dry_run_reports_bad_rows_and_writes_nothing(console: Console) -> None:
    officer = await console.login("cm.officer")
    text = (
        "code,phone,latitude,longitude,hours\r\n"
        f"{OWN_OFFICE},053-211-000,,,0 08:30-16:30\r\n"
        "district_office:5002,12345,,,\r\n"
        "district_office:5003,,13.75,100.50,\r\n"
        "district_office:5004,,,,0 16:30-08:30\r\n"
        "district_office:5005,053-211-005,,,\r\n"
    )
    body = await officer.json("POST", "/api/import/offices?dry_run=true",
                              data=text.encode(), headers=CSV)
    assert (body["valid"], body["invalid"], body["written"]) == (2, 3, 0)
    assert [(r["row"], r["key"], r["action"], r["errors"]) for r in body["rows"]] == [
        (2, OWN_OFFICE, "update", []),
        (3, "district_office:5002", "update", [
            "เบอร์โทรศัพท์ (phone) ไม่ถูกต้อง ใช้รูปแบบ 02-123-4567, 053-123-456, "
            "081-234-5678 หรือสายด่วน 4 หลัก เช่น 1548"]),
        (4, "district_office:5003", "update", [
            "ตำแหน่ง (latitude, longitude) ไม่อยู่ในจังหวัดของสำนักงาน (รหัส 50)"]),
        (5, "district_office:5004", "update", [
            "เวลาทำการ (hours): เวลาเปิด 16:30 ต้องก่อนเวลาปิด 08:30"]),
        (6, "district_office:5005", "update", []),
    ]
    # Not a dry run, bad rows present, no skip: still nothing is written.
    body = await officer.json("POST", "/api/import/offices?dry_run=false",
                              data=text.encode(), headers=CSV)
    assert body["written"] == 0
    office = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    assert office["phone"] is None
    # Skipping the bad rows writes the good ones, one revision each.
    body = await officer.json("POST", "/api/import/offices?dry_run=false&skip_invalid=true",
                              data=text.encode(), headers=CSV)
    assert body["written"] == 2
    office = await officer.json("GET", f"/api/offices/{OWN_OFFICE}")
    assert (office["phone"], office["hours"], office["version"]) == (
        "053-211-000", [[0, "08:30", "16:30"]], 2)
    audit = await officer.json("GET", "/api/audit?account=cm.officer")
    assert audit["total"] == 2 and audit["items"][0]["reason"] == "นำเข้าจากไฟล์ CSV"


async def test_a_row_of_another_province_refuses_the_whole_import(console: Console) -> None:
    officer = await console.login("cm.officer")
    text = f"code,phone\r\n{OWN_OFFICE},053-211-000\r\nbangkok_district_office:1001,02-111-2222\r\n"
    body = await officer.json("POST", "/api/import/offices?dry_run=true",
                              data=text.encode(), headers=CSV, expect=403)
    assert body["message"] == "คุณไม่มีสิทธิ์เข้าถึงข้อมูลของจังหวัดอื่น"
    # A new office placed in another province, too.
    text = "code,office_type,name_th,province_code\r\nnew:1,district_office,ใหม่,10\r\n"
    await officer.json("POST", "/api/import/offices?dry_run=true", data=text.encode(),
                       headers=CSV, expect=403)


async def test_stale_versions_duplicates_and_malformed_files(console: Console) -> None:
    officer = await console.login("cm.officer")
    text = (f"code,phone,version\r\n{OWN_OFFICE},053-211-000,9\r\n"
            f"{OWN_OFFICE},053-211-001,1\r\n")
    body = await officer.json("POST", "/api/import/offices", data=text.encode(), headers=CSV)
    assert [r["errors"] for r in body["rows"]] == [
        ["มีผู้อื่นเผยแพร่ฉบับใหม่กว่า (ฉบับที่ 1) ไฟล์นี้อ้างฉบับที่ 9 (version)"],
        [f"{OWN_OFFICE} ซ้ำกับแถวก่อนหน้า"],
    ]
    body = await officer.json("POST", "/api/import/offices", data=b"phone\r\n1\r\n",
                              headers=CSV, expect=400)
    assert body["message"] == "ไฟล์ CSV ต้องมีแถวหัวตารางที่มีคอลัมน์ code"
    body = await officer.json("POST", "/api/import/offices", data=b"code,colour\r\nx,y\r\n",
                              headers=CSV, expect=400)
    assert body["message"] == "ไม่รู้จักคอลัมน์ colour ในไฟล์ CSV"
    await officer.json("POST", "/api/import/offices", data=b"\xff\xfe", headers=CSV, expect=400)


async def test_faq_import_by_a_content_editor(console: Console) -> None:
    editor = await console.login("editor1")
    text = ("key,province_code,answer,question_variants\r\n"
            "complaint_channels,,ร้องเรียนได้ที่ศูนย์ดำรงธรรม โทร 1567 ค่ะ,ร้องเรียนที่ไหน|ร้องทุกข์\r\n")
    body = await editor.json("POST", "/api/import/faqs?dry_run=false", data=text.encode(), headers=CSV)
    assert (body["valid"], body["written"]) == (1, 1)
    faq = await editor.json("GET", "/api/faqs/complaint_channels")
    assert faq["question_variants"] == ["ร้องเรียนที่ไหน", "ร้องทุกข์"]
    text = "key,province_code,answer\r\ncomplaint_channels,50,x\r\n"
    await editor.json("POST", "/api/import/faqs", data=text.encode(), headers=CSV, expect=403)
