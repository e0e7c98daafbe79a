"""The web chat server: routes, security headers, CSP and error answers."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from app.errors import ConfigError
from app.webchat import create_app
from app.webchat.security import socket_endpoint
from tests.app.webchat.support import WEB_DIST, web_settings

Client = Callable[..., Awaitable[TestClient[Any, Any]]]

pytestmark = pytest.mark.usefixtures("built_page")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self'; "
    "connect-src 'self' http://127.0.0.1:5005 ws://127.0.0.1:5005; manifest-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'; object-src 'none'"
)


async def test_page_is_thai_and_served_with_security_headers(aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(web_settings()))
    reply = await client.get("/")
    assert reply.status == 200
    assert reply.content_type == "text/html"
    page = await reply.text()
    assert '<html lang="th">' in page
    assert "<title>ผู้ช่วยตอบคำถามงานบริการประชาชน</title>" in page
    assert 'role="log" aria-live="polite"' in page
    assert reply.headers["Content-Security-Policy"] == CSP
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert reply.headers["Permissions-Policy"].startswith("geolocation=(self), camera=()")
    assert reply.headers["Cache-Control"] == "no-cache"
    assert "Strict-Transport-Security" not in reply.headers  # only behind TLS in production


async def test_page_loads_only_its_own_assets(aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(web_settings()))
    page = await (await client.get("/")).text()
    assets = re.findall(r'(?:src|href)="([^"#][^"]*)"', page)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets)
    for url in assets:
        reply = await client.get(url)
        assert reply.status == 200, url
        assert reply.headers["Content-Security-Policy"] == CSP
        if url.startswith("/assets/"):
            assert reply.headers["Cache-Control"] == "public, max-age=31536000, immutable"


async def test_thai_font_ships_with_the_page(aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(web_settings()))
    page = await (await client.get("/")).text()
    [css] = re.findall(r'href="(/assets/[^"]+\.css)"', page)
    stylesheet = await (await client.get(css)).text()
    thai_face = re.search(r"@font-face\{[^}]*U\+0E01-0E5B[^}]*\}", stylesheet)
    assert thai_face, "no Sarabun face covering the Thai block"
    assert "font-family:Sarabun" in thai_face.group(0).replace('"', "").replace("'", "")
    [woff2] = re.findall(r"url\((/assets/sarabun-thai-400-normal[^)]+\.woff2)\)", stylesheet)
    font = await client.get(woff2)
    assert font.status == 200
    assert (await font.read())[:4] == b"wOF2"
    assert not re.search(r"url\((?:https?:)?//", stylesheet)  # nothing from a CDN


async def test_config_tells_the_widget_where_rasa_is(aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(web_settings("https://chat.example.go.th/rasa/")))
    reply = await client.get("/api/config")
    assert reply.status == 200
    assert await reply.json() == {
        "socket_url": "https://chat.example.go.th",
        "socket_path": "/rasa/socket.io",
    }
    assert "connect-src 'self' https://chat.example.go.th wss://chat.example.go.th;" in (
        reply.headers["Content-Security-Policy"]
    )


async def test_browsers_get_the_public_rasa_url_and_the_server_keeps_its_own(
    aiohttp_client: Client,
) -> None:
    settings = web_settings("http://127.0.0.1:1", RASA_PUBLIC_URL="https://chat.example.go.th/rasa")
    client = await aiohttp_client(create_app(settings))
    reply = await client.get("/api/config")
    assert await reply.json() == {"socket_url": "https://chat.example.go.th",
                                  "socket_path": "/rasa/socket.io"}
    assert "connect-src 'self' https://chat.example.go.th wss://chat.example.go.th;" in (
        reply.headers["Content-Security-Policy"]
    )
    # The health check still asks Rasa where this server reaches it (nothing listens on port 1).
    assert await (await client.get("/api/health")).json() == {"status": "ok", "rasa": "down"}


async def test_named_sites_may_frame_the_page(aiohttp_client: Client) -> None:
    portal = "https://www.chiangmai.go.th,https://portal.example.go.th:8443"
    client = await aiohttp_client(create_app(web_settings(WEB_FRAME_ANCESTORS=portal)))
    reply = await client.get("/")
    assert ("frame-ancestors 'self' https://www.chiangmai.go.th https://portal.example.go.th:8443;"
            in reply.headers["Content-Security-Policy"])
    assert "X-Frame-Options" not in reply.headers  # it could only say SAMEORIGIN


@pytest.mark.parametrize("origin", [
    "https://*.go.th", "https://www.chiangmai.go.th/", "https://www.chiangmai.go.th/chat",
    "javascript:alert(1)", "www.chiangmai.go.th", "*",
])
def test_frame_ancestors_must_be_exact_origins(origin: str) -> None:
    with pytest.raises(ConfigError, match="WEB_FRAME_ANCESTORS takes exact origins"):
        web_settings(WEB_FRAME_ANCESTORS=f"https://ok.go.th,{origin}")


async def test_production_adds_hsts(aiohttp_client: Client) -> None:
    settings = web_settings(APP_ENV="production", PSEUDONYM_KEY="k" * 32)
    client = await aiohttp_client(create_app(settings))
    reply = await client.get("/")
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


async def test_unknown_page_is_a_thai_404_page(aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(web_settings()))
    reply = await client.get("/no-such-page")
    assert reply.status == 404
    assert reply.content_type == "text/html"
    page = await reply.text()
    assert '<html lang="th">' in page
    assert "<h1>ไม่พบหน้าที่คุณต้องการค่ะ</h1>" in page
    assert '<a href="/">' in page
    assert reply.headers["Content-Security-Policy"] == CSP
    assert reply.headers["Cache-Control"] == "no-store"
    assert (await client.get("/error.css")).status == 200


async def test_missing_asset_is_a_404(aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(web_settings()))
    reply = await client.get("/assets/no-such-file.js")
    assert reply.status == 404
    assert "ไม่พบหน้าที่คุณต้องการค่ะ" in await reply.text()
    traversal = await client.get("/assets/..%2f..%2fpyproject.toml")
    assert traversal.status in {403, 404}


async def test_api_errors_are_json(aiohttp_client: Client) -> None:
    client = await aiohttp_client(create_app(web_settings()))
    reply = await client.get("/api/nothing-here")
    assert reply.status == 404
    assert await reply.json() == {"error": "not_found", "message": "no such API endpoint"}
    reply = await client.post("/api/config", data=b"{}")
    assert reply.status == 405
    assert await reply.json() == {"error": "method_not_allowed", "message": "method not allowed"}
    assert reply.headers["Allow"] == "GET,HEAD"


async def test_health_reports_whether_rasa_answers(aiohttp_client: Client) -> None:
    async def rasa_root(_: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")

    fake_rasa = web.Application()
    fake_rasa.router.add_get("/", rasa_root)
    async with TestServer(fake_rasa) as rasa:
        client = await aiohttp_client(create_app(web_settings(str(rasa.make_url("")))))
        assert await (await client.get("/api/health")).json() == {"status": "ok", "rasa": "up"}
    # The same port, now closed: the chat cannot answer.
    reply = await client.get("/api/health")
    assert reply.status == 200
    assert await reply.json() == {"status": "ok", "rasa": "down"}


def test_app_refuses_to_start_without_the_built_page(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="build the page with scripts/build_web.sh"):
        create_app(web_settings(), dist_dir=tmp_path)


@pytest.mark.parametrize("url", ["127.0.0.1:5005", "ftp://rasa", "http://"])
def test_rasa_url_must_be_http(url: str) -> None:
    with pytest.raises(ConfigError, match=r"RASA_URL \(and RASA_PUBLIC_URL\) must be http"):
        socket_endpoint(url)


def test_page_is_built_in_web_dist() -> None:
    assert (WEB_DIST / "index.html").is_file()
