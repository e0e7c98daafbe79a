"""Services with their agency (for the hotline)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.errors import NotFoundError
from app.kb.models import Service


async def get_service(session: AsyncSession, code: str) -> Service:
    """The published service ``code`` with its agency loaded.

    Raises:
        NotFoundError: no published service has that code.
    """
    service = await session.scalar(
        select(Service)
        .options(joinedload(Service.agency))
        .where(Service.code == code)
    )
    if service is None:
        raise NotFoundError(f"service {code!r} not found")
    return service


async def list_services(session: AsyncSession) -> list[Service]:
    """Every published service, by category then code, agencies loaded."""
    result = await session.scalars(
        select(Service)
        .options(joinedload(Service.agency))
        .order_by(Service.category, Service.code)
    )
    return list(result)
