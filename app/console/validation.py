"""Validation of content records, with Thai messages that name the field.

Runs on every draft write, before publishing and on every CSV row, so the
database never sees a value the assistant would read out wrongly: a phone
number in no Thai format, an office placed in the sea or in another province,
opening hours that end before they start, a fact without a source.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Boolean, Date, Float, Integer, String, Text

from app.errors import ValidationError
from app.kb.content import HOURS, spec
from app.kb.models import ContentKind
from app.kb.models.service_notes import NOTE_MAX_LENGTH
from app.kb.models.services import VEHICLE_CLASSES
from common.geo import haversine_km
from common.paths import GEO


class InvalidFields(ValidationError):
    """Several fields are wrong; ``fields`` maps each to its Thai message."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__(" ".join(self.fields.values()))


FIELD_NAMES_TH = {
    "phone": "เบอร์โทรศัพท์",
    "latitude": "ละติจูด",
    "longitude": "ลองจิจูด",
    "hours": "เวลาทำการ",
    "closures": "ปิดทำการชั่วคราว/เวลาพิเศษ",
    "source_agency": "แหล่งที่มา (หน่วยงาน)",
    "source_title": "แหล่งที่มา (ชื่อเอกสาร)",
    "source_url": "แหล่งที่มา (ลิงก์)",
    "checked_on": "วันที่ตรวจสอบ",
    "answer": "คำตอบ",
    "title": "หัวข้อ",
    "question_variants": "รูปแบบคำถาม",
    "name_th": "ชื่อภาษาไทย",
    "fees": "ค่าธรรมเนียม",
    "documents": "เอกสารที่ต้องใช้",
    "steps": "ขั้นตอน",
    "address": "ที่อยู่",
    "note": "หมายเหตุของจังหวัด",
    "service_code": "รหัสบริการ",
}

# Thailand's extent with a margin (the southern tip at Betong, 5.6 N; the
# western border at 97.3 E; Khong Chiam, the eastern edge, at 105.6 E).
THAILAND_BOX = (5.4, 20.6, 97.2, 105.8)
# A district's estimated middle is never further than this from any point of it.
MAX_KM_FROM_A_DISTRICT = 60.0
# A point near a provincial border may lie nearer a neighbour's district middle.
BORDER_SLACK_KM = 15.0
EARLIEST_OPENING = time(6, 0)
LATEST_CLOSING = time(22, 0)
HOTLINE = re.compile(r"^1\d{3}$")
LANDLINE = re.compile(r"^0[2-7]\d{7}$")
MOBILE = re.compile(r"^0[689]\d{8}$")
EXTENSION = re.compile(r"\s*(?:ต่อ|ext\.?|x)\s*\d{1,5}\s*$", re.IGNORECASE)
PHONE_CHARS = re.compile(r"^[\d\s\-+()]+$")


def _name(field: str) -> str:
    return f"{FIELD_NAMES_TH.get(field, field)} ({field})"


@dataclass(frozen=True)
class Geography:
    """Estimated district middles by province: enough to tell which province a point is in."""

    points: tuple[tuple[str, float, float], ...]  # (province_code, lat, lon)

    @classmethod
    def load(cls, path: Path = GEO / "district_points.csv") -> Geography:
        points = []
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for lat, lon in (("polygon_lat", "polygon_lon"),
                                 ("subdistrict_mean_lat", "subdistrict_mean_lon")):
                    if row.get(lat) and row.get(lon):
                        points.append((row["province_code"], float(row[lat]), float(row[lon])))
        return cls(tuple(points))

    def province_error(self, latitude: float, longitude: float, province_code: str) -> str | None:
        """Why the point is not in Thailand or not in the province; None when it is."""
        south, north, west, east = THAILAND_BOX
        if not (south <= latitude <= north and west <= longitude <= east):
            return "ตำแหน่ง (latitude, longitude) อยู่นอกประเทศไทย"
        nearest_any = min(haversine_km(latitude, longitude, la, lo) for _, la, lo in self.points)
        if nearest_any > MAX_KM_FROM_A_DISTRICT:
            return "ตำแหน่ง (latitude, longitude) อยู่นอกประเทศไทย"
        own = [haversine_km(latitude, longitude, la, lo)
               for p, la, lo in self.points if p == province_code]
        if not own or min(own) > nearest_any + BORDER_SLACK_KM:
            return f"ตำแหน่ง (latitude, longitude) ไม่อยู่ในจังหวัดของสำนักงาน (รหัส {province_code})"
        return None


@lru_cache(maxsize=1)
def geography() -> Geography:
    return Geography.load()


def phone_error(value: str) -> str | None:
    """None for Thai numbers: 02-123-4567, 053 123 456, 081-234-5678, +66 81 234 5678,
    1548, with an optional extension (ต่อ 12); several separated by commas."""
    for part in re.split(r"[,/]|\s+หรือ\s+", value):
        number = EXTENSION.sub("", part.strip())
        if not number or not PHONE_CHARS.match(number):
            return _bad_phone()
        digits = re.sub(r"\D", "", number)
        if number.lstrip().startswith("+"):
            if not digits.startswith("66"):
                return _bad_phone()
            digits = "0" + digits[2:]
        if not (HOTLINE.match(digits) or LANDLINE.match(digits) or MOBILE.match(digits)):
            return _bad_phone()
    return None


def _bad_phone() -> str:
    return (
        "เบอร์โทรศัพท์ (phone) ไม่ถูกต้อง ใช้รูปแบบ 02-123-4567, 053-123-456, "
        "081-234-5678 หรือสายด่วน 4 หลัก เช่น 1548"
    )


def _type_errors(kind: ContentKind, data: Mapping[str, Any]) -> dict[str, str]:
    """Each column's JSON type and length, so no value reaches the database unchecked."""
    content = spec(kind)
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(content.fields))
    for name in unknown:
        errors[name] = f"ไม่มีช่อง {name} ในข้อมูลประเภทนี้"
    for attr in content.mapper.column_attrs:
        name = attr.key
        if name not in data:
            continue
        value = data[name]
        column = attr.columns[0]
        kind_of = column.type
        if value is None:
            if not column.nullable and column.default is None:
                errors[name] = f"ต้องกรอก{_name(name)}"
            continue
        if isinstance(kind_of, Boolean):
            ok = isinstance(value, bool)
        elif isinstance(kind_of, Float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif isinstance(kind_of, Integer):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(kind_of, Date):
            ok = isinstance(value, str) and _is_date(value)
        elif isinstance(kind_of, (String, Text)):
            ok = isinstance(value, str)
            length = getattr(kind_of, "length", None)
            if ok and length is not None and len(value) > length:
                errors[name] = f"{_name(name)} ยาวเกิน {length} ตัวอักษร"
                continue
        else:  # JSON
            ok = isinstance(value, (list, dict))
        if not ok:
            errors[name] = f"{_name(name)} มีชนิดข้อมูลไม่ถูกต้อง"
    return errors


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def hours_error(rows: Any) -> str | None:
    where = _name(HOURS)
    if not isinstance(rows, list):
        return f"{where} ต้องเป็นรายการ [วัน, เวลาเปิด, เวลาปิด]"
    by_day: dict[int, list[tuple[time, time]]] = {}
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], int)
                and not isinstance(row[0], bool) and 0 <= row[0] <= 6):
            return f"{where}: แต่ละแถวต้องเป็น [วัน 0–6, \"HH:MM\", \"HH:MM\"]"
        try:
            opens, closes = (time.fromisoformat(str(v)) for v in row[1:])
        except ValueError:
            return f"{where}: เวลา {row[1]!s}–{row[2]!s} ไม่อยู่ในรูปแบบ HH:MM"
        if opens >= closes:
            return f"{where}: เวลาเปิด {row[1]} ต้องก่อนเวลาปิด {row[2]}"
        if opens < EARLIEST_OPENING or closes > LATEST_CLOSING:
            return f"{where}: เวลา {row[1]}–{row[2]} ต้องอยู่ระหว่าง 06:00 ถึง 22:00"
        by_day.setdefault(row[0], []).append((opens, closes))
    for ranges in by_day.values():
        ranges.sort()
        for (_, first_close), (second_open, _) in zip(ranges, ranges[1:]):
            if second_open < first_close:
                return f"{where}: ช่วงเวลาในวันเดียวกันซ้อนทับกัน"
    return None


def closures_error(rows: Any, office_code: Any = None) -> str | None:
    """A closure needs a date range in order, sane special hours and a reason."""
    where = _name("closures")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return f"{where} ต้องเป็นรายการช่วงวันที่"
    for number, row in enumerate(rows, 1):
        if set(row) - {"starts_on", "ends_on", "hours", "reason", "go_to_office"}:
            return f"{where} รายการที่ {number}: มีช่องที่ไม่รู้จัก"
        if not all(isinstance(row.get(k), str) and _is_date(row[k])
                   for k in ("starts_on", "ends_on")):
            return f"{where} รายการที่ {number}: ต้องระบุวันเริ่มและวันสิ้นสุดเป็น YYYY-MM-DD"
        if row["ends_on"] < row["starts_on"]:
            return f"{where} รายการที่ {number}: วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"
        if not str(row.get("reason") or "").strip():
            return f"{where} รายการที่ {number}: ต้องระบุเหตุผลที่ประชาชนจะได้เห็น"
        go_to = row.get("go_to_office")
        if go_to is not None and (not isinstance(go_to, str) or go_to == office_code):
            return f"{where} รายการที่ {number}: สำนักงานที่ให้ไปแทนต้องเป็นรหัสสำนักงานอื่น"
        hours = row.get("hours") or []
        if not isinstance(hours, list):
            return f"{where} รายการที่ {number}: เวลาพิเศษต้องเป็นรายการ [เวลาเปิด, เวลาปิด]"
        # The same checks as the week's hours, on one day.
        message = hours_error([[0, *pair] if isinstance(pair, list) else pair for pair in hours])
        if message:
            return f"{where} รายการที่ {number}: {message}"
    return None


def _source_errors(data: Mapping[str, Any]) -> dict[str, str]:
    errors = {}
    if not str(data.get("source_agency") or "").strip():
        errors["source_agency"] = f"ต้องระบุ{_name('source_agency')} ของข้อมูลทุกรายการ"
    url = data.get("source_url")
    if not str(data.get("source_title") or "").strip() and not url:
        errors["source_title"] = (
            f"ต้องระบุ{_name('source_title')} หรือ{_name('source_url')} ของข้อมูลทุกรายการ"
        )
    if isinstance(url, str) and url:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            errors["source_url"] = f"{_name('source_url')} ต้องขึ้นต้นด้วย https://"
    checked = data.get("checked_on")
    if isinstance(checked, str) and _is_date(checked) and date.fromisoformat(checked) > date.today():
        errors["checked_on"] = f"{_name('checked_on')} ต้องไม่อยู่ในอนาคต"
    return errors


def _list_of_text(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def record_errors(
    kind: ContentKind,
    data: Mapping[str, Any],
    geo: Geography | None = None,
    *,
    changed: set[str] | None = None,
) -> dict[str, str]:
    """Every problem of a whole record, field by field (empty when it is valid).

    ``changed``: the fields that differ from the published record, when known;
    the (costlier) province check of a location then runs only if it moved.
    """
    errors = _type_errors(kind, data)
    errors.update({k: v for k, v in _source_errors(data).items() if k not in errors})
    if kind is ContentKind.OFFICE:
        phone = data.get("phone")
        if isinstance(phone, str) and phone.strip() and "phone" not in errors:
            message = phone_error(phone)
            if message:
                errors["phone"] = message
        if HOURS in data:
            message = hours_error(data[HOURS])
            if message:
                errors[HOURS] = message
        message = closures_error(data.get("closures"), data.get("code"))
        if message:
            errors["closures"] = message
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            errors["latitude"] = "ต้องกรอกทั้งละติจูดและลองจิจูด (latitude, longitude)"
        elif (lat is not None and "latitude" not in errors and "longitude" not in errors
              and isinstance(data.get("province_code"), str)
              and (changed is None or changed & {"latitude", "longitude", "province_code"})):
            message = (geo or geography()).province_error(
                float(lat), float(lon), data["province_code"]
            )
            if message:
                errors["latitude"] = message
    elif kind is ContentKind.FAQ:
        if not str(data.get("answer") or "").strip():
            errors.setdefault("answer", f"ต้องกรอก{_name('answer')}")
        variants = data.get("question_variants")
        if variants is not None and not _list_of_text(variants):
            errors.setdefault("question_variants", f"{_name('question_variants')} ต้องเป็นข้อความ ห้ามว่าง")
    elif kind is ContentKind.SERVICE_NOTE:
        note = data.get("note")
        if "note" not in errors and not str(note or "").strip():
            errors["note"] = f"ต้องกรอก{_name('note')}"
        elif isinstance(note, str) and len(note.strip()) > NOTE_MAX_LENGTH:
            errors["note"] = f"{_name('note')} ยาวเกิน {NOTE_MAX_LENGTH} ตัวอักษร"
    elif kind is ContentKind.SERVICE:
        for name in ("documents", "steps", "aliases", "office_types"):
            value = data.get(name)
            if value is not None and not _list_of_text(value):
                errors.setdefault(name, f"{_name(name)} ต้องเป็นรายการข้อความ ห้ามว่าง")
        fees = data.get("fees")
        if fees is not None and not _fees_ok(fees):
            errors.setdefault(
                "fees",
                f"{_name('fees')} แต่ละรายการต้องมีจำนวนเงิน (amount) ไม่ติดลบหรือว่าง และเงื่อนไข (condition)",
            )
    return errors


def _fees_ok(fees: Any) -> bool:
    if not isinstance(fees, list):
        return False
    for fee in fees:
        if not isinstance(fee, dict) or set(fee) - {"amount", "unit", "condition", "vehicle_class"}:
            return False
        if fee.get("vehicle_class") not in (None, *VEHICLE_CLASSES):
            return False
        amount = fee.get("amount")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))
                                   or amount < 0):
            return False
        if not all(isinstance(fee.get(k), (str, type(None))) for k in ("unit", "condition")):
            return False
    return True


def validate_record(kind: ContentKind, data: Mapping[str, Any], geo: Geography | None = None) -> None:
    """Raises ``InvalidFields`` with a Thai message per bad field."""
    errors = record_errors(kind, data, geo)
    if errors:
        raise InvalidFields(errors)
