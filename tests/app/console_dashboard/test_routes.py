"""The dashboard's routes in the real console app: figures, CSV equal to the
JSON, the province scope on every route, and "make this an FAQ"."""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from app.console.dashboard import DASHBOARD_ROUTES, VIEWS
from tests.app.console.conftest import Console, Session
from tests.app.console_dashboard.seed import BANGKOK, CHIANG_MAI

GET_PATHS = [r.path for r in DASHBOARD_ROUTES if r.method == "GET"]
JSON_PATHS = [p for p in GET_PATHS if not p.endswith(".csv")]
CSV_PATHS = [p for p in GET_PATHS if p.endswith(".csv")]
ALCOHOL_FIRST = "ขอใบอนุญาตขายสุราได้ที่ไหน"
LAND_FIRST = "ค่าธรรมเนียมโอนที่ดินเท่าไหร่"


async def csv_rows(session: Session, path: str) -> list[list[str]]:
    response = await session.request("GET", path)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/csv"
    text = (await response.read()).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def as_csv_cells(rows: list[dict[str, Any]], keys: list[str]) -> list[list[str]]:
    def text(value: Any) -> str:  # as the page prints a JSON value
        if value is None:
            return ""
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)

    return [[text(row[k]) for k in keys] for row in rows]


def test_every_view_has_json_and_csv_routes_in_the_route_table() -> None:
    for name in [*VIEWS, "unanswered"]:
        assert f"/api/dashboard/{name}" in JSON_PATHS
        assert f"/api/dashboard/{name}.csv" in CSV_PATHS


async def test_openapi_lists_the_dashboard(dashboard: Console) -> None:
    document = await dashboard.anonymous().json("GET", "/api/openapi.json")
    assert "/api/dashboard/outcomes.csv" in document["paths"]
    assert "post" in document["paths"]["/api/dashboard/unanswered/{group}/faq-draft"]


async def test_outcomes_and_provinces_in_thai(dashboard: Console) -> None:
    analyst = await dashboard.as_role("analyst")
    outcomes = await analyst.json("GET", "/api/dashboard/outcomes")
    assert outcomes["title"] == "อัตราตอบได้ ถามกลับ และตอบไม่ได้"
    assert [c["label"] for c in outcomes["columns"]] == ["รหัสผลลัพธ์", "ผลลัพธ์", "จำนวนข้อความ", "อัตรา (%)"]
    assert outcomes["rows"] == [
        {"outcome": "answered", "outcome_name": "ตอบได้", "turns": 8, "rate": 50.0},
        {"outcome": "asked_back", "outcome_name": "ถามกลับ", "turns": 2, "rate": 12.5},
        {"outcome": "fallback", "outcome_name": "ตอบไม่ได้", "turns": 5, "rate": 31.3},
        {"outcome": "handoff", "outcome_name": "ส่งต่อเจ้าหน้าที่", "turns": 1, "rate": 6.3},
    ]
    provinces = await analyst.json("GET", "/api/dashboard/provinces")
    assert [(r["province_code"], r["province"], r["turns"]) for r in provinces["rows"]] == [
        (CHIANG_MAI, "เชียงใหม่", 8), (BANGKOK, "กรุงเทพมหานคร", 6), (None, "ไม่ทราบจังหวัด", 2),
    ]
    services = await analyst.json("GET", "/api/dashboard/services")
    assert {r["service_code"]: r["service"] for r in services["rows"]}["passport"] == "ทำหนังสือเดินทาง"


async def test_filters_change_the_figures(dashboard: Console) -> None:
    analyst = await dashboard.as_role("analyst")
    everything = await analyst.json("GET", "/api/dashboard/volume")
    assert [(r["period"], r["turns"]) for r in everything["rows"]] == [
        ("2026-12-01", 5), ("2026-12-02", 6), ("2026-12-03", 5),
    ]
    line = await analyst.json("GET", "/api/dashboard/volume?channel=line&from=2026-12-02&to=2026-12-03")
    assert [(r["period"], r["turns"]) for r in line["rows"]] == [("2026-12-02", 4)]
    assert line["filters"] == {"from": "2026-12-02", "to": "2026-12-03", "province": None,
                               "channel": "line", "service": None}
    hours = await analyst.json("GET", "/api/dashboard/volume?bucket=hour&service=passport")
    assert [(r["period"], r["turns"]) for r in hours["rows"]] == [
        ("2026-12-01 01:00", 2), ("2026-12-03 08:00", 1),
    ]


async def test_every_csv_is_its_json_table(dashboard: Console) -> None:
    analyst = await dashboard.as_role("analyst")
    for path in CSV_PATHS:
        table = await analyst.json("GET", path.removesuffix(".csv") + "?from=2026-12-01&to=2026-12-03")
        rows = await csv_rows(analyst, path + "?from=2026-12-01&to=2026-12-03")
        assert rows[0] == [c["label"] for c in table["columns"]], path
        assert rows[1:] == as_csv_cells(table["rows"], [c["key"] for c in table["columns"]]), path
        assert len(rows) > 1, path


# The province scope on every route.

async def test_province_officer_sees_only_own_province_on_every_route(dashboard: Console) -> None:
    officer = await dashboard.as_role("province_officer")  # Chiang Mai (50)
    analyst = await dashboard.as_role("analyst")
    assert officer.user["province_code"] == CHIANG_MAI
    for path in GET_PATHS:
        other = await officer.request("GET", f"{path}?province={BANGKOK}")
        assert other.status == 403, path
        assert (await other.json())["message"] == "คุณไม่มีสิทธิ์เข้าถึงข้อมูลของจังหวัดอื่น"
        for query in ("", f"?province={CHIANG_MAI}"):
            response = await officer.request("GET", path + query)
            assert response.status == 200, (path, await response.text())
        if path.endswith(".csv"):
            assert await csv_rows(officer, path) == await csv_rows(analyst, f"{path}?province={CHIANG_MAI}")
            continue
        own = await officer.json("GET", path)
        assert own["filters"]["province"] == CHIANG_MAI
        asked = await analyst.json("GET", f"{path}?province={CHIANG_MAI}")
        everything = await analyst.json("GET", path)
        for group in own.get("groups", []) + asked.get("groups", []) + everything.get("groups", []):
            group.pop("can_draft")  # who may draft differs; what is shown does not
        assert own == asked, path
        assert own["rows"] != everything["rows"], path


async def test_who_may_read_the_dashboard_on_every_route(dashboard: Console) -> None:
    district = await dashboard.as_role("district_officer")
    readers = [await dashboard.as_role(role) for role in ("analyst", "admin", "content_editor")]
    for path in GET_PATHS:
        assert (await dashboard.anonymous().request("GET", path)).status == 401
        refused = await district.request("GET", path)
        assert refused.status == 403, path
        assert (await refused.json())["message"] == "บทบาทของคุณไม่มีสิทธิ์ทำรายการนี้"
        for session in readers:
            assert (await session.request("GET", f"{path}?province={BANGKOK}")).status == 200, path


async def test_province_figures_of_the_officer(dashboard: Console) -> None:
    officer = await dashboard.as_role("province_officer")
    provinces = await officer.json("GET", "/api/dashboard/provinces")
    assert [(r["province"], r["turns"]) for r in provinces["rows"]] == [("เชียงใหม่", 8)]
    satisfaction = await officer.json("GET", "/api/dashboard/satisfaction-provinces")
    assert [(r["province"], r["satisfaction"]) for r in satisfaction["rows"]] == [("เชียงใหม่", 66.7)]
    unanswered = await officer.json("GET", "/api/dashboard/unanswered")
    assert {p["province_code"] for g in unanswered["groups"] for p in g["provinces"]} == {CHIANG_MAI}


async def test_bad_filters_are_400(dashboard: Console) -> None:
    analyst = await dashboard.as_role("analyst")
    for query in ("from=2026-13-01", "to=yesterday", "channel=fax", "province=1", "bucket=week",
                  "service=DROP%20TABLE"):
        body = await analyst.json("GET", f"/api/dashboard/volume?{query}", expect=400)
        assert body["error"] == "invalid", query
    body = await analyst.json("GET", "/api/dashboard/volume?from=2026-12-03&to=2026-12-01", expect=400)
    assert body["fields"] == {"from": "วันแรก (from) ต้องไม่หลังวันสุดท้าย (to)"}


# Unanswered questions and "make this an FAQ".

async def groups_of(session: Session, query: str = "") -> dict[str, dict[str, Any]]:
    body = await session.json("GET", f"/api/dashboard/unanswered{query}")
    return {g["examples"][0]: g for g in body["groups"]}


async def test_unanswered_groups_with_owner_and_trend(dashboard: Console) -> None:
    analyst = await dashboard.as_role("analyst")
    groups = await groups_of(analyst)
    alcohol, land = groups[ALCOHOL_FIRST], groups[LAND_FIRST]
    assert (alcohol["size"], alcohol["owner"], alcohol["can_draft"]) == (3, "เชียงใหม่", False)
    assert (land["size"], land["owner"], land["can_draft"]) == (3, "ส่วนกลาง (ระดับประเทศ)", False)
    assert alcohol["trend"] == [{"week": "2026-11-30", "turns": 3}]
    editor = await dashboard.as_role("content_editor")
    by_editor = await groups_of(editor)
    assert (by_editor[ALCOHOL_FIRST]["can_draft"], by_editor[LAND_FIRST]["can_draft"]) == (False, True)


async def test_province_officer_makes_an_faq_for_the_province(dashboard: Console) -> None:
    officer = await dashboard.as_role("province_officer")
    group = (await groups_of(officer))[ALCOHOL_FIRST]
    assert group["can_draft"] is True
    path = f"/api/dashboard/unanswered/{group['id']}/faq-draft"
    assert (await officer.request("POST", path, csrf=False)).status == 403
    draft = await officer.json("POST", path, expect=201)
    assert draft["kind"] == "faq"
    assert draft["key"] == f"unanswered_{group['id']}@{CHIANG_MAI}"
    assert draft["province_code"] == CHIANG_MAI
    assert draft["created_by"] == "cm.officer"
    assert draft["data"]["title"] == ALCOHOL_FIRST
    assert sorted(draft["data"]["question_variants"]) == sorted(group["examples"])
    # It is in the console's drafts, for the officer to write the answer.
    listed = await officer.json("GET", "/api/drafts?kind=faq")
    assert draft["id"] in [d["id"] for d in listed["items"]]
    await officer.json("POST", path, expect=409)


async def test_content_team_drafts_national_groups_only(dashboard: Console) -> None:
    editor = await dashboard.as_role("content_editor")
    groups = await groups_of(editor)
    national = groups[LAND_FIRST]
    draft = await editor.json(
        "POST", f"/api/dashboard/unanswered/{national['id']}/faq-draft", expect=201,
        json={"title": "ค่าธรรมเนียมการโอนที่ดิน"},
    )
    assert (draft["province_code"], draft["data"]["title"]) == (None, "ค่าธรรมเนียมการโอนที่ดิน")
    provincial = groups[ALCOHOL_FIRST]
    await editor.json("POST", f"/api/dashboard/unanswered/{provincial['id']}/faq-draft", expect=403)


async def test_who_may_not_draft(dashboard: Console) -> None:
    analyst = await dashboard.as_role("analyst")
    group = (await groups_of(analyst))[ALCOHOL_FIRST]
    path = f"/api/dashboard/unanswered/{group['id']}/faq-draft"
    await analyst.json("POST", path, expect=403)
    await (await dashboard.as_role("district_officer")).json("POST", path, expect=403)
    # Bangkok's officer cannot even see the Chiang Mai group.
    bangkok = await dashboard.login("bkk.officer")
    await bangkok.json("POST", path, expect=404)
    await bangkok.json("POST", f"{path}?province={CHIANG_MAI}", expect=403)
    admin = await dashboard.as_role("admin")
    await admin.json("POST", "/api/dashboard/unanswered/000000000000/faq-draft", expect=404)
    await admin.json("POST", path, expect=400, json={"answer": ""})
