"""Idempotent upsert of seed records that never overwrites an officer's edit.

A record the seed owns has ``origin == Origin.SEED``. Only changed fields are
written, so a second seed with the same data issues no UPDATE and bumps no
version. A record an editor published is left alone and logged, and so is one
whose key vanished from the data but that an editor published. Every change
the seed makes to an existing content record is stored as a ``Revision``
(origin ``seed``), so the history of a record is complete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.kb.content import spec_of
from app.kb.models import Base, Office, OpeningHours, Origin, Revision
from app.kb.models.base import utcnow
from app.kb.seed.sources import Record

logger = logging.getLogger(__name__)

SEED_REASON = "seed: data/kb"


@dataclass
class TableCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped_edited: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deleted} deleted, {len(self.skipped_edited)} kept (edited by an officer)"
        )


KeyFn = Callable[[Any], Hashable]


def _hours_key(rows: Iterable[Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (h[0], h[1], h[2]) if isinstance(h, tuple) else (h.weekday, h.opens, h.closes) for h in rows
    )


async def upsert(
    session: AsyncSession,
    model: type[Base],
    records: list[Record],
    key: KeyFn,
    *,
    prune: bool = False,
) -> TableCounts:
    """Make the table hold ``records`` (matched by ``key``), sparing officers' edits.

    Args:
        key: the natural key of a record or object (the same function for both,
            see ``attr_key``).
        prune: delete seed-owned rows whose key is no longer in ``records``;
            only for tables nothing else references.
    """
    counts = TableCounts()
    table = model.__tablename__
    content = spec_of(model)
    has_hours = model is Office
    query = select(model)
    if has_hours:
        query = query.options(selectinload(Office.hours))
    existing = {key(obj): obj for obj in await session.scalars(query)}
    for record in records:
        values = dict(record)
        hours = values.pop("hours", None)
        obj = existing.pop(key(record), None)
        if obj is None:
            obj = model(**values, origin=Origin.SEED)
            if has_hours:
                obj.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d, o, c in hours or []]
            session.add(obj)
            counts.inserted += 1
            continue
        if obj.origin != Origin.SEED:
            counts.skipped_edited.append(str(key(record)))
            logger.info("%s %s kept: published by %s", table, key(record), obj.updated_by)
            continue
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        new_hours = has_hours and hours is not None and _hours_key(obj.hours) != _hours_key(hours)
        before = content.to_data(obj) if content is not None and (changed or new_hours) else None
        for name in changed:
            setattr(obj, name, values[name])
        if new_hours:
            obj.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d, o, c in hours]
            # Hours live in their own table: touch the office so its version moves too.
            obj.updated_at = utcnow()
            changed.append("hours")
        if changed:
            counts.updated += 1
            if content is not None:
                session.add(_seed_revision(content, obj, before, content.to_data(obj)))
            logger.debug("%s %s updated: %s", table, key(record), ", ".join(changed))
        else:
            counts.unchanged += 1
    for stale_key, obj in existing.items():
        if not prune:
            logger.warning("%s %s is no longer in the seed data; left in place", table, stale_key)
        elif obj.origin == Origin.SEED:
            if content is not None:
                session.add(_seed_revision(content, obj, content.to_data(obj), None))
            await session.delete(obj)
            counts.deleted += 1
        else:
            logger.info(
                "%s %s not in the seed data but published by an editor: kept", table, stale_key
            )
    await session.flush()
    return counts


def _seed_revision(content: Any, obj: Any, before: Any, after: Any) -> Revision:
    return Revision(
        kind=content.kind.value,
        record_key=content.key(before or after),
        province_code=obj.province_code,
        before=before,
        after=after,
        origin=Origin.SEED.value,
        author=None,
        reason=SEED_REASON,
    )


def attr_key(*names: str) -> KeyFn:
    """A key function reading ``names`` from a dict record or a mapped object alike."""

    def key(item: Any) -> Hashable:
        if isinstance(item, dict):
            values = tuple(item[n] for n in names)
        else:
            values = tuple(getattr(item, n) for n in names)
        return values[0] if len(values) == 1 else values

    return key
