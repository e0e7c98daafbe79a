"""Provinces and districts by official code."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFoundError
from app.kb.models import District, Province

_Area = TypeVar("_Area", Province, District)


async def _get(session: AsyncSession, model: type[_Area], code: str) -> _Area:
    area = await session.get(model, code)
    if area is None:
        raise NotFoundError(f"{model.__tablename__[:-1]} {code!r} not found")
    return area


async def get_province(session: AsyncSession, code: str) -> Province:
    """The province with the official 2-digit ``code`` ("50" = เชียงใหม่).

    Raises:
        NotFoundError: no such province.
    """
    return await _get(session, Province, code)


async def get_district(session: AsyncSession, code: str) -> District:
    """The district with the official 4-digit ``code`` ("5001" = เมืองเชียงใหม่).

    Raises:
        NotFoundError: no such district.
    """
    return await _get(session, District, code)


async def list_districts(session: AsyncSession) -> list[District]:
    """Every district (amphoe and khet), by code: for names that several provinces share."""
    result = await session.scalars(select(District).order_by(District.code))
    return list(result)


async def list_provinces(session: AsyncSession) -> list[Province]:
    """Every province, by code."""
    result = await session.scalars(select(Province).order_by(Province.code))
    return list(result)
