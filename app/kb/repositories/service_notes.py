"""Province notes on services: what the assistant adds for a citizen of that province."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFoundError
from app.kb.models import ServiceNote


async def find_service_note(
    session: AsyncSession, service_code: str, province_code: str
) -> ServiceNote | None:
    """The published note of ``province_code`` on service ``service_code``, or None.

    None is the common case (most provinces have nothing to add), so it is a
    value, not an error: the reader's cache keeps it like any answer.
    """
    return await session.scalar(
        select(ServiceNote).where(
            ServiceNote.service_code == service_code, ServiceNote.province_code == province_code
        )
    )


async def get_service_note(
    session: AsyncSession, service_code: str, province_code: str
) -> ServiceNote:
    """Raises ``NotFoundError`` when the province has no published note on the service."""
    note = await find_service_note(session, service_code, province_code)
    if note is None:
        raise NotFoundError(f"no note of province {province_code} on service {service_code!r}")
    return note


async def list_service_notes(
    session: AsyncSession, *, province_code: str | None = None, service_code: str | None = None
) -> list[ServiceNote]:
    """Published notes, by service then province; narrowed to one province or service."""
    query = select(ServiceNote).order_by(ServiceNote.service_code, ServiceNote.province_code)
    if province_code is not None:
        query = query.where(ServiceNote.province_code == province_code)
    if service_code is not None:
        query = query.where(ServiceNote.service_code == service_code)
    return list(await session.scalars(query))
