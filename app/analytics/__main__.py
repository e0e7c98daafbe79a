"""``python -m app.analytics <command>``: the analytics processes and the data-subject commands.

  ingest                      embedded default: HTTP ingest on ANALYTICS_INGEST_HOST:PORT (+ retention job)
  worker                      production: RabbitMQ queue -> ANALYTICS_DATABASE_URL (+ retention job)
  backfill                    load the tracker store's conversations once (no duplicates)
  rollups                     rebuild the dashboard's summary tables from the turns
  retention [--days N]        delete what is older than N days (ANALYTICS_RETENTION_DAYS) everywhere
  export  --conversation KEY | --citizen KEY | --sender ID     JSON of everything stored
  delete  --conversation KEY | --citizen KEY | --sender ID     from tracker store, analytics, feedback

KEY is a pseudonym as stored; --sender takes the raw sender (LINE user) ID and
hashes it with PSEUDONYM_KEY, which must then be the deployment's key.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Sequence

from aiohttp import web

from app.analytics import db, rollups
from app.analytics.backfill import backfill
from app.analytics.ingest import create_app
from app.analytics.retention import retention_job, stores
from app.analytics.rights import apply_retention, conversation_keys, delete_everywhere, export
from app.analytics.worker import run_worker
from app.settings import Settings, get_settings
from common.privacy import pseudonymise
from nlp import names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.analytics", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("ingest", help="embedded default: HTTP ingest into the analytics store")
    worker = commands.add_parser("worker", help="production: RabbitMQ into the analytics store")
    worker.add_argument("--batch-size", type=int, default=500)
    commands.add_parser("backfill", help="load the tracker store once")
    commands.add_parser("rollups", help="rebuild the dashboard's summary tables from the turns")
    retention = commands.add_parser("retention", help="delete what is older than N days, everywhere")
    retention.add_argument("--days", type=int, default=None)
    for name in ("export", "delete"):
        command = commands.add_parser(name, help=f"{name} one conversation or citizen")
        who = command.add_mutually_exclusive_group(required=True)
        who.add_argument("--conversation", metavar="KEY")
        who.add_argument("--citizen", metavar="KEY")
        who.add_argument("--sender", metavar="ID")
    return parser


async def _with_store(settings: Settings, args: argparse.Namespace) -> int:
    engine = db.create_engine(settings.analytics_database_url)
    # The rollups command rebuilds the summaries itself: not twice.
    await db.create_schema(engine, rebuild_summaries=settings.analytics_rebuild_summaries
                           and args.command != "rollups")
    sessions = db.sessionmaker(engine)
    try:
        if args.command == "worker":
            names.warm_up()
            async with contextlib.asynccontextmanager(retention_job(settings, lambda: sessions))():
                await run_worker(sessions, settings.analytics_amqp_url, settings.analytics_queue,
                                 exchange=settings.analytics_exchange, batch_size=args.batch_size)
            return 0
        if args.command == "rollups":
            async with sessions() as session, session.begin():
                print(json.dumps({"rollup_rows": await rollups.rebuild(session)}))
            return 0
        async with stores(settings, sessions) as opened:
            if args.command == "backfill":
                read, applied = await backfill(sessions, opened.tracker_engine, settings.pseudonym_key)
                print(json.dumps({"read": read, "applied": applied}))
            elif args.command == "retention":
                days = args.days if args.days is not None else settings.analytics_retention_days
                print(json.dumps(await apply_retention(opened, days)))
                return _report_unavailable(opened.unavailable)
            else:
                conversation = args.conversation
                if args.sender:
                    conversation = pseudonymise(args.sender, settings.pseudonym_key)
                keys = await conversation_keys(opened, conversation=conversation, citizen=args.citizen)
                if args.command == "export":
                    print(json.dumps(await export(opened, keys), ensure_ascii=False, indent=2))
                else:
                    print(json.dumps(await delete_everywhere(opened, keys)))
                return _report_unavailable(opened.unavailable)
        return 0
    finally:
        await engine.dispose()


def _report_unavailable(unavailable: list[str]) -> int:
    if unavailable:
        print("not reached: " + "; ".join(unavailable), file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    names.install_log_redaction()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s - %(message)s")
    args = _parser().parse_args(argv)
    settings = get_settings()
    if args.command == "retention" and args.days is not None and args.days < 1:
        print("--days must be at least 1", file=sys.stderr)
        return 2
    if args.command == "ingest":
        names.warm_up()
        web.run_app(create_app(settings), host=settings.analytics_ingest_host,
                    port=settings.analytics_ingest_port, print=None, access_log=None)
        return 0
    return asyncio.run(_with_store(settings, args))


if __name__ == "__main__":
    sys.exit(main())
