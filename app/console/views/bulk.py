"""CSV export and import of offices and FAQs, with a dry run.

An import checks every row first (scope, validation, version) and reports
each with its row number (the header is row 1). Nothing is written unless
every row is valid, or the officer asked to skip the bad ones; then each
changed row is published as one revision, all in one transaction.
A row outside the officer's scope refuses the whole request (403), like
any other way of reaching another province's records.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from app.console.http import DATABASE, GEOGRAPHY, json_response, principal, query
from app.console.permissions import Principal, check_edit
from app.console.routes_params import IMPORT_PARAMS
from app.console.validation import record_errors
from app.console.views.content import scope_of
from app.errors import ValidationError
from app.kb.content import spec
from app.kb.models import ContentKind, Role
from app.kb.repositories import editing
from app.kb.repositories.editing import Published

ALL = 1_000_000
LIST_SEPARATOR = "|"
OFFICE_COLUMNS = ("code", "office_type", "name_th", "province_code", "district_code", "address",
                  "latitude", "longitude", "location_is_approximate", "phone",
                  "closed_on_public_holidays", "hours", "service_codes", "source_agency",
                  "source_title", "source_url", "checked_on", "version")
FAQ_COLUMNS = ("key", "province_code", "title", "question_variants", "answer", "source_agency",
               "source_title", "source_url", "checked_on", "version")
IMPORT_REASON = "นำเข้าจากไฟล์ CSV"


# --- cells <-> values ------------------------------------------------------------

def hours_cell(rows: list[list[Any]]) -> str:
    """``0 08:30-16:30; 1 08:30-12:00; 1 13:00-16:30`` (0 = Monday)."""
    return "; ".join(f"{d} {o}-{c}" for d, o, c in rows)


def parse_hours(cell: str) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        try:
            day, span = part.split()
            opens, closes = span.split("-")
            rows.append([int(day), opens.strip(), closes.strip()])
        except ValueError as exc:
            raise ValueError(f"เวลาทำการ (hours) '{part}' ต้องเป็น 'วัน HH:MM-HH:MM' เช่น 0 08:30-16:30") from exc
    return rows


def _bool(cell: str, name: str) -> bool:
    value = cell.strip().lower()
    if value in {"true", "1", "yes", "ใช่"}:
        return True
    if value in {"false", "0", "no", "ไม่ใช่"}:
        return False
    raise ValueError(f"{name} ต้องเป็น true หรือ false")


def _float(cell: str, name: str) -> float | None:
    if not cell.strip():
        return None
    try:
        return float(cell)
    except ValueError as exc:
        raise ValueError(f"{name} ต้องเป็นตัวเลข") from exc


def _text(cell: str) -> str | None:
    return cell.strip() or None


def _list(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(LIST_SEPARATOR) if p.strip()]


OFFICE_PARSERS: dict[str, Callable[[str], Any]] = {
    "latitude": lambda c: _float(c, "ละติจูด (latitude)"),
    "longitude": lambda c: _float(c, "ลองจิจูด (longitude)"),
    "location_is_approximate": lambda c: _bool(c, "location_is_approximate"),
    "closed_on_public_holidays": lambda c: _bool(c, "closed_on_public_holidays"),
    "hours": parse_hours,
    "service_codes": _list,
}
FAQ_PARSERS: dict[str, Callable[[str], Any]] = {"question_variants": _list}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Format:
    kind: ContentKind
    columns: tuple[str, ...]
    parsers: dict[str, Callable[[str], Any]]
    filename: str


OFFICES = Format(ContentKind.OFFICE, OFFICE_COLUMNS, OFFICE_PARSERS, "offices.csv")
FAQS = Format(ContentKind.FAQ, FAQ_COLUMNS, FAQ_PARSERS, "faqs.csv")


# --- export ------------------------------------------------------------------------

def to_csv(fmt: Format, records: list[Published]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fmt.columns)
    for record in records:
        row = []
        for name in fmt.columns:
            if name == "version":
                row.append(str(record.version))
            elif name == "hours":
                row.append(hours_cell(record.data.get("hours") or []))
            else:
                row.append(_cell(record.data.get(name)))
        writer.writerow(row)
    return out.getvalue()


async def _scoped_records(request: web.Request, fmt: Format) -> list[Published]:
    user = principal(request)
    province = scope_of(user, None)
    office = user.office_code if user.role is Role.DISTRICT_OFFICER and fmt is OFFICES else None
    async with request.app[DATABASE].session() as session:
        records, _ = await editing.list_published(
            session, fmt.kind, province_code=province, include_national=fmt is FAQS,
            record_key=office, limit=ALL,
        )
    return records


async def _export(request: web.Request, fmt: Format) -> web.Response:
    text = to_csv(fmt, await _scoped_records(request, fmt))
    # A byte-order mark so that spreadsheet programs read the Thai as UTF-8.
    response = web.Response(body=("\ufeff" + text).encode("utf-8"), content_type="text/csv",
                            charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{fmt.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


async def export_offices(request: web.Request) -> web.Response:
    return await _export(request, OFFICES)


async def export_faqs(request: web.Request) -> web.Response:
    return await _export(request, FAQS)


# --- import ------------------------------------------------------------------------

@dataclass
class RowResult:
    row: int
    key: str | None
    action: str | None
    errors: list[str]
    data: dict[str, Any] | None = None
    base_version: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "key": self.key, "action": self.action, "errors": self.errors}


def _parse_row(fmt: Format, raw: dict[str, str]) -> tuple[dict[str, Any], int | None, list[str]]:
    data: dict[str, Any] = {}
    errors: list[str] = []
    version: int | None = None
    for name in fmt.columns:
        if name not in raw:
            continue
        cell = raw[name] or ""
        if name == "version":
            if cell.strip():
                try:
                    version = int(cell)
                except ValueError:
                    errors.append("ฉบับ (version) ต้องเป็นตัวเลข")
            continue
        try:
            data[name] = fmt.parsers[name](cell) if name in fmt.parsers else _text(cell)
        except ValueError as exc:
            errors.append(str(exc))
    return data, version, errors


def read_csv(body: bytes, fmt: Format) -> list[dict[str, str]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("ไฟล์ CSV ต้องเข้ารหัสแบบ UTF-8") from exc
    if "\x00" in text:
        raise ValidationError("ไฟล์ CSV มีอักขระที่ไม่รองรับ")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    key = fmt.columns[0]
    if key not in header:
        raise ValidationError(f"ไฟล์ CSV ต้องมีแถวหัวตารางที่มีคอลัมน์ {key}")
    unknown = [h for h in header if h not in fmt.columns]
    if unknown:
        raise ValidationError(f"ไม่รู้จักคอลัมน์ {', '.join(unknown)} ในไฟล์ CSV")
    try:
        return [dict(row) for row in reader]
    except csv.Error as exc:
        raise ValidationError(f"อ่านไฟล์ CSV ไม่ได้: {exc}") from exc


def _row_key(fmt: Format, data: dict[str, Any]) -> str:
    return spec(fmt.kind).key(data)


def check_row(
    user: Principal,
    fmt: Format,
    number: int,
    raw: dict[str, str],
    published: dict[str, Published],
    drafted: set[str],
    seen: set[str],
    geo: Any,
) -> RowResult:
    """One row's action and errors; raises ``ForbiddenError`` for a row outside the scope."""
    data, version, errors = _parse_row(fmt, raw)
    try:
        key = _row_key(fmt, data)
    except ValidationError:
        return RowResult(number, None, None, [*errors, f"ต้องระบุ {fmt.columns[0]}"])
    if key in seen:
        errors.append(f"{key} ซ้ำกับแถวก่อนหน้า")
    seen.add(key)
    record = published.get(key)
    province = record.province_code if record else data.get("province_code")
    full = {**(record.data if record else {}), **data}
    changed = {k for k, v in data.items() if record is None or record.data.get(k) != v}
    check_edit(user, fmt.kind, province, key, changed)
    if data.get("province_code", province) != province:
        check_edit(user, fmt.kind, data.get("province_code"), key, changed)
    if record is not None and version is not None and version != record.version:
        errors.append(
            f"มีผู้อื่นเผยแพร่ฉบับใหม่กว่า (ฉบับที่ {record.version}) ไฟล์นี้อ้างฉบับที่ {version} (version)"
        )
    action = "create" if record is None else ("update" if changed else "unchanged")
    if action != "unchanged":
        errors += list(record_errors(fmt.kind, full, geo, changed=changed if record else None).values())
        if key in drafted:
            errors.append(f"{key} มีฉบับร่างค้างอยู่ กรุณาเผยแพร่หรือลบฉบับร่างก่อน")
    return RowResult(number, key, action, errors, data if action != "unchanged" else None,
                     record.version if record else None)


async def _import(request: web.Request, fmt: Format) -> web.Response:
    user = principal(request)
    args = query(request, IMPORT_PARAMS)
    rows = read_csv(await request.read(), fmt)
    geo = request.app[GEOGRAPHY]
    async with request.app[DATABASE].session() as session:
        records, _ = await editing.list_published(session, fmt.kind, limit=ALL)
        published = {spec(fmt.kind).key(r.data): r for r in records}
        drafted = {d.record_key for d in await editing.list_drafts_scoped(session, kind=fmt.kind)}
        seen: set[str] = set()
        results = [
            check_row(user, fmt, number, raw, published, drafted, seen, geo)
            for number, raw in enumerate(rows, start=2)
        ]
        invalid = [r for r in results if r.errors]
        valid = [r for r in results if not r.errors]
        written = 0
        if not args["dry_run"] and (not invalid or args["skip_invalid"]):
            editor = user.editor()
            reason = args["reason"] or IMPORT_REASON
            for result in valid:
                if result.data is None:
                    continue
                draft = await editing.create_draft(session, fmt.kind, result.data, editor)
                await editing.publish(session, draft.id, editor, reason)
                written += 1
    return json_response({
        "rows": [r.to_json() for r in results],
        "valid": len(valid),
        "invalid": len(invalid),
        "written": written,
        "dry_run": args["dry_run"],
    })


async def import_offices(request: web.Request) -> web.Response:
    return await _import(request, OFFICES)


async def import_faqs(request: web.Request) -> web.Response:
    return await _import(request, FAQS)
