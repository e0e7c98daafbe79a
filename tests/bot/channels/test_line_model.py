"""The LINE channel in front of the real trained assistant (no action server needed)."""
from __future__ import annotations

from typing import Any

import pytest
from line_fakes import USER_A, event

from bot.channels.line_api import REPLY_PATH
from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def agent() -> Any:
    from rasa.core.agent import Agent

    require_model(MODEL)
    return Agent.load(str(MODEL))


async def test_follow_reaches_rasa_as_a_greeting_and_without_action_server_gets_the_apology(
    make_line: Any, agent: Any
) -> None:
    # The greeting is action_greet (an English "hello" is answered in English),
    # so the welcome itself comes from the action server: tests/e2e/
    # test_line_webhook.py. Without one, the citizen still gets an answer.
    line = await make_line(agent=agent, turn_timeout_seconds=60.0)
    follow = event("follow", follow={"isUnblocked": False})
    await line.send(follow)

    [reply] = line.api.to(REPLY_PATH)
    apology = agent.domain.responses["utter_service_unavailable"][0]["text"]
    assert reply.body == {"replyToken": follow["replyToken"],
                          "messages": [{"type": "text", "text": apology}]}
    assert "1111" in apology
    tracker = await agent.tracker_store.retrieve(USER_A)
    assert tracker.latest_message.intent["name"] == "greet"
    # Rasa adds its own keys (assistant_id, model_id) to the metadata.
    assert tracker.latest_message.metadata["line"] == {
        "event_type": "follow", "source_type": "user"}
