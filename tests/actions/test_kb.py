"""The knowledge-base adapter: one engine, a short cache, errors as the actions expect them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from actions.kb import (
    CACHE_TTL_SECONDS,
    GENERATION_CHECK_SECONDS,
    KnowledgeBase,
    TTLCache,
    close_knowledge_base,
    process_knowledge_base,
)
from app.errors import ExternalServiceError, NotFoundError
from app.kb.db import Database
from app.kb.models import ContentKind, Service
from app.kb.repositories import editing
from app.settings import get_settings
from tests.actions.conftest import sqlite_url


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_cache_entries_expire_after_the_ttl() -> None:
    clock = FakeTime()
    cache = TTLCache(10.0, clock=clock)
    cache.put("k", "v")

    clock.now += 9.9
    assert cache.get("k") == (True, "v")
    clock.now += 0.1
    assert cache.get("k") == (False, None)


def test_a_full_cache_drops_expired_entries_first_then_the_oldest() -> None:
    clock = FakeTime()
    cache = TTLCache(10.0, max_entries=4, clock=clock)
    for key in "ab":
        cache.put(key, key)
    clock.now += 11
    for key in "cde":
        cache.put(key, key)
    assert len(cache) == 3  # a and b made room for e

    for key in "fg":
        cache.put(key, key)
    assert len(cache) == 3  # full of live entries: the oldest half (c, d) went
    assert [key for key in "cdefg" if cache.get(key)[0]] == ["e", "f", "g"]


def test_the_documented_ttl_is_ten_seconds() -> None:
    assert CACHE_TTL_SECONDS == 10.0


async def test_an_officer_edit_shows_once_the_ttl_has_passed(kb_path: Path) -> None:
    kb = KnowledgeBase(get_settings(), cache_ttl=0.2)
    try:
        before = await kb.service("passport")
        db = Database(sqlite_url(kb_path))
        async with db.session() as session:
            service = await session.scalar(select(Service).where(Service.code == "passport"))
            assert service is not None
            service.processing_time = "ภายใน 3 วันทำการ"
        await db.dispose()

        cached = await kb.service("passport")
        await asyncio.sleep(0.25)
        fresh = await kb.service("passport")
    finally:
        await kb.close()

    assert (before.processing_time, cached.processing_time) == (None, None)
    assert fresh.processing_time == "ภายใน 3 วันทำการ"


NEW_ANSWER = "ร้องเรียนได้ที่ศูนย์ดำรงธรรมทุกจังหวัด หรือโทร 1567 (ทดสอบการเผยแพร่)"


async def _publish(kb_path: Path, kind: ContentKind, data: dict[str, Any]) -> None:
    """Publish ``data`` as an officer would: a draft, then its publication."""
    db = Database(sqlite_url(kb_path))
    try:
        async with db.session() as session:
            editor = editing.Editor("console:test")
            draft = await editing.create_draft(session, kind, data, editor)
            await editing.publish(session, draft.id, editor, "ทดสอบการเผยแพร่")
    finally:
        await db.dispose()


async def _publish_faq_answer(kb_path: Path, answer: str) -> None:
    await _publish(kb_path, ContentKind.FAQ, {"key": "complaint_channels", "answer": answer})


async def test_a_publication_clears_the_cache_at_the_next_generation_check(
    kb_path: Path,
) -> None:
    clock = FakeTime()  # the TTL never runs out here: only the generation can refresh
    kb = KnowledgeBase(get_settings(), clock=clock)
    try:
        before = await kb.faq("complaint_channels")
        await _publish_faq_answer(kb_path, NEW_ANSWER)

        clock.now += GENERATION_CHECK_SECONDS / 2
        within_the_second = await kb.faq("complaint_channels")
        clock.now += GENERATION_CHECK_SECONDS / 2
        after = await kb.faq("complaint_channels")
        again = await kb.faq("complaint_channels")
    finally:
        await kb.close()

    assert before.answer != NEW_ANSWER
    assert within_the_second is before  # checked at most once a second
    assert after.answer == NEW_ANSWER
    assert again is after  # and cached again until the next publication


async def test_without_publication_the_cache_keeps_answering(kb_path: Path) -> None:
    clock = FakeTime()
    kb = KnowledgeBase(get_settings(), clock=clock)
    try:
        first = await kb.service("passport")
        clock.now += 5 * GENERATION_CHECK_SECONDS
        second = await kb.service("passport")
    finally:
        await kb.close()
    assert second is first


async def test_one_adapter_and_one_engine_per_process(kb_path: Path) -> None:
    kb = process_knowledge_base()
    try:
        await kb.service("passport")
        engine = kb._db().engine
        await kb.faq("complaint_channels")

        assert process_knowledge_base() is kb
        assert kb._db().engine is engine
    finally:
        await close_knowledge_base()


async def test_a_missing_record_is_not_found_not_an_outage(kb: KnowledgeBase) -> None:
    with pytest.raises(NotFoundError):
        await kb.service("no_such_service")


async def test_kb_session_turns_a_database_error_into_external_service_error(
    kb: KnowledgeBase,
) -> None:
    with pytest.raises(ExternalServiceError):
        async with kb.session() as session:
            await session.execute(text("SELECT * FROM no_such_table"))


# The service names' spelling index (actions/service_names.py) -------------------------

NEW_ALIAS = "เล่มเดินทางต่างประเทศ"  # long enough (>= 8) to be found misspelt


async def _publish_passport_aliases(kb_path: Path, aliases: list[str]) -> None:
    await _publish(kb_path, ContentKind.SERVICE, {"code": "passport", "aliases": aliases})


async def test_the_service_names_index_is_built_once_per_generation(kb_path: Path) -> None:
    clock = FakeTime()
    kb = KnowledgeBase(get_settings(), clock=clock)
    try:
        first = await kb.service_names()
        clock.now += 5 * GENERATION_CHECK_SECONDS  # checks find no publication
        again = await kb.service_names()
        clock.now += 2 * CACHE_TTL_SECONDS  # the TTL reloads the same names
        after_ttl = await kb.service_names()
    finally:
        await kb.close()
    assert again is first
    assert after_ttl is first


async def test_a_published_alias_is_in_the_index_from_the_next_generation_check(
    kb_path: Path,
) -> None:
    clock = FakeTime()  # the TTL never runs out here: only the generation can refresh
    kb = KnowledgeBase(get_settings(), clock=clock)
    misspelt = "ขอเล่มเดินทางต่างประเทษ"  # one character off the new alias
    try:
        before = await kb.service_names()
        await _publish_passport_aliases(kb_path, ["หนังสือเดินทาง", "พาสปอร์ต", NEW_ALIAS])
        clock.now += GENERATION_CHECK_SECONDS
        after = await kb.service_names()
    finally:
        await kb.close()
    assert after is not before
    assert (before.named_in(misspelt), after.named_in(misspelt)) == (None, "passport")
    assert after.named_in("ขอ" + NEW_ALIAS, misspelt=False) == "passport"
