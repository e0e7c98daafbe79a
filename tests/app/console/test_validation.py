"""Validation rules on their own: Thai phone formats, provinces by location, hours."""

from __future__ import annotations

import csv

import pytest

from app.console.validation import geography, hours_error, phone_error
from common.paths import GEO


@pytest.mark.parametrize("phone", [
    "02-123-4567", "021234567", "053-123-456", "053 123 456", "081-234-5678", "0812345678",
    "+66 81 234 5678", "+6621234567", "1548", "1111", "02-141-9000 ต่อ 12",
    "053-112-233, 081-234-5678", "02-123-4567 หรือ 1567",
])
def test_thai_phone_formats_pass(phone: str) -> None:
    assert phone_error(phone) is None


@pytest.mark.parametrize("phone", [
    "12345", "02-123-456", "081-234-567", "1234567890", "+1 415 555 0100", "โทรหาเรา", "",
    "053-123-456,", "0012345678",
])
def test_other_numbers_fail(phone: str) -> None:
    assert phone_error(phone) == (
        "เบอร์โทรศัพท์ (phone) ไม่ถูกต้อง ใช้รูปแบบ 02-123-4567, 053-123-456, "
        "081-234-5678 หรือสายด่วน 4 หลัก เช่น 1548"
    )


def test_every_district_point_is_in_its_own_province() -> None:
    geo = geography()
    wrong = []
    with (GEO / "district_points.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for lat, lon in (("polygon_lat", "polygon_lon"),
                             ("subdistrict_mean_lat", "subdistrict_mean_lon")):
                if row[lat]:
                    if geo.province_error(float(row[lat]), float(row[lon]), row["province_code"]):
                        wrong.append(row["district_code"])
    assert wrong == []


def test_places_in_and_out_of_provinces() -> None:
    geo = geography()
    assert geo.province_error(18.7883, 98.9853, "50") is None        # Chiang Mai's old city
    assert geo.province_error(13.7563, 100.5018, "10") is None       # Bangkok
    assert geo.province_error(7.8804, 98.3923, "83") is None         # Phuket town
    assert geo.province_error(13.7563, 100.5018, "50") == (
        "ตำแหน่ง (latitude, longitude) ไม่อยู่ในจังหวัดของสำนักงาน (รหัส 50)")
    assert geo.province_error(21.03, 105.85, "10") == "ตำแหน่ง (latitude, longitude) อยู่นอกประเทศไทย"
    # Mid-gulf: inside the box around Thailand, far from every district.
    assert geo.province_error(9.0, 101.0, "86") == "ตำแหน่ง (latitude, longitude) อยู่นอกประเทศไทย"


def test_hours() -> None:
    assert hours_error([[0, "08:30", "12:00"], [0, "13:00", "16:30"], [5, "09:00", "12:00"]]) is None
    assert hours_error([[7, "08:30", "16:30"]]) == (
        'เวลาทำการ (hours): แต่ละแถวต้องเป็น [วัน 0–6, "HH:MM", "HH:MM"]')
    assert hours_error([[0, "8.30", "16:30"]]) == (
        "เวลาทำการ (hours): เวลา 8.30–16:30 ไม่อยู่ในรูปแบบ HH:MM")
    assert hours_error("จันทร์–ศุกร์") == "เวลาทำการ (hours) ต้องเป็นรายการ [วัน, เวลาเปิด, เวลาปิด]"
