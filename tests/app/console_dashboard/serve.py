"""The console with the dashboard, for the browser test: the real app factory,
the dashboard's routes, and a given analytics store (what the coordinator's
wiring does from ANALYTICS_DATABASE_URL).

python tests/app/console_dashboard/serve.py --port P --kb URL --analytics URL
"""
from __future__ import annotations

import argparse

from aiohttp import web

from app.console.app import create_app
from app.console.dashboard import ANALYTICS
from app.kb.db import Database
from app.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--kb", required=True)
    parser.add_argument("--analytics", required=True)
    args = parser.parse_args()
    settings = load_settings({
        "APP_ENV": "test", "KB_DATABASE_URL": args.kb,
        "CONSOLE_SESSION_SECRET": "dashboard-browser-secret-" + "0" * 40,
        "CONSOLE_LOGIN_RATE": "1000", "CONSOLE_PUBLISH_INTERVAL_SECONDS": "0",
    })
    app = create_app(settings)
    app[ANALYTICS] = Database(args.analytics)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
