"""The one adapter between the actions and the knowledge base.

Actions never open sessions or call repositories themselves: they call the
methods of the ``KnowledgeBase`` passed to them (``KnowledgeAction.kb``), which

* share one process-wide ``Database`` (engine and pool), created lazily from
  ``get_settings()`` on first use, never per request;
* bound every lookup by ``settings.kb_timeout_seconds`` and turn any database,
  network or timeout failure into ``ExternalServiceError`` (``NotFoundError``
  passes through), so actions only handle ``BotError``;
* keep read-mostly records (services, FAQs, geography, office types, offices
  by area, holidays) in a small in-process cache for ``CACHE_TTL_SECONDS``.

Cache TTL: 10 seconds. A hot answer then costs a dictionary lookup instead of a
query, and an officer's edit in the console reaches citizens within 10 seconds
without any invalidation message between processes. Misses (``NotFoundError``)
and nearest-office searches (keyed by arbitrary coordinates) are not cached.
Cached records are detached ORM objects: read them, never modify them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import BotError, ExternalServiceError
from app.kb.db import Database, create_database
from app.kb.models import District, Faq, Office, OfficeType, Province, Service
from app.kb.repositories import faqs, feedback, geo, holidays, offices, services
from app.settings import Settings, get_settings

logger = logging.getLogger(__name__)

CACHE_TTL_SECONDS = 10.0
_CACHE_MAX_ENTRIES = 4096

T = TypeVar("T")


class TTLCache:
    """A dictionary whose entries expire ``ttl`` seconds after they were stored."""

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = _CACHE_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable) -> tuple[bool, Any]:
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires, value = entry
        if expires <= self._clock():
            del self._entries[key]
            return False, None
        return True, value

    def put(self, key: Hashable, value: Any) -> None:
        if len(self._entries) >= self._max_entries:
            self._evict()
        self._entries[key] = (self._clock() + self.ttl, value)

    def _evict(self) -> None:
        now = self._clock()
        self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
        # Still full of live entries: drop the oldest half (dicts keep insertion order).
        if len(self._entries) >= self._max_entries:
            keep = list(self._entries.items())[self._max_entries // 2 :]
            self._entries = dict(keep)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class KnowledgeBase:
    """Read (and, for feedback, write) the knowledge base on behalf of actions."""

    def __init__(self, settings: Settings, *, cache_ttl: float = CACHE_TTL_SECONDS) -> None:
        self.settings = settings
        self.cache = TTLCache(cache_ttl)
        self._database: Database | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session bounded by the KB timeout; failures become ``ExternalServiceError``."""
        try:
            async with asyncio.timeout(self.settings.kb_timeout_seconds):
                async with self._db().session() as session:
                    yield session
        except BotError:
            raise
        except TimeoutError as exc:
            raise ExternalServiceError(
                f"knowledge base did not answer within {self.settings.kb_timeout_seconds} s"
            ) from exc
        except (SQLAlchemyError, OSError) as exc:
            raise ExternalServiceError(f"knowledge base failed: {type(exc).__name__}") from exc

    def _db(self) -> Database:
        if self._database is None:
            try:
                self._database = create_database(self.settings)
            except (SQLAlchemyError, OSError, ImportError) as exc:
                # A malformed URL or a missing driver: the same apology as an outage.
                raise ExternalServiceError(
                    f"knowledge base unusable: {type(exc).__name__}"
                ) from exc
        return self._database

    async def close(self) -> None:
        """Dispose of the engine (its pooled connections belong to the running loop)."""
        if self._database is not None:
            await self._database.dispose()
            self._database = None
        self.cache.clear()

    async def _cached(self, key: Hashable, load: Callable[[AsyncSession], Awaitable[T]]) -> T:
        found, value = self.cache.get(key)
        if found:
            return value  # type: ignore[no-any-return]
        async with self.session() as session:
            value = await load(session)
        self.cache.put(key, value)
        return value

    # Reads --------------------------------------------------------------------

    async def service(self, code: str) -> Service:
        return await self._cached(("service", code), lambda s: services.get_service(s, code))

    async def services(self) -> list[Service]:
        return await self._cached(("services",), services.list_services)

    async def faq(self, key: str, province_code: str | None = None) -> Faq:
        return await self._cached(
            ("faq", key, province_code), lambda s: faqs.get_faq(s, key, province_code)
        )

    async def province(self, code: str) -> Province:
        return await self._cached(("province", code), lambda s: geo.get_province(s, code))

    async def district(self, code: str) -> District:
        return await self._cached(("district", code), lambda s: geo.get_district(s, code))

    async def office_type_names(self) -> dict[str, str]:
        """Office type code → Thai name."""
        return await self._cached(("office_types",), _office_type_names)

    async def offices_in_area(
        self,
        *,
        province_code: str | None = None,
        district_code: str | None = None,
        office_types: Sequence[str] | None = None,
        limit: int = 5,
    ) -> list[Office]:
        types = tuple(office_types) if office_types is not None else None
        return await self._cached(
            ("offices_in_area", province_code, district_code, types, limit),
            lambda s: offices.offices_in_area(
                s,
                province_code=province_code,
                district_code=district_code,
                office_types=types,
                limit=limit,
            ),
        )

    async def nearest_offices(
        self,
        latitude: float,
        longitude: float,
        *,
        office_types: Sequence[str] | None = None,
        limit: int = 3,
    ) -> list[tuple[Office, float]]:
        async with self.session() as session:
            return await offices.nearest_offices(
                session, latitude, longitude, office_types=office_types, limit=limit
            )

    async def holidays_between(
        self, start: date, end: date, *, province_code: str | None = None
    ) -> dict[date, str]:
        return await self._cached(
            ("holidays", start, end, province_code),
            lambda s: holidays.holidays_between(s, start, end, province_code=province_code),
        )

    # Writes -------------------------------------------------------------------

    async def record_feedback(
        self, *, conversation_id: str, helpful: bool, topic: str | None, channel: str | None
    ) -> None:
        """Store feedback under the HMAC pseudonym of ``conversation_id`` (never the raw ID)."""
        async with self.session() as session:
            await feedback.record_feedback(
                session,
                conversation_id=conversation_id,
                pseudonym_key=self.settings.pseudonym_key,
                helpful=helpful,
                topic=topic,
                channel=channel,
            )

    # Added for answers that need whole tables (issue 12: general answers, shared names).

    async def office_types(self) -> dict[str, OfficeType]:
        """Office type code → its record (standard hours, hours note, hotline)."""
        return await self._cached(("office_type_records",), _office_types)

    async def districts(self) -> list[District]:
        """Every district, by code (names shared by several provinces are looked up here)."""
        return await self._cached(("districts",), geo.list_districts)

    async def provinces(self) -> list[Province]:
        """Every province, by code."""
        return await self._cached(("provinces",), geo.list_provinces)


async def _office_type_names(session: AsyncSession) -> dict[str, str]:
    return {t.code: t.name_th for t in await offices.list_office_types(session)}


async def _office_types(session: AsyncSession) -> dict[str, OfficeType]:
    return {t.code: t for t in await offices.list_office_types(session)}


# The action server's one adapter (one engine and pool per process). rasa-sdk
# offers no start-up hook and instantiates actions without arguments, so
# ``KnowledgeAction`` falls back to it; nothing else may reach for it.
_knowledge_base: KnowledgeBase | None = None


def process_knowledge_base() -> KnowledgeBase:
    """The action server's adapter, created from ``get_settings()`` on first use."""
    global _knowledge_base
    if _knowledge_base is None:
        _knowledge_base = KnowledgeBase(get_settings())
    return _knowledge_base


async def close_knowledge_base() -> None:
    """Dispose of the process-wide adapter; the next call creates it afresh."""
    global _knowledge_base
    if _knowledge_base is not None:
        await _knowledge_base.close()
        _knowledge_base = None
