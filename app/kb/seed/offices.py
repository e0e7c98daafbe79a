"""Offices generated from geography: every district office, provincial hall
and Damrongdhama centre of the country.

Each sits on its district's *estimated* point (the capital district's for a
province-wide office), flagged approximate, with no address or phone: those
are never invented here, and officers set the real ones in the console.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import Any

from app.errors import ValidationError
from app.kb.models.geo import BANGKOK
from app.kb.models.offices import (
    BANGKOK_DISTRICT_OFFICE,
    DAMRONGDHAMA_CENTER,
    DISTRICT_OFFICE,
    PROVINCIAL_HALL,
)
from app.kb.seed.sources import (
    ESTIMATED_POINT_NOTE,
    GEO_SOURCE_AGENCY,
    Geography,
    Record,
    parse_hours,
)

Hours = list[tuple[int, time, time]]

# Official government hours with the lunch hour as a break: used for an office
# type whose standard_hours the data leaves unknown.
GOVERNMENT_HOURS: Hours = [
    (day, opens, closes)
    for day in range(5)
    for opens, closes in ((time(8, 30), time(12, 0)), (time(13, 0), time(16, 30)))
]


def office_code(office_type: str, area_code: str) -> str:
    """'district_office:5001', 'provincial_hall:50': stable across seeds."""
    return f"{office_type}:{area_code}"


def _capital_district(province_code: str, districts: dict[str, Record]) -> Record:
    # Every province's capital district (อำเภอเมือง, Phra Nakhon for Bangkok,
    # Phra Nakhon Si Ayutthaya) has the code <province>01.
    code = f"{province_code}01"
    if code not in districts:
        raise ValidationError(f"province {province_code} has no capital district {code}")
    return districts[code]


def _services_by_type(services: Iterable[Record]) -> dict[str, list[str]]:
    by_type: dict[str, list[str]] = {}
    for service in services:
        for office_type in service["office_types"]:
            by_type.setdefault(office_type, []).append(service["code"])
    return {t: sorted(codes) for t, codes in by_type.items()}


def _office(
    office_type: str,
    area_code: str,
    name_th: str,
    district: Record,
    *,
    types: dict[str, Record],
    services: dict[str, list[str]],
    checked_on: Any,
) -> Record:
    area = "เขต" if district["is_bangkok_khet"] else "อำเภอ"
    kind = types.get(office_type)
    if kind is None:
        raise ValidationError(f"office_types.yml has no {office_type!r}, needed for {name_th}")
    return {
        "code": office_code(office_type, area_code),
        "office_type": office_type,
        "name_th": name_th,
        "province_code": district["province_code"],
        "district_code": district["code"],
        "address": None,
        "latitude": district["latitude"],
        "longitude": district["longitude"],
        "location_is_approximate": True,
        "phone": None,
        "closed_on_public_holidays": kind["closed_on_public_holidays"],
        "service_codes": services.get(office_type, []),
        "source_agency": GEO_SOURCE_AGENCY,
        "source_title": f"สร้างจาก data/geo/districts.csv; {ESTIMATED_POINT_NOTE} "
        f"ของ{area}{district['name_th']} ({district['point_method']})",
        "source_url": None,
        "checked_on": checked_on,
        "hours": parse_hours(kind["standard_hours"], f"office_types.yml: {office_type}")
        or GOVERNMENT_HOURS,
    }


def generate_offices(
    geography: Geography, office_types: Iterable[Record], services: Iterable[Record]
) -> list[Record]:
    """One record per generated office, with its ``hours`` as (weekday, opens, closes)."""
    types = {t["code"]: t for t in office_types}
    by_type = _services_by_type(services)
    districts = {d["code"]: d for d in geography.districts}
    common = {"types": types, "services": by_type, "checked_on": geography.checked_on}
    offices = []
    for district in geography.districts:
        if district["is_bangkok_khet"]:
            office_type, name = BANGKOK_DISTRICT_OFFICE, f"สำนักงานเขต{district['name_th']}"
        else:
            office_type, name = DISTRICT_OFFICE, f"ที่ว่าการอำเภอ{district['name_th']}"
        offices.append(_office(office_type, district["code"], name, district, **common))
    for province in geography.provinces:
        code, name = province["code"], province["name_th"]
        capital = _capital_district(code, districts)
        if code == BANGKOK:
            hall, centre = "ศาลาว่าการกรุงเทพมหานคร", "ศูนย์ดำรงธรรมกรุงเทพมหานคร"
        else:
            hall, centre = f"ศาลากลางจังหวัด{name}", f"ศูนย์ดำรงธรรมจังหวัด{name}"
        offices.append(_office(PROVINCIAL_HALL, code, hall, capital, **common))
        # Damrongdhama centres are usually housed at the provincial hall; the
        # 1567 hotline is a phone service and keeps the same office hours.
        offices.append(_office(DAMRONGDHAMA_CENTER, code, centre, capital, **common))
    return offices
