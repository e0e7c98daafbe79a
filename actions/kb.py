"""The one adapter between the actions and the knowledge base.

Actions never open sessions or call repositories themselves: they call the
methods of the ``KnowledgeBase`` passed to them (``KnowledgeAction.kb``), which

* share one process-wide ``Database`` (engine and pool), created lazily from
  ``get_settings()`` on first use, never per request;
* bound every lookup by ``settings.kb_timeout_seconds`` and turn any database,
  network or timeout failure into ``ExternalServiceError`` (``NotFoundError``
  passes through), so actions only handle ``BotError``;
* keep read-mostly records (services, FAQs, geography, office types, offices
  by area, holidays) in a small in-process cache.

The cache is emptied as soon as anything is published. Every publication
writes a revision in the same transaction (the console's and the seed's
alike), so at most once every ``GENERATION_CHECK_SECONDS`` a lookup asks the
database for the content generation (count and highest id of the revisions,
one cheap query) and clears the cache when it moved. Every action-server
replica does the same on its own, so an officer's edit reaches citizens on
all of them within about a second, with no message between processes and no
restart. Entries still expire after ``CACHE_TTL_SECONDS`` (10 s): a backstop
for changes made outside publication (geography reseeded without revisions,
a hand edit in the database). A hot answer costs a dictionary lookup plus, at
most once a second, the generation query. Misses (``NotFoundError``) and
nearest-office searches (keyed by arbitrary coordinates) are not cached.
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

from actions.service_names import ServiceNames, compact_names
from app.errors import BotError, ExternalServiceError
from app.kb.db import Database, create_database
from app.kb.models import District, Faq, Office, OfficeType, Province, Service, ServiceNote
from app.kb.repositories import (
    faqs,
    feedback,
    geo,
    holidays,
    offices,
    published,
    service_notes,
    services,
)
from app.settings import Settings, get_settings

logger = logging.getLogger(__name__)

CACHE_TTL_SECONDS = 10.0
# How often a lookup may ask whether anything was published since.
GENERATION_CHECK_SECONDS = 1.0
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

    def __init__(
        self,
        settings: Settings,
        *,
        cache_ttl: float = CACHE_TTL_SECONDS,
        generation_check: float = GENERATION_CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.cache = TTLCache(cache_ttl, clock=clock)
        self._database: Database | None = None
        self._generation_check = generation_check
        self._clock = clock
        # The content generation the cached entries belong to; None: not known yet.
        self._generation: tuple[int, int] | None = None
        self._checked_at = -float("inf")
        # The service names' spelling index and the service list it was read from.
        self._service_names: tuple[list[Service], ServiceNames] | None = None

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
        self._generation = None
        self._checked_at = -float("inf")
        self._service_names = None

    async def _cached(self, key: Hashable, load: Callable[[AsyncSession], Awaitable[T]]) -> T:
        await self._check_generation()
        found, value = self.cache.get(key)
        if found:
            return value  # type: ignore[no-any-return]
        generation = self._generation
        async with self.session() as session:
            value = await load(session)
        # A concurrent check may have seen a publication this load started
        # before: storing the value would keep the old record until the TTL.
        if self._generation == generation:
            self.cache.put(key, value)
        return value

    async def _check_generation(self) -> None:
        """Clear the cache if content was published since the last check (at most once
        every ``generation_check`` seconds; concurrent lookups do not wait for it)."""
        now = self._clock()
        if now - self._checked_at < self._generation_check:
            return
        self._checked_at = now  # before the query: one check at a time
        try:
            async with self.session() as session:
                generation = await published.content_generation(session)
        except BotError as exc:
            # The lookup itself will meet the outage, or the cache may answer: the TTL still holds.
            logger.debug("content generation unknown: %s", exc)
            return
        if generation != self._generation:
            self.cache.clear()
            self._generation = generation

    # Reads --------------------------------------------------------------------

    async def service(self, code: str) -> Service:
        return await self._cached(("service", code), lambda s: services.get_service(s, code))

    async def services(self) -> list[Service]:
        return await self._cached(("services",), services.list_services)

    async def service_names(self) -> ServiceNames:
        """Every service's names with their spelling index, rebuilt only when the names change.

        The cached service list is replaced when a publication moves the content
        generation (and by the TTL backstop); only then are its names compared,
        and the index is rebuilt only if they differ: a published alias is
        found from the next generation check on, an unchanged one costs nothing.
        """
        services = await self.services()
        built = self._service_names
        if built is not None and built[0] is services:
            return built[1]
        names = compact_names(services)
        if built is not None and built[1].names == names:
            index = built[1]  # the TTL replaced the list, the names are the same
        else:
            index = ServiceNames.build(names)
        self._service_names = (services, index)
        return index

    async def service_note(self, service_code: str, province_code: str) -> ServiceNote | None:
        """The province's published note on the service; None (cached too) when it has none."""
        return await self._cached(
            ("service_note", service_code, province_code),
            lambda s: service_notes.find_service_note(s, service_code, province_code),
        )

    async def faq(self, key: str, province_code: str | None = None) -> Faq:
        return await self._cached(
            ("faq", key, province_code), lambda s: faqs.get_faq(s, key, province_code)
        )

    async def province(self, code: str) -> Province:
        return await self._cached(("province", code), lambda s: geo.get_province(s, code))

    async def district(self, code: str) -> District:
        return await self._cached(("district", code), lambda s: geo.get_district(s, code))

    async def office_name(self, code: str) -> str | None:
        """The Thai name of office ``code`` (None: no such office)."""
        names = await self._cached(("office_name", code),
                                   lambda s: offices.office_names(s, [code]))
        return names.get(code)

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
