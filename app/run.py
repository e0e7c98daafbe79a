"""``make run``: the assistant on the embedded default, stopped with Ctrl-C or SIGTERM.

SIGTERM (systemd, Docker, CI) and SIGINT (Ctrl-C) stop every child before the
launcher exits; a port that is already taken is named with its holder, and
the launcher exits with :data:`EXIT_PORT_IN_USE` before starting anything.
"""
from __future__ import annotations

import logging
import signal
import sys
from types import FrameType

from app.launcher import STOP_SIGNALS, PortInUseError, Stack, StackConfig
from app.settings import get_settings
from nlp.names import install_log_redaction

EXIT_PORT_IN_USE = 2


class StopRequested(Exception):
    """A stop signal arrived."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _ignore_stop_signals() -> None:
    # A second Ctrl-C must not interrupt the stopping of the children.
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)


def _stop_requested(signum: int, _: FrameType | None) -> None:
    _ignore_stop_signals()
    raise StopRequested(signum)


def main() -> int:
    install_log_redaction()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, _stop_requested)
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
    except PortInUseError as error:
        print(error, file=sys.stderr, flush=True)
        return EXIT_PORT_IN_USE
    except StopRequested as stop:
        print(f"\n{stop} received: stopping ...", flush=True)
        return 0
    finally:
        _ignore_stop_signals()
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
