"""Running a knowledge-base command against the database of the settings."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from app.errors import BotError
from app.kb.db import Database, create_database
from app.settings import get_settings


def run_with_database(action: Callable[[Database], Awaitable[None]], what: str) -> int:
    """Run ``action`` on the settings' database, closed afterwards; exit status 0 or 1.

    A ``BotError`` (bad data, a refused change) is printed as ``<what> failed: ...``.
    """

    async def main() -> None:
        db = create_database(get_settings())
        try:
            await action(db)
        finally:
            await db.dispose()

    try:
        asyncio.run(main())
    except BotError as exc:
        print(f"{what} failed: {exc}", file=sys.stderr)
        return 1
    return 0
