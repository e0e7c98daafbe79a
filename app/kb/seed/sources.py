"""Read the seed files into plain records: one dict of column values per row.

Geography comes from ``data/geo/*.csv``; everything else from the YAML files
of ``data/kb`` (schema: ``data/kb/README.md``). The YAML is written by hand,
so the readers accept the few shapes a person naturally writes (a list of
records, or a mapping keyed by code) and fail with the file and field named
when something required is missing.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from app.errors import ValidationError
from app.kb.models.services import VEHICLE_CLASSES

logger = logging.getLogger(__name__)

Record = dict[str, Any]

GEO_SOURCE_AGENCY = "Dhanabhon/thailand-geodata (MIT licence)"
ESTIMATED_POINT_NOTE = "ตำแหน่งโดยประมาณ (estimated district point)"


@dataclass(frozen=True)
class Geography:
    provinces: list[Record]
    districts: list[Record]
    checked_on: date | None


@dataclass(frozen=True)
class KbData:
    agencies: list[Record]
    office_types: list[Record]
    services: list[Record]
    faqs: list[Record]
    holidays: list[Record]
    service_notes: list[Record] = field(default_factory=list)


# --- geography -------------------------------------------------------------


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _updated_on(rows: list[dict[str, str]]) -> date | None:
    stamps = [row["UPDATED_AT"][:10] for row in rows if row.get("UPDATED_AT")]
    return date.fromisoformat(max(stamps)) if stamps else None


def _float_or_none(value: str) -> float | None:
    return float(value) if value not in ("", "None") else None


def load_geography(geo_dir: Path) -> Geography:
    """Provinces and districts, each district with its chosen estimated point.

    The point is the mean of the district's subdistrict points when there is
    one (closer to where people and offices are), else the polygon centre.
    """
    province_rows = _csv_rows(geo_dir / "provinces.csv")
    district_rows = _csv_rows(geo_dir / "districts.csv")
    points = {row["district_code"]: row for row in _csv_rows(geo_dir / "district_points.csv")}
    checked_on = max(
        filter(None, (_updated_on(province_rows), _updated_on(district_rows))), default=None
    )
    source = {"source_agency": GEO_SOURCE_AGENCY, "source_url": None, "checked_on": checked_on}
    provinces = [
        {
            "code": row["CODE"],
            "name_th": row["PROVINCE_THAI"],
            "name_en": row["PROVINCE_ENGLISH"],
            "source_title": "data/geo/provinces.csv",
            **source,
        }
        for row in province_rows
    ]
    districts = []
    for row in district_rows:
        code = row["DISTRICT_CODE"]
        point = points.get(code)
        if point is None:
            raise ValidationError(f"district_points.csv has no point for district {code}")
        lat = _float_or_none(point["subdistrict_mean_lat"])
        lon = _float_or_none(point["subdistrict_mean_lon"])
        method = "subdistrict_mean"
        if lat is None or lon is None:
            lat, lon = _float_or_none(point["polygon_lat"]), _float_or_none(point["polygon_lon"])
            method = "polygon"
        districts.append(
            {
                "code": code,
                "province_code": code[:2],
                "name_th": row["DISTRICT_THAI"],
                "name_en": row["DISTRICT_ENGLISH"],
                "is_bangkok_khet": point["is_bangkok_khet"] == "1",
                "latitude": lat,
                "longitude": lon,
                "point_method": method,
                "source_title": f"data/geo/districts.csv; {ESTIMATED_POINT_NOTE}: "
                f"data/geo/district_points.csv ({method})",
                **source,
            }
        )
    return Geography(provinces, districts, checked_on)


# --- YAML helpers ------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _entries(doc: Any, collection: str, key_field: str, where: str) -> Iterator[Record]:
    """Records from a list, a ``{collection: ...}`` wrapper, or a mapping code → record."""
    if isinstance(doc, dict) and collection in doc:
        doc = doc[collection]
    if doc is None:
        return
    if isinstance(doc, list):
        for i, entry in enumerate(doc):
            if not isinstance(entry, dict):
                raise ValidationError(f"{where}: entry {i} is not a mapping")
            yield dict(entry)
    elif isinstance(doc, dict):
        for key, entry in doc.items():
            if not isinstance(entry, dict):
                raise ValidationError(f"{where}: {key!r} is not a mapping")
            yield {key_field: str(key), **entry}
    else:
        raise ValidationError(f"{where}: expected a list or a mapping of {collection}")


def _required(entry: Record, field: str, where: str) -> Any:
    value = entry.get(field)
    if value is None or value == "":
        raise ValidationError(f"{where}: {field!r} is required")
    return value


def _text(value: Any) -> str | None:
    """YAML turns 1548 into an int and 'yes' into a bool; hotlines are text."""
    if value is None:
        return None
    return str(value).strip() or None


def _province(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return f"{int(value):02d}" if isinstance(value, int) else str(value).strip()


def _date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _str_list(value: Any, where: str, *, nullable: bool = False) -> list[str] | None:
    if value is None:
        if nullable:
            return None
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ValidationError(f"{where}: expected a list")
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def _source(entry: Record, where: str, default: Record | None = None) -> Record:
    """``source: {agency, title, url, checked_on}`` (or flat ``source_*``) as columns."""
    raw = entry.get("source")
    if isinstance(raw, str):
        raw = {"title": raw}
    raw = {**(default or {}), **(raw or {})}
    return {
        "source_agency": _text(entry.get("source_agency", raw.get("agency"))),
        "source_title": _text(entry.get("source_title", raw.get("title"))),
        "source_url": _text(entry.get("source_url", raw.get("url"))),
        "checked_on": _date(entry.get("checked_on", raw.get("checked_on")), where),
    }


def _common(entry: Record, where: str, default_source: Record | None = None) -> Record:
    return {
        "province_code": _province(entry.get("province_code", entry.get("province"))),
        **_source(entry, where, default_source),
    }


# --- the KB files ----------------------------------------------------------


def read_agencies(path: Path) -> list[Record]:
    records = []
    for entry in _entries(_read_yaml(path), "agencies", "code", path.name):
        where = f"{path.name}: {entry.get('code')}"
        records.append(
            {
                "code": str(_required(entry, "code", where)),
                "name_th": _required(entry, "name_th", where),
                "name_en": _text(entry.get("name_en")),
                "hotline": _text(entry.get("hotline")),
                "website": _text(entry.get("website", entry.get("url"))),
                **_common(entry, where),
            }
        )
    return records


def read_office_types(path: Path) -> list[Record]:
    records = []
    for entry in _entries(_read_yaml(path), "office_types", "code", path.name):
        where = f"{path.name}: {entry.get('code')}"
        hours = entry.get("standard_hours")
        parse_hours(hours, f"{where}.standard_hours")  # fail early on a malformed time
        records.append(
            {
                "code": str(_required(entry, "code", where)),
                "name_th": _required(entry, "name_th", where),
                "name_en": _text(entry.get("name_en")),
                "aliases": _str_list(entry.get("aliases"), f"{where}.aliases"),
                "description": _text(entry.get("description", entry.get("note"))),
                "standard_hours": hours,
                "hours_note": _text(entry.get("hours_note")),
                "closed_on_public_holidays": bool(entry.get("closed_on_public_holidays", True)),
                "has_office_records": bool(entry.get("has_office_records", False)),
                "hotline": _text(entry.get("hotline")),
                **_common(entry, where),
            }
        )
    return records


def _clock(value: Any, where: str) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    # YAML 1.1 reads an unquoted 08:30 as the number 510 (base 60).
    raise ValidationError(f'{where}: {value!r} is not a time; write it quoted, e.g. "08:30"')


def parse_hours(value: Any, where: str) -> list[tuple[int, time, time]] | None:
    """``[{days: [0, 1, ...], opens: "08:30", closes: "16:30"}, ...]`` as
    (weekday, opens, closes) rows; ``None`` when the hours are not known."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValidationError(f"{where}: expected a list of {{days, opens, closes}}")
    rows = []
    for i, block in enumerate(value):
        here = f"{where}[{i}]"
        if not isinstance(block, dict):
            raise ValidationError(f"{here}: expected {{days, opens, closes}}")
        days = block.get("days")
        if not isinstance(days, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
            raise ValidationError(f"{here}: days must be a list of weekdays 0 (Monday) to 6")
        opens = _clock(block.get("opens"), here)
        closes = _clock(block.get("closes"), here)
        if not opens < closes:
            raise ValidationError(f"{here}: opens {opens} is not before closes {closes}")
        rows += [(day, opens, closes) for day in days]
    return sorted(rows)


def _fees(value: Any, where: str) -> list[Record] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValidationError(f"{where}: fees must be a list or null")
    fees = []
    for i, fee in enumerate(value):
        if not isinstance(fee, dict) or "amount" not in fee:
            raise ValidationError(f"{where}: fee {i} needs an 'amount' (null when unknown)")
        amount = fee["amount"]
        if amount is not None and not isinstance(amount, (int, float)):
            raise ValidationError(f"{where}: fee {i} amount must be a number or null")
        clean: Record = {"amount": amount}
        if fee.get("unit") is not None:
            clean["unit"] = str(fee["unit"])
        clean["condition"] = _text(fee.get("condition"))
        vehicle_class = fee.get("vehicle_class")
        if vehicle_class is not None:
            if vehicle_class not in VEHICLE_CLASSES:
                raise ValidationError(
                    f"{where}: fee {i} vehicle_class must be one of {', '.join(VEHICLE_CLASSES)}"
                )
            clean["vehicle_class"] = vehicle_class
        fees.append(clean)
    return fees


def _age(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{where} must be a whole number of years or null")
    return value


def _benefits(value: Any, where: str) -> list[Record] | None:
    """Amounts a welfare service pays, one band each; ages bound the band (inclusive)."""
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise ValidationError(f"{where}: benefits must be a non-empty list or null")
    bands = []
    for i, band in enumerate(value):
        here = f"{where}: benefit {i}"
        if not isinstance(band, dict):
            raise ValidationError(f"{here} is not a mapping")
        amount = band.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount <= 0:
            raise ValidationError(f"{here} needs a positive 'amount'")
        if not _text(band.get("unit")):
            raise ValidationError(f"{here} needs a 'unit' (e.g. บาทต่อเดือน)")
        low = _age(band.get("min_age"), f"{here} min_age")
        high = _age(band.get("max_age"), f"{here} max_age")
        if low is not None and high is not None and low > high:
            raise ValidationError(f"{here}: min_age is above max_age")
        bands.append({
            "amount": amount,
            "unit": str(band["unit"]).strip(),
            "condition": _text(band.get("condition")),
            "min_age": low,
            "max_age": high,
        })
    return bands


def _english_resources(value: Any, where: str) -> list[Record] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValidationError(f"{where}: english_resources must be a list or null")
    resources = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not _text(item.get("title")) or not _text(item.get("url")):
            raise ValidationError(f"{where}: english resource {i} needs a title and a url")
        url = str(item["url"]).strip()
        if not url.startswith("https://"):
            raise ValidationError(f"{where}: english resource {i} url must be https")
        resources.append({"title": str(item["title"]).strip(), "url": url})
    return resources


SERVICE_FIELDS = frozenset(
    "code name_th name_en category aliases agency where_to_apply eligibility documents fees "
    "deadline penalty processing_time steps legal_basis online hotline source "
    "province province_code unverified benefits english_resources".split()
)
# Fields an ``unverified:`` entry may explain (why the value is empty or partly
# unknown). The reasons are for officers (data/kb/SOURCES.md) and tests; they
# are validated here but not stored, so the database schema is unchanged.
UNVERIFIABLE_FIELDS = frozenset(
    "documents fees deadline penalty processing_time benefits".split()
)


def service_unverified(entry: Record, where: str) -> dict[str, str]:
    """``unverified: {field: reason}`` of a service file, checked."""
    raw = entry.get("unverified") or {}
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: unverified must map a field name to a reason")
    reasons = {}
    for field, reason in raw.items():
        if field not in UNVERIFIABLE_FIELDS:
            raise ValidationError(f"{where}: unverified names unknown field {field!r}")
        if not _text(reason):
            raise ValidationError(f"{where}: unverified.{field} needs a reason")
        reasons[str(field)] = str(reason).strip()
    return reasons


def read_service(path: Path) -> Record:
    entry = _read_yaml(path)
    if not isinstance(entry, dict):
        raise ValidationError(f"{path.name}: expected a mapping")
    code = str(_required(entry, "code", path.name))
    where = f"services/{path.name}"
    unknown = sorted(set(entry) - SERVICE_FIELDS)
    if unknown:
        # A field the schema does not know would silently never reach citizens.
        logger.warning("%s: fields not in the schema, not stored: %s", where, ", ".join(unknown))
    if code != path.stem:
        raise ValidationError(f"{where}: code {code!r} differs from the file name")
    service_unverified(entry, where)  # fail early on a malformed reason
    apply = entry.get("where_to_apply") or {}
    online = entry.get("online") or {}
    return {
        "code": code,
        "name_th": _required(entry, "name_th", where),
        "name_en": _text(entry.get("name_en")),
        "category": str(_required(entry, "category", where)),
        "aliases": _str_list(entry.get("aliases"), f"{where}.aliases"),
        "agency_code": str(_required(entry, "agency", where)),
        "office_types": _str_list(apply.get("office_types"), f"{where}.where_to_apply"),
        "where_note": _text(apply.get("note")),
        "eligibility": _text(entry.get("eligibility")),
        "documents": _str_list(entry.get("documents"), f"{where}.documents", nullable=True),
        "fees": _fees(entry.get("fees"), where),
        "deadline": _text(entry.get("deadline")),
        "penalty": _text(entry.get("penalty")),
        "processing_time": _text(entry.get("processing_time")),
        "steps": _str_list(entry.get("steps"), f"{where}.steps", nullable=True),
        "legal_basis": _text(entry.get("legal_basis")),
        "online_name": _text(online.get("name")),
        "online_url": _text(online.get("url")),
        "hotline": _text(entry.get("hotline")),
        "benefits": _benefits(entry.get("benefits"), where),
        "english_resources": _english_resources(entry.get("english_resources"), where),
        **_common(entry, where),
    }


def read_services(directory: Path) -> list[Record]:
    return [read_service(path) for path in sorted(directory.glob("*.y*ml"))]


_OVERRIDE_KEYS = ("overrides", "province_overrides", "provinces")


def _faq_overrides(entry: Record, national: Record, where: str) -> Iterator[Record]:
    """Province records of a FAQ; each inherits what it does not restate."""
    raw = next((entry[k] for k in _OVERRIDE_KEYS if entry.get(k)), None)
    if raw is None:
        return
    if isinstance(raw, dict):
        raw = [
            {"province_code": code, **(v if isinstance(v, dict) else {"answer": v})}
            for code, v in raw.items()
        ]
    for override in raw:
        province = _province(override.get("province_code", override.get("province")))
        here = f"{where} ({province})"
        if province is None:
            raise ValidationError(f"{where}: an override needs a province code")
        source = (
            _source(override, here)
            if override.get("source")
            else {
                k: national[k]
                for k in ("source_agency", "source_title", "source_url", "checked_on")
            }
        )
        yield {
            **national,
            "title": override.get("title") or national["title"],
            "question_variants": _str_list(override.get("question_variants"), here)
            or national["question_variants"],
            "answer": _required(override, "answer", here).strip(),
            **source,
            "province_code": province,
        }


def read_faqs(path: Path) -> list[Record]:
    records = []
    for entry in _entries(_read_yaml(path), "faqs", "key", path.name):
        where = f"{path.name}: {entry.get('key')}"
        national = {
            "key": str(_required(entry, "key", where)),
            "title": _required(entry, "title", where),
            "question_variants": _str_list(entry.get("question_variants"), where),
            "answer": str(_required(entry, "answer", where)).strip(),
            **_common(entry, where),
        }
        records.append(national)
        records.extend(_faq_overrides(entry, national, where))
    return records


def read_holidays(path: Path) -> list[Record]:
    doc = _read_yaml(path)
    default_source = doc.get("source") if isinstance(doc, dict) else None
    if isinstance(default_source, str):
        default_source = {"title": default_source}
    entries = doc.get("holidays", doc) if isinstance(doc, dict) else doc
    if isinstance(entries, dict):  # grouped by year: {2026: [...], 2027: [...]}
        entries = [e for group in entries.values() for e in (group or [])]
    records = []
    for i, entry in enumerate(entries or []):
        where = f"{path.name}: entry {i}"
        records.append(
            {
                "date": _date(_required(entry, "date", where), where),
                "name_th": str(entry.get("name_th") or _required(entry, "name", where)),
                **_common(entry, where, default_source),
            }
        )
    return records


def read_service_notes(path: Path) -> list[Record]:
    """``service_notes.yml``: provinces' notes on services (each needs its province)."""
    records = []
    for i, entry in enumerate(_entries(_read_yaml(path), "service_notes", "service", path.name)):
        where = f"{path.name}: entry {i}"
        common = _common(entry, where)
        if common["province_code"] is None:
            raise ValidationError(f"{where}: 'province_code' is required")
        records.append(
            {
                "service_code": str(_required(entry, "service", where)),
                "note": str(_required(entry, "note", where)).strip(),
                **common,
            }
        )
    return records


KB_FILES = ("agencies.yml", "office_types.yml", "faqs.yml", "holidays.yml")
# Optional: a folder exported before province notes existed has no such file.
SERVICE_NOTES_FILE = "service_notes.yml"


def load_kb(kb_dir: Path) -> KbData:
    """Every KB file of ``kb_dir``.

    Raises:
        ValidationError: a file is missing or malformed (named in the message).
    """
    missing = [name for name in (*KB_FILES, "services") if not (kb_dir / name).exists()]
    if missing:
        raise ValidationError(f"{kb_dir}: missing {', '.join(missing)}")
    return KbData(
        agencies=read_agencies(kb_dir / "agencies.yml"),
        office_types=read_office_types(kb_dir / "office_types.yml"),
        services=read_services(kb_dir / "services"),
        faqs=read_faqs(kb_dir / "faqs.yml"),
        holidays=read_holidays(kb_dir / "holidays.yml"),
        service_notes=read_service_notes(notes) if (notes := kb_dir / SERVICE_NOTES_FILE).exists()
        else [],
    )


def check_references(geography: Geography, kb: KbData) -> None:
    """Every code a record names exists, so a typo fails with its name, not a
    foreign-key error (and ``services.office_types``, a JSON list, is checked at all).

    Raises:
        ValidationError: listing every dangling reference.
    """
    provinces = {p["code"] for p in geography.provinces}
    agencies = {a["code"] for a in kb.agencies}
    office_types = {t["code"] for t in kb.office_types}
    problems = []
    for service in kb.services:
        where = f"services/{service['code']}.yml"
        if service["agency_code"] not in agencies:
            problems.append(f"{where}: agency {service['agency_code']!r} is not in agencies.yml")
        problems += [
            f"{where}: office type {t!r} is not in office_types.yml"
            for t in service["office_types"]
            if t not in office_types
        ]
    services = {s["code"] for s in kb.services}
    problems += [
        f"{SERVICE_NOTES_FILE}: service {n['service_code']!r} is not in services"
        for n in kb.service_notes
        if n["service_code"] not in services
    ]
    scoped = [
        (name, record)
        for name, records in (
            ("agencies.yml", kb.agencies),
            ("office_types.yml", kb.office_types),
            ("services", kb.services),
            ("faqs.yml", kb.faqs),
            ("holidays.yml", kb.holidays),
            (SERVICE_NOTES_FILE, kb.service_notes),
        )
        for record in records
    ]
    problems += [
        f"{name}: province {record['province_code']!r} is not a province code"
        for name, record in scoped
        if record["province_code"] is not None and record["province_code"] not in provinces
    ]
    if problems:
        raise ValidationError("; ".join(problems))
