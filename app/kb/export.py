"""Write the published knowledge base back to files in the format of ``data/kb``.

``python -m app.kb.export --out DIR`` writes ``agencies.yml``,
``office_types.yml``, ``services/<code>.yml``, ``faqs.yml``, ``holidays.yml``
and ``service_notes.yml`` (schema: ``data/kb/README.md``), so the ministry can keep a
versioned copy of what officers published; seeding an empty database from
that folder gives the same content back. Offices are not written: they are
generated from ``data/geo`` (an officer's edits to one are in its revisions).

The files are sorted and stable: an unchanged database writes the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from app.kb.content import spec
from app.kb.command import run_with_database
from app.kb.db import Database
from app.kb.models import ContentKind
from app.kb.repositories.published import all_published

Data = dict[str, Any]

HEADER = (
    "# Exported by `python -m app.kb.export` from the published knowledge base.\n"
    "# Schema: data/kb/README.md. Seeding an empty database from this folder\n"
    "# gives the same content back.\n"
)
SOURCE_FIELDS = ("source_agency", "source_title", "source_url", "checked_on")


def _source(data: Data) -> Data | None:
    source = {
        "agency": data["source_agency"],
        "title": data["source_title"],
        "url": data["source_url"],
        "checked_on": _date(data["checked_on"]),
    }
    return source if any(v is not None for v in source.values()) else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _scoped(data: Data, entry: Data) -> Data:
    """``entry`` with the province scope and source of ``data``."""
    if data.get("province_code") is not None:
        entry["province_code"] = data["province_code"]
    entry["source"] = _source(data)
    return entry


def agency_entry(data: Data) -> Data:
    entry = {k: data[k] for k in ("code", "name_th", "name_en", "hotline", "website")}
    return _scoped(data, entry)


def office_type_entry(data: Data) -> Data:
    entry = {
        k: data[k]
        for k in (
            "name_th",
            "name_en",
            "aliases",
            "description",
            "hours_note",
            "standard_hours",
            "closed_on_public_holidays",
            "has_office_records",
            "hotline",
        )
    }
    return _scoped(data, entry)


def service_entry(data: Data) -> Data:
    """Field order as in ``data/kb/README.md``."""
    online = None
    if data["online_name"] is not None or data["online_url"] is not None:
        online = {"name": data["online_name"], "url": data["online_url"]}
    entry = {
        "code": data["code"],
        "name_th": data["name_th"],
        "name_en": data["name_en"],
        "category": data["category"],
        "aliases": data["aliases"],
        "agency": data["agency_code"],
        "where_to_apply": {"office_types": data["office_types"], "note": data["where_note"]},
        **{
            k: data[k]
            for k in ("eligibility", "documents", "fees", "deadline", "penalty",
                      "processing_time", "steps", "legal_basis")
        },
        "online": online,
        "hotline": data["hotline"],
        "benefits": data.get("benefits"),
        "english_resources": data.get("english_resources"),
    }
    return _scoped(data, entry)


def faq_entries(faqs: Iterable[Data]) -> list[Data]:
    """National FAQs with their province overrides; a province-only FAQ stands alone.

    An override restates only what differs from the national record, as the
    seed fills in the rest from it.
    """
    national = {f["key"]: f for f in faqs if f["province_code"] is None}
    entries: dict[str, Data] = {}
    alone: list[Data] = []
    for faq in faqs:
        if faq["province_code"] is None:
            entries[faq["key"]] = _scoped(
                faq,
                {k: faq[k] for k in ("key", "title", "question_variants", "answer")},
            )
            continue
        parent = national.get(faq["key"])
        if parent is None:
            alone.append(_scoped(faq, {k: faq[k] for k in ("key", "title", "question_variants",
                                                            "answer")}))
            continue
        override: Data = {"province_code": faq["province_code"]}
        for name in ("title", "question_variants"):
            if faq[name] != parent[name] and faq[name]:
                override[name] = faq[name]
        override["answer"] = faq["answer"]
        if any(faq[k] != parent[k] for k in SOURCE_FIELDS):
            override["source"] = _source(faq)
        entries[faq["key"]].setdefault("overrides", []).append(override)
    return [*entries.values(), *alone]


def holiday_entry(data: Data) -> Data:
    entry = {"date": _date(data["date"]), "name_th": data["name_th"]}
    return _scoped(data, entry)


def service_note_entry(data: Data) -> Data:
    entry = {"service": data["service_code"], "note": data["note"]}
    return _scoped(data, entry)


def _dump(document: Any) -> str:
    return HEADER + yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )


async def published_data(session: AsyncSession, kind: ContentKind) -> list[Data]:
    """Every published record of one kind, as the plain data the files hold."""
    content = spec(kind)
    return [content.to_data(r) for r in await all_published(session, kind)]


async def render(session: AsyncSession) -> dict[Path, str]:
    """Each file of the export (relative path) and its text."""

    async def records(kind: ContentKind) -> list[Data]:
        return await published_data(session, kind)

    files = {
        Path("agencies.yml"): _dump(
            {"agencies": [agency_entry(d) for d in await records(ContentKind.AGENCY)]}
        ),
        Path("office_types.yml"): _dump(
            {d["code"]: office_type_entry(d) for d in await records(ContentKind.OFFICE_TYPE)}
        ),
        Path("faqs.yml"): _dump({"faqs": faq_entries(await records(ContentKind.FAQ))}),
        Path("holidays.yml"): _dump(
            {"holidays": [holiday_entry(d) for d in await records(ContentKind.HOLIDAY)]}
        ),
        Path("service_notes.yml"): _dump(
            {"service_notes": [service_note_entry(d)
                               for d in await records(ContentKind.SERVICE_NOTE)]}
        ),
    }
    for data in await records(ContentKind.SERVICE):
        files[Path("services") / f"{data['code']}.yml"] = _dump(service_entry(data))
    return files


async def export(db: Database, out: Path) -> list[Path]:
    """Write the export under ``out``; service files no longer published are removed."""
    async with db.session() as session:
        files = await render(session)
    (out / "services").mkdir(parents=True, exist_ok=True)
    for stale in (out / "services").glob("*.yml"):
        if stale.relative_to(out) not in files:
            stale.unlink()
    written = []
    for relative, text in sorted(files.items()):
        write_if_changed(out / relative, text)
        written.append(out / relative)
    return written


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it: an unchanged file keeps
    its timestamp, and the model's fingerprint its value."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.kb.export", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder to write (created)")
    args = parser.parse_args(argv)

    async def action(db: Database) -> None:
        written = await export(db, args.out)
        print(f"wrote {len(written)} files under {args.out}")

    return run_with_database(action, "export")


if __name__ == "__main__":
    sys.exit(main())
