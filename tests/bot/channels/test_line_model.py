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


async def test_follow_gets_the_welcome_and_privacy_notice_from_rasa(
    make_line: Any, agent: Any
) -> None:
    line = await make_line(agent=agent, turn_timeout_seconds=60.0)
    follow = event("follow", follow={"isUnblocked": False})
    await line.send(follow)

    [reply] = line.api.to(REPLY_PATH)
    welcome = agent.domain.responses["utter_greet"][0]["text"]
    assert reply.body == {"replyToken": follow["replyToken"],
                          "messages": [{"type": "text", "text": welcome}]}
    assert "ข้อมูลส่วนบุคคล" in welcome
    tracker = await agent.tracker_store.retrieve(USER_A)
    assert tracker.latest_message.intent["name"] == "greet"
    # Rasa adds its own keys (assistant_id, model_id) to the metadata.
    assert tracker.latest_message.metadata["line"] == {
        "event_type": "follow", "source_type": "user"}
