"""Guarantees of every knowledge action: a polite reply on any failure, no personal data echoed."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.base import KnowledgeAction
from actions.fallback import ActionHandleInform
from actions.faq import ActionAnswerFaq
from actions.feedback import ActionRecordFeedback
from actions.kb import KnowledgeBase, close_knowledge_base, process_knowledge_base
from actions.offices import ActionFindOffice
from actions.services import ActionAnswerService
from tests.actions.conftest import NOTHING_LISTENS, make_settings, sqlite_url
from tests.actions.support import FEEDBACK, TUESDAY_MORNING, fixed_clock, load_tracker, sent

UNAVAILABLE = sent(response="utter_service_unavailable")

# Every action that reads the knowledge base, with a scenario that makes it read.
SCENARIOS = [
    (ActionAnswerService, "ask_documents_id_card"),
    (ActionAnswerService, "ask_fee_no_service"),
    (ActionFindOffice, "share_location_chom_thong"),
    (ActionFindOffice, "find_office_phra_nakhon"),
    (ActionAnswerFaq, "faq_complaint_chiang_mai"),
    (ActionRecordFeedback, "feedback_yes_line"),
    (ActionHandleInform, "inform_service_pending_fee"),
]

def test_rasa_sdk_serves_every_domain_action_and_not_the_abstract_base(
    domain: dict[str, Any],
) -> None:
    executor = ActionExecutor()
    executor.register_package("actions")

    ours = {
        name
        for name, run in executor.actions.items()
        if type(run.__self__).__module__.startswith("actions.")
    }
    # Registering instantiates each class: an abstract base would have raised TypeError.
    assert ours == set(domain["actions"])


@pytest.fixture
async def hanging_server() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never answers (a stuck database)."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


@pytest.mark.parametrize(("action_class", "scenario"), SCENARIOS)
async def test_unreachable_database_gives_apology_and_hotline(
    action_class: type[KnowledgeAction],
    scenario: str,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    kb = KnowledgeBase(make_settings(KB_DATABASE_URL=NOTHING_LISTENS))
    try:
        action = action_class(kb, clock=fixed_clock(TUESDAY_MORNING))
        events = await action.run(dispatcher, load_tracker(scenario), domain)
    finally:
        await kb.close()

    assert dispatcher.messages == [UNAVAILABLE]
    assert events == []


async def test_a_stuck_database_times_out_into_the_apology(
    hanging_server: int,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    kb = KnowledgeBase(make_settings(
        KB_DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{hanging_server}/kb",
        KB_TIMEOUT_SECONDS="0.3",
    ))
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        events = await ActionAnswerService(kb).run(
            dispatcher, load_tracker("ask_documents_id_card"), domain
        )
    finally:
        await kb.close()

    assert 0.3 <= loop.time() - started < 2.0
    assert dispatcher.messages == [UNAVAILABLE]
    assert events == []


async def test_a_database_file_in_a_deleted_directory_gives_the_apology(
    tmp_path: Path,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    gone.rmdir()
    kb = KnowledgeBase(make_settings(KB_DATABASE_URL=sqlite_url(gone / "kb.sqlite3")))
    try:
        events = await ActionAnswerFaq(kb).run(
            dispatcher, load_tracker("faq_complaint_national"), domain
        )
    finally:
        await kb.close()

    assert dispatcher.messages == [UNAVAILABLE]
    assert events == []


async def test_personal_data_gets_the_notice_and_is_never_echoed(
    kb: KnowledgeBase, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    events = await ActionAnswerService(kb).run(
        dispatcher, load_tracker("ask_documents_with_personal_data"), domain
    )

    notice, answer, feedback = dispatcher.messages
    assert notice == sent(response="utter_personal_data_notice")
    assert answer["text"].splitlines()[0] == "เอกสารที่ต้องใช้สำหรับต่ออายุบัตรประจำตัวประชาชนค่ะ"
    assert feedback == sent(response=FEEDBACK)
    digits = re.sub(r"\D", "", json.dumps(dispatcher.messages, ensure_ascii=False))
    assert "1101700203451" not in digits
    assert "0812345678" not in digits
    assert events[0]["value"] == "id_card_renewal"


async def test_actions_made_by_rasa_sdk_share_the_process_adapter(
    kb_path: Path, kb: KnowledgeBase
) -> None:
    try:
        registered = ActionFindOffice()
        assert registered.kb is process_knowledge_base()
        assert registered.kb is ActionAnswerFaq().kb
        assert ActionFindOffice(kb).kb is kb
    finally:
        await close_knowledge_base()


async def test_a_bug_in_an_action_still_gets_the_apology(
    kb_path: Path, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    class Broken(ActionAnswerService):
        def name(self) -> str:
            return "action_test_broken"

        async def answer(self, dispatcher: CollectingDispatcher, *_: Any) -> list:
            dispatcher.utter_message(text="half an answer")
            raise KeyError("bug")

    events = await Broken().run(dispatcher, load_tracker("ask_documents_id_card"), domain)

    assert dispatcher.messages == [UNAVAILABLE]
    assert events == []
