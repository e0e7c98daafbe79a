"""Seed the knowledge base: migrate, then upsert every seed file idempotently.

``python -m app.kb.seed [--kb-dir DIR] [--geo-dir DIR]`` (defaults:
``data/kb`` and ``data/geo``). One transaction: a malformed file leaves the
database as it was.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.kb import migrate
from app.kb.db import Database
from app.kb.models import (
    Agency,
    District,
    Faq,
    Office,
    OfficeType,
    Province,
    PublicHoliday,
    Service,
    ServiceNote,
)
from app.kb.seed.offices import generate_offices
from app.kb.seed.sources import check_references, load_geography, load_kb
from app.kb.seed.upsert import TableCounts, attr_key, upsert
from common.paths import GEO, KB_DATA

logger = logging.getLogger(__name__)


@dataclass
class SeedReport:
    tables: dict[str, TableCounts] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [f"{table}: {counts}" for table, counts in self.tables.items()] + [
            f"seeded in {self.seconds:.2f} s"
        ]


async def run_seed(db: Database, kb_dir: Path = KB_DATA, geo_dir: Path = GEO) -> SeedReport:
    """Migrate ``db`` to head and upsert geography, KB files and generated offices.

    Raises:
        ValidationError: a seed file is missing or malformed.
    """
    started = time.perf_counter()
    # Read everything first: a bad file fails before the database is touched.
    geography = load_geography(geo_dir)
    kb = load_kb(kb_dir)
    check_references(geography, kb)
    offices = generate_offices(geography, kb.office_types, kb.services)
    await migrate.upgrade(db.engine)
    report = SeedReport()
    code = attr_key("code")
    async with db.session() as session:
        steps = [
            (Province, geography.provinces, code, False),
            (District, geography.districts, code, False),
            (Agency, kb.agencies, code, False),
            (OfficeType, kb.office_types, code, False),
            (Service, kb.services, code, True),
            (Office, offices, code, True),
            (Faq, kb.faqs, attr_key("key", "province_code"), True),
            (PublicHoliday, kb.holidays, attr_key("date", "province_code"), True),
            (ServiceNote, kb.service_notes, attr_key("service_code", "province_code"), True),
        ]
        for model, records, key, prune in steps:
            report.tables[model.__tablename__] = await upsert(
                session, model, records, key, prune=prune
            )
    report.seconds = time.perf_counter() - started
    return report
