"""``python -m app.console``: serve the staff console on CONSOLE_HOST:CONSOLE_PORT."""
from __future__ import annotations

import logging

from aiohttp import web

from app.console.app import create_app
from app.settings import get_settings

# No client address in the access log: an IP address is personal data.
ACCESS_LOG_FORMAT = '"%r" %s %b %Tfs'


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s - %(message)s"
    )
    settings = get_settings()
    web.run_app(
        create_app(settings),
        host=settings.console_host,
        port=settings.console_port,
        access_log_format=ACCESS_LOG_FORMAT,
        print=None,
    )


if __name__ == "__main__":
    main()
