"""``python -m app.webchat``: serve the web chat page on WEB_HOST:WEB_PORT."""
from __future__ import annotations

import logging

from aiohttp import web

from app.settings import get_settings
from app.webchat.app import create_app
from nlp.names import install_log_redaction

# No client address in the access log: an IP address is personal data.
ACCESS_LOG_FORMAT = '"%r" %s %b %Tfs'


def main() -> None:
    install_log_redaction()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s - %(message)s")
    settings = get_settings()
    web.run_app(
        create_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        access_log_format=ACCESS_LOG_FORMAT,
        print=None,
    )


if __name__ == "__main__":
    main()
