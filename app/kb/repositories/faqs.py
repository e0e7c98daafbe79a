"""FAQs, where a province's own answer overrides the national one."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFoundError
from app.kb.models import Faq


async def get_faq(session: AsyncSession, key: str, province_code: str | None = None) -> Faq:
    """The published answer to FAQ ``key`` for a citizen in ``province_code``.

    The province's answer wins; otherwise the national one. Drafts live in
    their own table, so a province's draft never hides the national answer.

    Raises:
        NotFoundError: neither a provincial nor a national published answer exists.
    """
    scope = Faq.province_code.is_(None)
    if province_code is not None:
        scope = or_(scope, Faq.province_code == province_code)
    candidates = await session.scalars(
        select(Faq).where(Faq.key == key, scope)
    )
    # At most two rows (national and provincial): pick in Python, the same on every backend.
    best: Faq | None = None
    for faq in candidates:
        if best is None or faq.province_code is not None:
            best = faq
    if best is None:
        raise NotFoundError(f"faq {key!r} not found")
    return best
