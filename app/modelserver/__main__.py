"""``python -m app.modelserver``: serve the published model on MODEL_SERVER_HOST:MODEL_SERVER_PORT.

``python -m app.modelserver publish PATH``: make a trained model the current one
(what the retraining job does after its evaluation; also the first model of a
new deployment). ``--initial PATH`` when serving: publish PATH only if nothing
was published yet, so a restart never replaces a model retrained since.
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from aiohttp import web

from app.modelserver.app import create_app
from app.modelserver.store import ModelStore
from app.settings import get_settings

ACCESS_LOG_FORMAT = '"%r" %s %b %Tfs'


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s - %(message)s")
    parser = argparse.ArgumentParser(prog="python -m app.modelserver", description=__doc__)
    parser.add_argument("--initial", type=Path, help="publish this model if none is published yet")
    commands = parser.add_subparsers(dest="command")
    publish = commands.add_parser("publish", help="make a trained model the current one")
    publish.add_argument("model", type=Path)
    args = parser.parse_args(argv)
    settings = get_settings()
    store = ModelStore(Path(settings.model_store_dir))
    if args.command == "publish":
        model = store.publish(args.model)
        print(f"published {model.filename} as {model.fingerprint}")
        return
    if args.initial is not None and store.current_or_none() is None:
        store.publish(args.initial)
    web.run_app(
        create_app(store),
        host=settings.model_server_host,
        port=settings.model_server_port,
        access_log_format=ACCESS_LOG_FORMAT,
        print=None,
    )


if __name__ == "__main__":
    main()
