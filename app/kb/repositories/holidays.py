"""Public holidays for opening-hours answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.kb.models import PublicHoliday


async def holidays_between(
    session: AsyncSession, start: date, end: date, *, province_code: str | None = None
) -> dict[date, str]:
    """Published holidays from ``start`` to ``end`` inclusive, date → Thai name.

    National holidays always; with ``province_code``, that province's own
    holidays too (a governor's local holiday wins on the same date).
    """
    scope = PublicHoliday.province_code.is_(None)
    if province_code is not None:
        scope = or_(scope, PublicHoliday.province_code == province_code)
    rows = await session.execute(
        select(PublicHoliday.date, PublicHoliday.name_th, PublicHoliday.province_code)
        .where(
            PublicHoliday.date >= start,
            PublicHoliday.date <= end,
            scope,
        )
        # National rows first, so a provincial name on the same date overwrites it.
        .order_by(PublicHoliday.date, PublicHoliday.province_code.is_not(None))
    )
    return {day: name for day, name, _ in rows}
