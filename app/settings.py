"""Settings of the modern environment, read from the process environment.

Nothing else in the modern environment reads ``os.environ``. Secrets have no
defaults that could leak into a deployment: the development fallbacks below
are only used when ``APP_ENV`` is ``development`` (the embedded default).
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from app.errors import ConfigError
from common.paths import VAR

DEFAULT_HOTLINE = "1111"


def _sqlite_url(name: str) -> str:
    return f"sqlite+aiosqlite:///{VAR / name}"


@dataclass(frozen=True)
class Settings:
    """Every setting of the modern environment, with its environment variable."""

    app_env: str = "development"  # APP_ENV: development | production | test
    kb_database_url: str = field(default_factory=lambda: _sqlite_url("kb.sqlite3"))  # KB_DATABASE_URL
    timezone: str = "Asia/Bangkok"  # APP_TIMEZONE
    # KB_TIMEOUT_SECONDS: an action that cannot reach the knowledge base in time
    # apologises and gives a hotline instead of leaving the citizen waiting.
    kb_timeout_seconds: float = 2.0
    # PSEUDONYM_KEY: HMAC key that turns conversation IDs into pseudonyms for
    # feedback and analytics, so raw LINE user IDs are never stored.
    pseudonym_key: str = ""
    action_server_host: str = "127.0.0.1"  # ACTION_SERVER_HOST
    action_server_port: int = 5055  # ACTION_SERVER_PORT
    rasa_url: str = "http://127.0.0.1:5005"  # RASA_URL
    # RASA_PUBLIC_URL: where citizens' browsers reach Rasa (the site's reverse
    # proxy, say), when that is not RASA_URL; the web chat connects there.
    rasa_public_url: str = ""
    rasa_token: str = ""  # RASA_TOKEN: token of the Rasa HTTP API
    web_host: str = "127.0.0.1"  # WEB_HOST
    web_port: int = 8080  # WEB_PORT
    # WEB_ALLOWED_ORIGINS: exact origins, comma-separated (no patterns).
    web_allowed_origins: tuple[str, ...] = ("http://localhost:8080", "http://127.0.0.1:8080")
    # WEB_FRAME_ANCESTORS: exact origins (comma-separated) of the sites that may
    # show the web chat in an iframe, a provincial portal say; none by default.
    web_frame_ancestors: tuple[str, ...] = ()
    console_host: str = "127.0.0.1"  # CONSOLE_HOST: the staff console, on an internal network
    console_port: int = 8090  # CONSOLE_PORT
    # CONSOLE_SESSION_SECRET: HMAC key that signs the console's session cookie.
    console_session_secret: str = ""
    console_session_minutes: int = 480  # CONSOLE_SESSION_MINUTES: a sign-in lasts a working day
    # CONSOLE_COOKIE_SECURE: send the cookie over HTTPS only (on behind a TLS proxy).
    console_cookie_secure: bool = False
    console_max_failed_logins: int = 5  # CONSOLE_MAX_FAILED_LOGINS: then the account locks
    console_lockout_minutes: int = 15  # CONSOLE_LOCKOUT_MINUTES
    # CONSOLE_LOGIN_RATE: sign-in attempts per minute from one client address.
    console_login_rate: int = 10
    console_publish_interval_seconds: float = 15.0  # CONSOLE_PUBLISH_INTERVAL_SECONDS
    # The model server (app/modelserver): Rasa pulls the published model from
    # it (endpoints.production.yml, MODEL_SERVER_URL); the retraining job
    # publishes into its store directory.
    model_server_host: str = "127.0.0.1"  # MODEL_SERVER_HOST
    model_server_port: int = 8095  # MODEL_SERVER_PORT
    model_store_dir: str = str(VAR / "model-store")  # MODEL_STORE_DIR
    # Analytics (app/analytics, ANALYTICS_TABLES.md). ANALYTICS_DATABASE_URL:
    # its own database, never the knowledge base's.
    analytics_database_url: str = field(default_factory=lambda: _sqlite_url("analytics.sqlite3"))
    # ANALYTICS_INGEST_HOST/PORT: where the embedded default's ingest listens for
    # Rasa's events (bot/server/event_broker.py posts there); loopback only.
    analytics_ingest_host: str = "127.0.0.1"
    analytics_ingest_port: int = 5056
    # ANALYTICS_INGEST_TOKEN: when set, the ingest requires it as a bearer token.
    analytics_ingest_token: str = ""
    # ANALYTICS_AMQP_URL and RABBITMQ_EVENTS_QUEUE: the production worker's queue
    # (the queue endpoints.production.yml's pika broker publishes to).
    analytics_amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    analytics_queue: str = "rasa_events"
    # RABBITMQ_EXCHANGE: the fanout exchange Rasa's pika broker publishes to.
    analytics_exchange: str = "rasa-exchange"
    # ANALYTICS_RETENTION_DAYS: conversations older than this are deleted from
    # analytics, the tracker store and feedback by the worker's daily job.
    analytics_retention_days: int = 365
    # ANALYTICS_REBUILD_SUMMARIES=0: opening a store that lacks a summary table
    # creates it empty instead of filling it from the turns (571 s for 1M
    # turns, in the opener's start); run `python -m app.analytics rollups` then.
    analytics_rebuild_summaries: bool = True
    # TRACKER_DATABASE_URL: Rasa's tracker store, for backfill, retention, export
    # and delete (synchronous SQLAlchemy URL).
    tracker_database_url: str = field(default_factory=lambda: f"sqlite:///{VAR / 'tracker.sqlite3'}")

    @property
    def browser_rasa_url(self) -> str:
        """The Rasa URL the web chat gives to browsers."""
        return self.rasa_public_url or self.rasa_url

    @property
    def is_development(self) -> bool:
        return self.app_env in {"development", "test"}


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a number, got {raw!r}") from exc


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    return int(_float(env, key, default))


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    """1/true/yes/on or 0/false/no/off, any case; unset or empty is ``default``.

    Raises:
        ConfigError: any other value (a typo must not silently keep the default).
    """
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{key} must be 1/true/yes/on or 0/false/no/off, got {raw!r}")


def _origins(env: Mapping[str, str], key: str) -> tuple[str, ...] | None:
    """Exact ``scheme://host[:port]`` origins, comma-separated; None when unset.

    Raises:
        ConfigError: an entry has a path, a wildcard or a scheme other than http(s).
    """
    raw = env.get(key)
    if raw is None:
        return None
    origins = tuple(o.strip() for o in raw.split(",") if o.strip())
    for origin in origins:
        parts = urlsplit(origin)
        if (parts.scheme not in {"http", "https"} or not parts.hostname or "*" in origin
                or origin != f"{parts.scheme}://{parts.netloc}"):
            raise ConfigError(f"{key} takes exact origins such as https://www.example.go.th, got {origin!r}")
    return origins


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from an environment mapping (``os.environ`` by default).

    Raises:
        ConfigError: a value is malformed, or a secret is missing in production.
    """
    env = os.environ if env is None else env
    defaults = Settings()
    app_env = env.get("APP_ENV", defaults.app_env)
    if app_env not in {"development", "production", "test"}:
        raise ConfigError(f"APP_ENV must be development, production or test, got {app_env!r}")
    pseudonym_key = env.get("PSEUDONYM_KEY", "")
    if not pseudonym_key:
        if app_env == "production":
            raise ConfigError("PSEUDONYM_KEY must be set in production")
        # Development only: a fresh key per process is safe, merely not stable.
        pseudonym_key = secrets.token_hex(32)
    console_secret = env.get("CONSOLE_SESSION_SECRET", "")
    if not console_secret and app_env != "production":
        # Development only: sessions merely end when the console restarts. In
        # production the console refuses to start without one (create_app);
        # the other processes do not need it.
        console_secret = secrets.token_hex(32)
    origins = _origins(env, "WEB_ALLOWED_ORIGINS")
    frame_ancestors = _origins(env, "WEB_FRAME_ANCESTORS")
    return Settings(
        app_env=app_env,
        kb_database_url=env.get("KB_DATABASE_URL") or defaults.kb_database_url,
        timezone=env.get("APP_TIMEZONE") or defaults.timezone,
        kb_timeout_seconds=_float(env, "KB_TIMEOUT_SECONDS", defaults.kb_timeout_seconds),
        pseudonym_key=pseudonym_key,
        action_server_host=env.get("ACTION_SERVER_HOST") or defaults.action_server_host,
        action_server_port=_int(env, "ACTION_SERVER_PORT", defaults.action_server_port),
        rasa_url=env.get("RASA_URL") or defaults.rasa_url,
        rasa_public_url=env.get("RASA_PUBLIC_URL", ""),
        rasa_token=env.get("RASA_TOKEN", ""),
        web_host=env.get("WEB_HOST") or defaults.web_host,
        web_port=_int(env, "WEB_PORT", defaults.web_port),
        web_allowed_origins=origins or defaults.web_allowed_origins,
        web_frame_ancestors=frame_ancestors or defaults.web_frame_ancestors,
        console_host=env.get("CONSOLE_HOST") or defaults.console_host,
        console_port=_int(env, "CONSOLE_PORT", defaults.console_port),
        console_session_secret=console_secret,
        console_session_minutes=_int(
            env, "CONSOLE_SESSION_MINUTES", defaults.console_session_minutes
        ),
        console_cookie_secure=env.get("CONSOLE_COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
        console_max_failed_logins=_int(
            env, "CONSOLE_MAX_FAILED_LOGINS", defaults.console_max_failed_logins
        ),
        console_lockout_minutes=_int(
            env, "CONSOLE_LOCKOUT_MINUTES", defaults.console_lockout_minutes
        ),
        console_login_rate=_int(env, "CONSOLE_LOGIN_RATE", defaults.console_login_rate),
        console_publish_interval_seconds=_float(
            env, "CONSOLE_PUBLISH_INTERVAL_SECONDS", defaults.console_publish_interval_seconds
        ),
        model_server_host=env.get("MODEL_SERVER_HOST") or defaults.model_server_host,
        model_server_port=_int(env, "MODEL_SERVER_PORT", defaults.model_server_port),
        model_store_dir=env.get("MODEL_STORE_DIR") or defaults.model_store_dir,
        analytics_database_url=env.get("ANALYTICS_DATABASE_URL") or defaults.analytics_database_url,
        analytics_ingest_host=env.get("ANALYTICS_INGEST_HOST") or defaults.analytics_ingest_host,
        analytics_ingest_port=_int(env, "ANALYTICS_INGEST_PORT", defaults.analytics_ingest_port),
        analytics_ingest_token=env.get("ANALYTICS_INGEST_TOKEN", ""),
        analytics_amqp_url=env.get("ANALYTICS_AMQP_URL") or defaults.analytics_amqp_url,
        analytics_queue=env.get("RABBITMQ_EVENTS_QUEUE") or defaults.analytics_queue,
        analytics_exchange=env.get("RABBITMQ_EXCHANGE") or defaults.analytics_exchange,
        analytics_retention_days=_int(env, "ANALYTICS_RETENTION_DAYS", defaults.analytics_retention_days),
        analytics_rebuild_summaries=_bool(env, "ANALYTICS_REBUILD_SUMMARIES", defaults.analytics_rebuild_summaries),
        tracker_database_url=env.get("TRACKER_DATABASE_URL") or (
            f"sqlite:///{env['RASA_TRACKER_DB']}" if env.get("RASA_TRACKER_DB")
            else defaults.tracker_database_url),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return load_settings()
