"""Signing in and out: cookie, expiry, CSRF, rate limit, lock-out, TOTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.console.auth import COOKIE_NAME
from tests.app.console.conftest import PASSWORD, Console, Session, totp_now


async def test_login_sets_a_signed_http_only_strict_expiring_cookie(console: Console) -> None:
    response = await console.client.post(
        "/api/session", json={"username": "cm.officer", "password": PASSWORD}
    )
    assert response.status == 200
    body = await response.json()
    assert body["user"] == {
        "username": "cm.officer", "role": "province_officer", "province_code": "50",
        "office_code": None, "display_role": "เจ้าหน้าที่จังหวัด",
    }
    header = response.headers["Set-Cookie"]
    assert header.startswith(f"{COOKIE_NAME}=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Max-Age=28800", "Path=/"):
        assert attribute in header
    session = Session(console.client, response.cookies[COOKIE_NAME].value, body["csrf_token"])
    again = await session.json("GET", "/api/session")
    assert again["csrf_token"] == body["csrf_token"]


async def test_a_tampered_cookie_is_not_signed_in(console: Console) -> None:
    session = await console.login("cm.officer")
    token, mac = session.cookie.split(".")
    forged = Session(console.client, token[:-1] + ("A" if token[-1] != "A" else "B") + "." + mac)
    body = await forged.json("GET", "/api/session", expect=401)
    assert body == {"error": "unauthorized", "message": "กรุณาเข้าสู่ระบบ"}


async def test_wrong_password_is_401_and_malformed_body_400(console: Console) -> None:
    anonymous = console.anonymous()
    body = await anonymous.json("POST", "/api/session", expect=401,
                                json={"username": "cm.officer", "password": "wrong password!"})
    assert body == {"error": "bad_credentials", "message": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"}
    body = await anonymous.json("POST", "/api/session", expect=401,
                                json={"username": "nobody", "password": "wrong password!"})
    assert body["error"] == "bad_credentials"
    body = await anonymous.json("POST", "/api/session", expect=400, json={"username": "x"})
    assert body["fields"] == {"password": "ต้องกรอก: password"}
    response = await anonymous.request("POST", "/api/session", data=b"{not json")
    assert response.status == 400
    assert (await response.json())["message"] == "เนื้อหาคำขอต้องเป็น JSON ที่ถูกต้อง"


async def test_session_expires(console: Console) -> None:
    session = await console.login("cm.officer")
    console.clock.advance(minutes=console.settings.console_session_minutes - 1)
    await session.json("GET", "/api/session")
    console.clock.advance(minutes=2)
    await session.json("GET", "/api/session", expect=401)


async def test_logout_needs_csrf_and_ends_the_session(console: Console) -> None:
    session = await console.login("cm.officer")
    response = await session.request("DELETE", "/api/session", csrf=False)
    assert response.status == 403
    assert (await response.json())["error"] == "csrf"
    response = await session.request("DELETE", "/api/session",
                                     headers={"X-CSRF-Token": "not-the-token"}, csrf=False)
    assert response.status == 403
    response = await session.request("DELETE", "/api/session")
    assert response.status == 204
    assert "Max-Age=0" in response.headers["Set-Cookie"] or "expires" in response.headers["Set-Cookie"].lower()
    await session.json("GET", "/api/session", expect=401)


async def test_every_state_changing_request_without_csrf_is_403(console: Console) -> None:
    session = await console.login("cm.officer")
    body = await session.json(
        "POST", "/api/drafts", expect=403, csrf=False,
        json={"kind": "faq", "key": "complaint_channels@50", "data": {"answer": "ใหม่"}},
    )
    assert body["message"] == "คำขอนี้ต้องมี X-CSRF-Token ที่ถูกต้อง กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"


async def test_repeated_failures_lock_the_account_with_429(console: Console) -> None:
    anonymous = console.anonymous()
    wrong = {"username": "cm.officer", "password": "wrong password!"}
    for _ in range(console.settings.console_max_failed_logins - 1):
        await anonymous.json("POST", "/api/session", expect=401, json=wrong)
    body = await anonymous.json("POST", "/api/session", expect=429, json=wrong)
    assert body["error"] == "too_many_attempts"
    # Locked: even the right password is refused until the lock-out ends.
    right = {"username": "cm.officer", "password": PASSWORD}
    body = await anonymous.json("POST", "/api/session", expect=429, json=right)
    assert body["message"] == (
        "บัญชีนี้ถูกล็อกชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง กรุณารอ 15 นาทีหรือติดต่อผู้ดูแลระบบ"
    )
    console.clock.advance(minutes=console.settings.console_lockout_minutes + 1)
    await anonymous.json("POST", "/api/session", json=right)


async def test_login_rate_limit_per_client(make_console: Callable[..., Any]) -> None:
    console = await make_console(CONSOLE_LOGIN_RATE="3")
    anonymous = console.anonymous()
    wrong = {"username": "nobody", "password": "wrong password!"}
    for _ in range(3):
        await anonymous.json("POST", "/api/session", expect=401, json=wrong)
    body = await anonymous.json("POST", "/api/session", expect=429, json=wrong)
    assert body == {"error": "too_many_attempts",
                    "message": "พยายามเข้าสู่ระบบหลายครั้งเกินไป กรุณารอหนึ่งนาทีแล้วลองใหม่"}


async def test_ministry_roles_need_totp(console: Console) -> None:
    anonymous = console.anonymous()
    for username in ("admin1", "editor1", "analyst1"):
        body = await anonymous.json("POST", "/api/session", expect=401,
                                    json={"username": username, "password": PASSWORD})
        assert body["error"] == "totp_required"
        body = await anonymous.json("POST", "/api/session", expect=401,
                                    json={"username": username, "password": PASSWORD,
                                          "totp": "000000"})
        assert body["error"] == "totp_required"
        await anonymous.json("POST", "/api/session", json={
            "username": username, "password": PASSWORD, "totp": totp_now(console.clock)})
    # Wrong codes count as failures too: guessing codes ends in the lock-out.
    for _ in range(console.settings.console_max_failed_logins - 1):
        await anonymous.json("POST", "/api/session", expect=401, json={
            "username": "editor2", "password": PASSWORD, "totp": "000000"})
    await anonymous.json("POST", "/api/session", expect=429, json={
        "username": "editor2", "password": PASSWORD, "totp": "000000"})


async def test_officers_sign_in_without_totp(console: Console) -> None:
    session = await console.login("cm.district")
    assert session.user["office_code"] == "district_office:5001"
    assert session.user["province_code"] == "50"
    assert session.user["display_role"] == "เจ้าหน้าที่อำเภอ"
