"""The console app itself: pages, unknown routes, the OpenAPI document, accounts."""

from __future__ import annotations

import pytest

from app.console.app import create_app
from app.console.auth import verify_password
from app.errors import ConfigError
from app.kb.db import Database
from app.kb.repositories import accounts
from app.settings import load_settings
from tests.app.console.conftest import PASSWORD, Console


async def test_unknown_api_route_is_a_thai_json_404(console: Console) -> None:
    response = await console.client.get("/api/nothing-here")
    assert response.status == 404
    assert await response.json() == {"error": "not_found", "message": "ไม่พบข้อมูลที่ต้องการ"}
    response = await console.client.put("/api/offices")
    assert response.status == 405
    assert (await response.json())["error"] == "method_not_allowed"


async def test_pages_come_only_from_the_static_folder(console: Console) -> None:
    for path in ("/../app/settings.py", "/%2e%2e/app/settings.py", "/no-such-page.js"):
        response = await console.client.get(path)
        assert response.status == 404, path
    response = await console.client.get("/api/openapi.json")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_openapi_lists_roles_and_csrf(console: Console) -> None:
    document = await console.anonymous().json("GET", "/api/openapi.json")
    assert document["openapi"] == "3.1.0"
    publish = document["paths"]["/api/drafts/{id}/publish"]["post"]
    assert publish["x-roles"] == ["admin", "content_editor", "district_officer", "province_officer"]
    assert {"name": "X-CSRF-Token", "in": "header", "required": True,
            "schema": {"type": "string"}} in publish["parameters"]
    assert document["paths"]["/api/accounts"]["get"]["x-roles"] == ["admin"]


async def test_admin_creates_locks_and_unlocks_accounts(console: Console) -> None:
    admin = await console.login("admin1")
    created = await admin.json("POST", "/api/accounts", expect=201, json={
        "username": "new.editor", "password": "a long enough password", "role": "content_editor"})
    assert created["totp_uri"].startswith("otpauth://totp/")
    assert created["display_role"] == "บรรณาธิการเนื้อหาส่วนกลาง"
    body = await admin.json("POST", "/api/accounts", expect=400, json={
        "username": "x.officer", "password": "a long enough password", "role": "province_officer",
        "province_code": "99"})
    assert body["message"] == "ไม่พบจังหวัดรหัส 99 (province_code)"
    await admin.json("POST", "/api/accounts", expect=409, json={
        "username": "new.editor", "password": "a long enough password", "role": "analyst"})
    officer = await console.login("cm.officer")
    locked = await admin.json("PATCH", "/api/accounts/cm.officer", json={"locked": True})
    assert locked["locked"] is True
    await officer.json("GET", "/api/session", expect=401)  # signed out everywhere
    body = await console.anonymous().json("POST", "/api/session", expect=429, json={
        "username": "cm.officer", "password": PASSWORD})
    assert body["error"] == "too_many_attempts"
    await admin.json("PATCH", "/api/accounts/cm.officer", json={"locked": False,
                                                               "password": "a brand new password"})
    db = Database(console.url)
    try:
        async with db.session() as session:
            account = await accounts.get_account(session, "cm.officer")
    finally:
        await db.dispose()
    assert verify_password(account.password_hash, "a brand new password")
    await admin.json("PATCH", "/api/accounts/nobody", expect=404, json={"locked": False})
    listing = await admin.json("GET", "/api/accounts")
    assert "new.editor" in {a["username"] for a in listing["items"]}


def test_production_console_needs_its_session_secret_and_nothing_else_does() -> None:
    env = {"APP_ENV": "production", "PSEUDONYM_KEY": "k" * 32}
    settings = load_settings(env)  # the web chat, the actions and analytics start without it
    assert settings.console_session_secret == ""
    with pytest.raises(ConfigError, match="CONSOLE_SESSION_SECRET must be set in production"):
        create_app(settings)
    create_app(load_settings({**env, "CONSOLE_SESSION_SECRET": "s" * 32}))
