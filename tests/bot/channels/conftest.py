from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from line_fakes import FakeLineApi, LineHarness, StubAgent, start_sanic, test_settings

from bot.channels.line import LineInput


@pytest.fixture
async def line_api() -> AsyncIterator[FakeLineApi]:
    api = FakeLineApi()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def make_line(
    line_api: FakeLineApi,
) -> AsyncIterator[Callable[..., Any]]:
    """Start a Sanic app serving a LINE channel: ``await make_line(**settings)``.

    The agent is a :class:`StubAgent` unless a real Rasa agent is passed.
    """
    started: list[tuple[Any, LineHarness]] = []

    async def make(
        turn_timeout_seconds: float = 5.0, agent: Any = None, ledger: Any = None,
        **overrides: Any,
    ) -> LineHarness:
        channel = LineInput(test_settings(line_api.url, **overrides), turn_timeout_seconds,
                            ledger)
        agent = agent if agent is not None else StubAgent()
        server, url = await start_sanic(channel, agent)
        harness = LineHarness(channel, agent, line_api, url, aiohttp.ClientSession())
        started.append((server, harness))
        return harness

    yield make
    for server, harness in started:
        await harness.session.close()
        # Runs the blueprint's before_server_stop listener: drain, close the session.
        await server.before_stop()
        server.close()
        await server.wait_closed()


@pytest.fixture
async def line(make_line: Callable[..., Any]) -> LineHarness:
    return await make_line()
