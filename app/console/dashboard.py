"""The analytics dashboard's API in the staff console: one JSON route and one CSV
route per view, and "make this an FAQ" for a group of unanswered questions.

Who sees what (decided here, enforced by ``app.analytics.queries.Scope``):
- analyst, admin and content_editor: the whole country (the content team
  turns national gaps into FAQs);
- province_officer: their own province only; asking for another is 403;
- district_officer: no dashboard (403). Their scope is one office, and the
  analytics are counted per province; a province's figures would show them
  other offices' citizens.
"Make this an FAQ" follows the console's editing rules (``check_edit``): the
content team drafts national FAQs, a provincial officer their province's, the
administrator any; an analyst proposes nothing (403).

The screen and the CSV are the same table: each view's rows are turned into
display values once, here (percentages as numbers 0-100, codes next to Thai
names), and both the JSON and the CSV carry exactly those.
"""
from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from aiohttp import web

from app.analytics import queries
from app.analytics.db import create_schema
from app.analytics.queries import CHANNELS, Filter, Scope
from app.analytics.unanswered import faq_draft_data, find_group, unanswered_groups
from app.console.http import (
    DATABASE,
    SETTINGS,
    Param,
    Route,
    json_body,
    json_response,
    principal,
    query,
)
from app.console.permissions import FORBIDDEN_PROVINCE, Principal, can_edit, check_edit
from app.console.validation import InvalidFields
from app.console.views.drafts import draft_json
from app.errors import ForbiddenError
from app.kb.db import Database
from app.kb.models import ContentKind, Role
from app.kb.repositories import editing
from app.kb.repositories.services import list_services
from common.paths import GEO

ANALYTICS = web.AppKey("analytics_database", Database)
TIMEZONE = "Asia/Bangkok"
READ_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.CONTENT_EDITOR, Role.PROVINCE_OFFICER})
DRAFT_ROLES = frozenset({Role.ADMIN, Role.CONTENT_EDITOR, Role.PROVINCE_OFFICER})
FORBIDDEN_DISTRICT = "เจ้าหน้าที่อำเภอไม่มีสิทธิ์ดูแดชบอร์ดสถิติ"

CHANNEL_TH = {
    "line": "LINE", "rest": "REST API", "socketio": "เว็บแชต", "web": "เว็บไซต์", "unknown": "ไม่ทราบช่องทาง",
}
OUTCOME_TH = {
    "answered": "ตอบได้", "asked_back": "ถามกลับ", "fallback": "ตอบไม่ได้", "handoff": "ส่งต่อเจ้าหน้าที่",
}
WEEKDAY_TH = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
UNKNOWN_PROVINCE = "ไม่ทราบจังหวัด"
NO_SERVICE = "ไม่ระบุบริการ"
NATIONAL = "ส่วนกลาง (ระดับประเทศ)"

FROM = Param("from", {"type": "string", "format": "date"}, "วันแรก (YYYY-MM-DD, เวลาไทย)")
TO = Param("to", {"type": "string", "format": "date"}, "วันสุดท้าย (รวมวันนั้น)")
PROVINCE = Param("province", {"type": "string", "pattern": "^[0-9]{2}$"}, "รหัสจังหวัด 2 หลัก")
CHANNEL = Param("channel", {"type": "string", "enum": list(CHANNELS)}, "ช่องทาง")
SERVICE = Param("service", {"type": "string", "pattern": "^[a-z0-9_]{1,64}$"}, "รหัสบริการ")
BUCKET = Param("bucket", {"type": "string", "enum": ["day", "hour"], "default": "day"}, "รายวันหรือรายชั่วโมง")
FILTER_PARAMS = (FROM, TO, PROVINCE, CHANNEL, SERVICE)


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Thai, the table's and the CSV's header


@dataclass(frozen=True)
class Names:
    provinces: dict[str, str]
    services: dict[str, str]

    def province(self, code: str | None) -> str:
        return self.provinces.get(code, code) if code else UNKNOWN_PROVINCE

    def service(self, code: str | None) -> str:
        return self.services.get(code, code) if code else NO_SERVICE


Fetch = Callable[[Any, Filter, Scope, dict[str, Any]], Awaitable[list[dict[str, Any]]]]
Shape = Callable[[dict[str, Any], Names], dict[str, Any]]


@dataclass(frozen=True)
class View:
    name: str
    title: str
    columns: tuple[Column, ...]
    fetch: Fetch
    shape: Shape
    params: tuple[Param, ...] = ()


def _pct(value: float | None) -> float | None:
    """A share as a percentage with one decimal, halves rounded up as people do (31.25 -> 31.3)."""
    if value is None:
        return None
    return float((Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


TURNS = Column("turns", "จำนวนข้อความ")
CONVERSATIONS = Column("conversations", "จำนวนบทสนทนา")
SHARE = Column("share", "สัดส่วน (%)")
PROVINCE_COLUMNS = (Column("province_code", "รหัสจังหวัด"), Column("province", "จังหวัด"))
SERVICE_COLUMNS = (Column("service_code", "รหัสบริการ"), Column("service", "บริการ"))
THUMBS = (
    Column("thumbs_up", "ถูกใจ"), Column("thumbs_down", "ไม่ถูกใจ"),
    Column("ratings", "จำนวนคะแนน"), Column("satisfaction", "ความพึงพอใจ (%)"),
)


def _volume_shape(row: dict[str, Any], _: Names) -> dict[str, Any]:
    return row


def _by_channel(row: dict[str, Any], _: Names) -> dict[str, Any]:
    return {**row, "channel_name": CHANNEL_TH.get(row["channel"], row["channel"]), "share": _pct(row["share"])}


def _by_province(row: dict[str, Any], names: Names) -> dict[str, Any]:
    return {**row, "province": names.province(row["province_code"]), "share": _pct(row.get("share")),
            **({"satisfaction": _pct(row["satisfaction"])} if "satisfaction" in row else {})}


def _by_service(row: dict[str, Any], names: Names) -> dict[str, Any]:
    return {**row, "service": names.service(row["service_code"]), "share": _pct(row.get("share")),
            **({"satisfaction": _pct(row["satisfaction"])} if "satisfaction" in row else {})}


def _intent(row: dict[str, Any], _: Names) -> dict[str, Any]:
    return {**row, "share": _pct(row["share"])}


def _outcome(row: dict[str, Any], _: Names) -> dict[str, Any]:
    return {**row, "outcome_name": OUTCOME_TH[row["outcome"]], "rate": _pct(row["rate"])}


def _containment(row: dict[str, Any], _: Names) -> dict[str, Any]:
    return {**row, "containment_rate": _pct(row["containment_rate"])}


def _busiest(row: dict[str, Any], _: Names) -> dict[str, Any]:
    return {**row, "weekday_name": WEEKDAY_TH[row["weekday"]], "hour_name": f"{row['hour']:02d}:00"}


def _latency(row: dict[str, Any], _: Names) -> dict[str, Any]:
    channel = row["channel"]
    name = "ทุกช่องทาง" if channel is None else CHANNEL_TH.get(channel, channel)
    return {**row, "channel_name": name}


def _model(row: dict[str, Any], _: Names) -> dict[str, Any]:
    shaped = {**row, "model_version": row["model_version"] or "ไม่ทราบรุ่น"}
    for key in ("answered_rate", "asked_back_rate", "fallback_rate", "satisfaction"):
        shaped[key] = _pct(row[key])
    return shaped


def _call(function: Callable[..., Awaitable[list[dict[str, Any]]]], **fixed: Any) -> Fetch:
    async def fetch(session: Any, filters: Filter, scope: Scope, args: dict[str, Any]) -> list[dict[str, Any]]:
        extra = {name: args[name] for name in fixed.get("pass", ())}
        return await function(session, filters, scope, **extra)

    return fetch


VIEWS: dict[str, View] = {view.name: view for view in (
    View("volume", "ปริมาณการใช้งานตามช่วงเวลา",
         (Column("period", "ช่วงเวลา"), TURNS, CONVERSATIONS),
         _call(queries.volume, **{"pass": ("bucket",)}), _volume_shape, (BUCKET,)),
    View("channels", "ปริมาณตามช่องทาง",
         (Column("channel", "รหัสช่องทาง"), Column("channel_name", "ช่องทาง"), TURNS, CONVERSATIONS, SHARE),
         _call(queries.volume_by_channel), _by_channel),
    View("provinces", "ปริมาณตามจังหวัด",
         (*PROVINCE_COLUMNS, TURNS, CONVERSATIONS, SHARE),
         _call(queries.volume_by_province), _by_province),
    View("services", "ปริมาณตามบริการ",
         (*SERVICE_COLUMNS, TURNS, CONVERSATIONS, SHARE),
         _call(queries.volume_by_service), _by_service),
    View("intents", "เจตนาที่พบบ่อย",
         (Column("intent", "เจตนา (intent)"), TURNS, SHARE, Column("mean_confidence", "ความมั่นใจเฉลี่ย")),
         _call(queries.top_intents), _intent),
    View("outcomes", "อัตราตอบได้ ถามกลับ และตอบไม่ได้",
         (Column("outcome", "รหัสผลลัพธ์"), Column("outcome_name", "ผลลัพธ์"), TURNS, Column("rate", "อัตรา (%)")),
         _call(queries.outcomes), _outcome),
    View("containment", "การตอบจบได้เองโดยไม่ต้องส่งต่อ",
         (CONVERSATIONS, Column("contained", "จบได้เอง"), Column("containment_rate", "อัตราจบได้เอง (%)")),
         _call(queries.containment), _containment),
    View("satisfaction-services", "ความพึงพอใจตามบริการ",
         (*SERVICE_COLUMNS, *THUMBS), _call(queries.satisfaction_by_service), _by_service),
    View("satisfaction-provinces", "ความพึงพอใจตามจังหวัด",
         (*PROVINCE_COLUMNS, *THUMBS), _call(queries.satisfaction_by_province), _by_province),
    View("busiest-hours", "ช่วงวันและเวลาที่มีผู้ใช้มากที่สุด",
         (Column("weekday", "วัน (0 = จันทร์)"), Column("weekday_name", "วัน"), Column("hour", "ชั่วโมง"),
          Column("hour_name", "เวลา"), TURNS),
         _call(queries.busiest_hours), _busiest),
    View("latency", "เวลาตอบสนอง (มิลลิวินาที)",
         (Column("channel", "รหัสช่องทาง"), Column("channel_name", "ช่องทาง"), TURNS,
          Column("p50_ms", "p50 (มิลลิวินาที)"), Column("p95_ms", "p95 (มิลลิวินาที)"),
          Column("p99_ms", "p99 (มิลลิวินาที)")),
         _call(queries.latency), _latency),
    View("models", "คุณภาพตามรุ่นโมเดล",
         (Column("model_version", "รุ่นโมเดล"), TURNS, Column("answered_rate", "ตอบได้ (%)"),
          Column("asked_back_rate", "ถามกลับ (%)"), Column("fallback_rate", "ตอบไม่ได้ (%)"),
          Column("mean_confidence", "ความมั่นใจเฉลี่ย"), Column("p95_ms", "p95 (มิลลิวินาที)"),
          Column("thumbs_up", "ถูกใจ"), Column("thumbs_down", "ไม่ถูกใจ"),
          Column("satisfaction", "ความพึงพอใจ (%)")),
         _call(queries.quality_by_model), _model),
)}
UNANSWERED_COLUMNS = (
    Column("id", "รหัสกลุ่ม"), Column("size", "จำนวนข้อความ"), Column("owner", "ผู้รับผิดชอบ"),
    Column("examples", "ตัวอย่างข้อความ"), Column("trend", "แนวโน้มรายสัปดาห์"),
)


@lru_cache(maxsize=1)
def province_names() -> dict[str, str]:
    """Thai province names by code, from the geography the knowledge base is seeded from."""
    with (GEO / "provinces.csv").open(encoding="utf-8") as handle:
        return {row["CODE"]: row["PROVINCE_THAI"] for row in csv.DictReader(handle)}


async def _names(request: web.Request) -> Names:
    async with request.app[DATABASE].session() as session:
        services = {s.code: s.name_th for s in await list_services(session)}
    return Names(province_names(), services)


def scope_for(user: Principal) -> Scope:
    """The part of the country ``user`` may see.

    Raises:
        ForbiddenError: a district officer (see the module's note).
    """
    if user.role is Role.DISTRICT_OFFICER:
        raise ForbiddenError(FORBIDDEN_DISTRICT)
    if user.role is Role.PROVINCE_OFFICER:
        return Scope(user.province_code)
    return Scope.country()


def _date(raw: str | None, name: str) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidFields({name: f"{name} ต้องเป็นวันที่แบบ YYYY-MM-DD"}) from exc


def filters_of(request: web.Request, args: dict[str, Any]) -> tuple[Filter, Scope]:
    """The filters asked for, and the caller's scope (403 for another province)."""
    scope = scope_for(principal(request))
    first, last = _date(args.get("from"), "from"), _date(args.get("to"), "to")
    if first and last and first > last:
        raise InvalidFields({"from": "วันแรก (from) ต้องไม่หลังวันสุดท้าย (to)"})
    filters = Filter.for_dates(
        first, last, TIMEZONE, province_code=args.get("province"),
        channel=args.get("channel"), service_code=args.get("service"),
    )
    if scope.province_code is not None and filters.province_code not in (None, scope.province_code):
        raise ForbiddenError(FORBIDDEN_PROVINCE)
    return scope.apply(filters), scope


def _applied(filters: Filter, args: dict[str, Any]) -> dict[str, Any]:
    return {"from": args.get("from"), "to": args.get("to"), "province": filters.province_code,
            "channel": filters.channel, "service": filters.service_code}


async def _table(request: web.Request, view: View) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    args = query(request, FILTER_PARAMS + view.params)
    filters, scope = filters_of(request, args)
    async with request.app[ANALYTICS].session() as session:
        rows = await view.fetch(session, filters, scope, args)
    names = await _names(request)
    shaped = [view.shape(row, names) for row in rows]
    keys = [c.key for c in view.columns]
    return _applied(filters, args), [{k: row.get(k) for k in keys} for row in shaped]


def _columns(columns: Sequence[Column]) -> list[dict[str, str]]:
    return [{"key": c.key, "label": c.label} for c in columns]


def _cell(value: Any) -> str:
    """A value as the page prints it (JavaScript's String): 50.0 is "50", None is empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv(columns: Sequence[Column], rows: Sequence[dict[str, Any]], name: str) -> web.Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c.key)) for c in columns])
    # The BOM lets spreadsheet programs read the Thai as UTF-8.
    response = web.Response(
        body=("\ufeff" + buffer.getvalue()).encode("utf-8"),
        content_type="text/csv", charset="utf-8",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="dashboard-{name}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _view_handlers(view: View) -> tuple[Callable[..., Any], Callable[..., Any]]:
    async def as_json(request: web.Request) -> web.Response:
        applied, rows = await _table(request, view)
        return json_response({"view": view.name, "title": view.title, "filters": applied,
                              "columns": _columns(view.columns), "rows": rows})

    async def as_csv(request: web.Request) -> web.Response:
        _, rows = await _table(request, view)
        return _csv(view.columns, rows, view.name)

    as_json.__name__ = f"dashboard_{view.name.replace('-', '_')}"
    as_csv.__name__ = f"dashboard_{view.name.replace('-', '_')}_csv"
    return as_json, as_csv


async def _groups(request: web.Request) -> tuple[dict[str, Any], list[Any], Principal, Names]:
    args = query(request, FILTER_PARAMS)
    filters, scope = filters_of(request, args)
    async with request.app[ANALYTICS].session() as session:
        groups = await unanswered_groups(session, filters, scope)
    return _applied(filters, args), groups, principal(request), await _names(request)


def _owner(province: str | None, names: Names) -> str:
    return NATIONAL if province is None else names.province(province)


async def unanswered(request: web.Request) -> web.Response:
    applied, groups, user, names = await _groups(request)
    items = []
    for group in groups:
        item = group.as_json()
        item["owner"] = _owner(group.owner_province, names)
        for p in item["provinces"]:
            p["province"] = names.province(p["province_code"])
        item["can_draft"] = user.role in DRAFT_ROLES and can_edit(
            user, ContentKind.FAQ, group.owner_province, _record_key(faq_draft_data(group))
        )
        items.append(item)
    return json_response({"view": "unanswered", "title": "คำถามที่ยังตอบไม่ได้", "filters": applied,
                          "columns": _columns(UNANSWERED_COLUMNS), "groups": items,
                          "rows": [_unanswered_row(i) for i in items]})


def _unanswered_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"], "size": item["size"], "owner": item["owner"],
        "examples": " | ".join(item["examples"]),
        "trend": "; ".join(f"{w['week']}: {w['turns']}" for w in item["trend"]),
    }


async def unanswered_csv(request: web.Request) -> web.Response:
    _, groups, _, names = await _groups(request)
    rows = []
    for group in groups:
        item = group.as_json()
        item["owner"] = _owner(group.owner_province, names)
        rows.append(_unanswered_row(item))
    return _csv(UNANSWERED_COLUMNS, rows, "unanswered")


FAQ_DRAFT_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "answer": {"type": "string", "minLength": 1, "maxLength": 5000},
    },
}


async def faq_draft(request: web.Request) -> web.Response:
    """A draft FAQ for the group's owner, its wordings as the questions.

    The groups are computed again under the caller's scope and the filters of
    the page that showed them, so a group id from another province is a 404.
    """
    body = await json_body(request, FAQ_DRAFT_BODY) if request.body_exists else {}
    _, groups, user, _ = await _groups(request)
    group = find_group(groups, request.match_info["group"])
    data = {**faq_draft_data(group), **body}
    check_edit(user, ContentKind.FAQ, group.owner_province, _record_key(data))
    async with request.app[DATABASE].session() as session:
        draft = await editing.create_draft(session, ContentKind.FAQ, data, user.editor())
        result = draft_json(draft)
    return json_response(result, status=201)


def _record_key(data: dict[str, Any]) -> str:
    province = data.get("province_code")
    return f"{data['key']}@{province}" if province else data["key"]


def _routes() -> tuple[Route, ...]:
    routes: list[Route] = []
    for view in VIEWS.values():
        as_json, as_csv = _view_handlers(view)
        params = FILTER_PARAMS + view.params
        routes.append(Route("GET", f"/api/dashboard/{view.name}", as_json, view.title, READ_ROLES,
                            params=params, responses={200: "ตาราง", 403: "นอกเขตจังหวัดของคุณ"},
                            tag="dashboard"))
        routes.append(Route("GET", f"/api/dashboard/{view.name}.csv", as_csv, f"{view.title} (CSV)",
                            READ_ROLES, params=params, response_type="text/csv",
                            responses={200: "CSV", 403: "นอกเขตจังหวัดของคุณ"}, tag="dashboard"))
    routes.append(Route("GET", "/api/dashboard/unanswered", unanswered, "คำถามที่ยังตอบไม่ได้ (จัดกลุ่ม)",
                        READ_ROLES, params=FILTER_PARAMS, responses={200: "กลุ่มคำถาม"}, tag="dashboard"))
    routes.append(Route("GET", "/api/dashboard/unanswered.csv", unanswered_csv,
                        "คำถามที่ยังตอบไม่ได้ (CSV)", READ_ROLES, params=FILTER_PARAMS,
                        response_type="text/csv", responses={200: "CSV"}, tag="dashboard"))
    routes.append(Route("POST", "/api/dashboard/unanswered/{group}/faq-draft", faq_draft,
                        "สร้างร่างคำถามที่พบบ่อยจากกลุ่มคำถาม", DRAFT_ROLES, body=FAQ_DRAFT_BODY,
                        params=FILTER_PARAMS,
                        responses={201: "ร่างที่สร้าง", 403: "ไม่มีสิทธิ์", 404: "ไม่พบกลุ่ม",
                                   409: "มีร่างอยู่แล้ว"}, tag="dashboard"))
    return tuple(routes)


# Every dashboard route, for the console's route table and its OpenAPI document:
# create_app(settings, routes=ROUTES + DASHBOARD_ROUTES).
DASHBOARD_ROUTES: tuple[Route, ...] = _routes()


async def analytics_store(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context opening the analytics store (ANALYTICS_DATABASE_URL), read only
    by the dashboard; a store already set on the app (tests) is left to its owner."""
    if ANALYTICS in app:
        yield
        return
    database = Database(app[SETTINGS].analytics_database_url)
    # Before the first conversation the store may be empty: empty tables, not errors.
    await create_schema(database.engine, rebuild_summaries=app[SETTINGS].analytics_rebuild_summaries)
    app[ANALYTICS] = database
    yield
    await database.dispose()
