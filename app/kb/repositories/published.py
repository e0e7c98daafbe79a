"""Every published record of a kind, for exports (the file copy, the training data)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.kb.content import spec
from app.kb.models import ContentKind, Office
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
