"""Every published record of a kind, for exports (the file copy, the training data),
and the generation of published content, for readers' caches."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.kb.content import spec
from app.kb.models import ContentKind, Office, Revision
from app.kb.models.base import Editable


async def all_published(session: AsyncSession, kind: ContentKind) -> list[Editable]:
    """Every published record of ``kind``, in natural-key order (national first)."""
    content = spec(kind)
    columns = [getattr(content.model, name) for name in content.key_fields]
    query = select(content.model).order_by(
        *(c.is_not(None) if c.key == "province_code" else c for c in columns),
        *(c for c in columns if c.key == "province_code"),
    )
    if content.model is Office:
        query = query.options(selectinload(Office.hours))
    return list(await session.scalars(query))


async def content_generation(session: AsyncSession) -> tuple[int, int]:
    """A value that changes whenever content is published: (count, max id) of revisions.

    Every publication (the console's and the seed's) writes a revision in the
    same transaction as the record, and revisions are never deleted, so a
    reader's cache is fresh while this value stays the same. The count is
    there because ids are handed out before commit: on PostgreSQL a slower
    transaction may commit a lower id after a higher one, which moves the
    count but not the maximum. One index-only query, cheap enough to ask once
    a second.
    """
    count, highest = (
        await session.execute(select(func.count(Revision.id), func.max(Revision.id)))
    ).one()
    return int(count), int(highest or 0)
