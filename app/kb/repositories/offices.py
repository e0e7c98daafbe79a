"""Offices by area or by distance, always with their opening hours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from common.geo import bounding_box, haversine_km
from app.kb.models import Office, OfficeType
from app.kb.models.offices import (
    DAMRONGDHAMA_CENTER,
    DISTRICT_OFFICE_TYPES,
    PROVINCE_OFFICE_TYPES,
    PROVINCIAL_HALL,
)
from app.kb.repositories.geo import get_district, get_province

# nearest_offices widens the search box through these radii (km) until it
# holds enough offices, then searches everything.
SEARCH_RADII_KM = (15.0, 60.0, 240.0)

# Where an office type stands among equals: the citizen's own district
# office before the province-wide ones.
_TYPE_RANK: dict[str, int] = {
    **{t: 0 for t in DISTRICT_OFFICE_TYPES},
    PROVINCIAL_HALL: 1,
    DAMRONGDHAMA_CENTER: 2,
}
_OTHER_TYPE_RANK = 3


def _type_rank() -> ColumnElement[Any]:
    return case(_TYPE_RANK, value=Office.office_type, else_=_OTHER_TYPE_RANK)


def _published(office_types: Sequence[str] | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if office_types is not None:
        conditions.append(Office.office_type.in_(list(office_types)))
    return conditions


def _with_hours(query: Select[tuple[Office]]) -> Select[tuple[Office]]:
    return query.options(selectinload(Office.hours))


async def offices_in_area(
    session: AsyncSession,
    *,
    province_code: str | None = None,
    district_code: str | None = None,
    office_types: Sequence[str] | None = None,
    limit: int = 5,
) -> list[Office]:
    """Published offices serving a district or a province, hours loaded.

    With ``district_code`` (which implies its province): the district's own
    district office first, then other offices in that district, then the
    province's provincial hall and Damrongdhama centre. With only
    ``province_code``: provincial hall, Damrongdhama centre, then the district
    offices by district code (the capital district first).

    Raises:
        ValidationError: neither a province nor a district was given.
        NotFoundError: the province or district does not exist.
    """
    if district_code is not None:
        district = await get_district(session, district_code)
        area = or_(
            Office.district_code == district_code,
            and_(
                Office.province_code == district.province_code,
                Office.office_type.in_(PROVINCE_OFFICE_TYPES),
            ),
        )
        # Offices in the district come before province-wide ones elsewhere.
        order = [
            case((Office.district_code == district_code, 0), else_=1),
            _type_rank(),
            Office.code,
        ]
    elif province_code is not None:
        await get_province(session, province_code)
        area = Office.province_code == province_code
        order = [
            case(
                (Office.office_type == PROVINCIAL_HALL, 0),
                (Office.office_type == DAMRONGDHAMA_CENTER, 1),
                else_=2,
            ),
            Office.district_code,
            _type_rank(),
            Office.code,
        ]
    else:
        raise ValidationError("offices_in_area needs a province_code or a district_code")
    query = select(Office).where(area, *_published(office_types)).order_by(*order).limit(limit)
    return list(await session.scalars(_with_hours(query)))


async def nearest_offices(
    session: AsyncSession,
    latitude: float,
    longitude: float,
    *,
    office_types: Sequence[str] | None = None,
    limit: int = 3,
) -> list[tuple[Office, float]]:
    """The ``limit`` published offices nearest the point, with distances in km.

    Great-circle (haversine) distance to the office's recorded point, which
    for generated offices is an estimate (``location_is_approximate``). Only
    offices inside a bounding box are measured; the box widens until it holds
    ``limit`` offices within its radius, so the answer is exact.

    Raises:
        ValidationError: the point is not a valid latitude/longitude.
    """
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        raise ValidationError(f"not a valid location: {latitude}, {longitude}")
    if limit <= 0:
        return []
    conditions = [*_published(office_types), Office.latitude.is_not(None)]
    candidates: list[tuple[float, int, str, int]] = []
    for radius in (*SEARCH_RADII_KM, None):
        where = list(conditions)
        if radius is not None:
            box = bounding_box(latitude, longitude, radius)
            where += [
                Office.latitude.between(box.min_lat, box.max_lat),
                Office.longitude.between(box.min_lon, box.max_lon),
            ]
        rows = await session.execute(
            select(Office.id, Office.code, Office.latitude, Office.longitude, _type_rank()).where(
                *where
            )
        )
        candidates = []
        for office_id, code, lat, lon, rank in rows:
            distance = haversine_km(latitude, longitude, lat, lon)
            # Corners of the box lie beyond the radius, where a nearer office
            # outside the box could exist: only distances within it are certain.
            if radius is None or distance <= radius:
                candidates.append((distance, rank, code, office_id))
        if len(candidates) >= limit:
            break
    best = sorted(candidates)[:limit]
    if not best:
        return []
    ids = [office_id for *_, office_id in best]
    offices = await session.scalars(_with_hours(select(Office).where(Office.id.in_(ids))))
    by_id = {office.id: office for office in offices}
    return [(by_id[office_id], distance) for distance, _, _, office_id in best]


async def office_names(session: AsyncSession, codes: Sequence[str]) -> dict[str, str]:
    """Office code -> Thai name, for the codes that exist (a closure's office to go to)."""
    if not codes:
        return {}
    rows = await session.execute(select(Office.code, Office.name_th).where(Office.code.in_(codes)))
    return {code: name for code, name in rows.tuples()}


async def list_office_types(session: AsyncSession) -> list[OfficeType]:
    """Every published office type, by code."""
    result = await session.scalars(
        select(OfficeType).order_by(OfficeType.code)
    )
    return list(result)
