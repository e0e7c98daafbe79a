"""Security headers of every response, with a CSP that allows only this site
and the Rasa server's socket (HTTP long-polling and WebSocket), and lets only
this site and ``WEB_FRAME_ANCESTORS`` frame the page."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

from app.errors import ConfigError
from app.settings import Settings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ASSET_PREFIX = "/assets/"


@dataclass(frozen=True)
class SocketEndpoint:
    """Where the browser finds Rasa's socket.io channel."""

    scheme: str  # http | https
    host: str  # host[:port]
    path: str  # socket.io path, under any path prefix of RASA_URL

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def websocket_origin(self) -> str:
        return f"{'wss' if self.scheme == 'https' else 'ws'}://{self.host}"


def socket_endpoint(rasa_url: str) -> SocketEndpoint:
    """Split ``RASA_URL`` into the origin and socket.io path a browser uses.

    Raises:
        ConfigError: the URL is not an absolute http(s) URL.
    """
    parts = urlsplit(rasa_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"RASA_URL (and RASA_PUBLIC_URL) must be http(s) URLs, got {rasa_url!r}")
    # A path on the URL is a reverse-proxy prefix, not a socket.io namespace.
    prefix = parts.path.rstrip("/")
    return SocketEndpoint(scheme=parts.scheme, host=parts.netloc.lower(), path=f"{prefix}/socket.io")


def content_security_policy(endpoint: SocketEndpoint, frame_ancestors: tuple[str, ...] = ()) -> str:
    directives = {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "font-src": "'self'",
        "img-src": "'self'",
        "connect-src": f"'self' {endpoint.origin} {endpoint.websocket_origin}",
        "manifest-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(("'self'", *frame_ancestors)),
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(settings: Settings, endpoint: SocketEndpoint) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(endpoint, settings.web_frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # The page asks for the location only when the citizen presses the button.
        "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if not settings.web_frame_ancestors:
        # For browsers without CSP frame-ancestors. It cannot name other sites,
        # so it is left out when some may frame the page.
        headers["X-Frame-Options"] = "SAMEORIGIN"
    if settings.app_env == "production":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def headers_middleware(headers: dict[str, str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Middleware adding ``headers`` and a cache policy to every response."""

    @web.middleware
    async def add_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.update(headers)
        if "Cache-Control" not in response.headers:
            # Vite puts a content hash in every asset name: cache those forever.
            immutable = request.path.startswith(ASSET_PREFIX) and response.status == 200
            response.headers["Cache-Control"] = (
                "public, max-age=31536000, immutable" if immutable else "no-cache"
            )
        return response

    return add_headers
