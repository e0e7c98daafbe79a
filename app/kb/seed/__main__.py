"""``python -m app.kb.seed``: migrate and seed the knowledge base of the settings."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from app.errors import BotError
from app.kb.db import create_database
from app.kb.seed import run_seed
from common.paths import GEO, KB_DATA
from app.settings import get_settings


async def _main(kb_dir: Path, geo_dir: Path) -> None:
    db = create_database(get_settings())
    try:
        report = await run_seed(db, kb_dir, geo_dir)
    finally:
        await db.dispose()
    for line in report.lines():
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.kb.seed", description=__doc__)
    parser.add_argument("--kb-dir", type=Path, default=KB_DATA, help="default: data/kb")
    parser.add_argument("--geo-dir", type=Path, default=GEO, help="default: data/geo")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every change")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        asyncio.run(_main(args.kb_dir, args.geo_dir))
    except BotError as exc:
        print(f"seed failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
