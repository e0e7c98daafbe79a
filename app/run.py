"""``make run``: the assistant on the embedded default, stopped with Ctrl-C."""
from __future__ import annotations

import logging
import sys

from app.launcher import Stack, StackConfig
from app.settings import get_settings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()
    config = StackConfig(
        rasa_port=int(settings.rasa_url.rsplit(":", 1)[-1]),
        action_port=settings.action_server_port,
        web_port=settings.web_port,
        cors_origins=settings.web_allowed_origins,
    )
    if settings.rasa_token:
        config.rasa_token = settings.rasa_token
    stack = Stack(config)
    print("Starting the action server, the Rasa server and the web chat ...", flush=True)
    try:
        stack.start()
        print(
            f"\nReady.\n"
            f"  REST channel : {stack.rasa_url}/webhooks/rest/webhook\n"
            f"  Web chat     : http://localhost:{config.web_port}/\n"
            f"  LINE webhook : {stack.rasa_url}/webhooks/line/webhook\n"
            f"  HTTP API     : {stack.rasa_url} (token in RASA_TOKEN"
            f"{'' if settings.rasa_token else '; this run: ' + config.rasa_token})\n"
            f"Press Ctrl-C to stop.",
            flush=True,
        )
        return stack.wait()
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
