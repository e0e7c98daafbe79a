"""A model pulled from the model server loads beside the running one (rasa#3910).

With the real trained model: Rasa's own pull (``_pull_model_and_fingerprint``,
ETag and all) against a local HTTP server, the load in a worker thread while
the event loop keeps running, the swap, and a bad download that leaves the old
model serving.
"""
from __future__ import annotations

import asyncio
import hashlib
import shutil
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import rasa.core.agent
from aiohttp import web
from rasa.core.agent import Agent
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.utils.endpoints import EndpointConfig

from bot.server import model_pull, patches
from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"


def test_the_patch_is_applied_with_the_others() -> None:
    patches.apply()
    assert model_pull.applied()
    assert rasa.core.agent._update_model_from_server is model_pull._update_model_from_server
    assert model_pull.original() is not model_pull._update_model_from_server


class ModelFiles:
    """A minimal model server: the file at /model with its SHA-256 as ETag, 304 when unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.full_downloads = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        content = self.path.read_bytes()
        etag = f'"{hashlib.sha256(content).hexdigest()}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        self.full_downloads += 1
        return web.Response(body=content, headers={"ETag": etag, "filename": self.path.name})


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[ModelFiles, EndpointConfig]]:
    require_model(MODEL)
    patches.apply()
    path = tmp_path / "thai-assistant.tar.gz"
    shutil.copyfile(MODEL, path)
    files = ModelFiles(path)
    app = web.Application()
    app.router.add_get("/model", files.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield files, EndpointConfig(url=f"http://127.0.0.1:{port}/model")
    finally:
        await runner.cleanup()


async def _ticks_during(work: asyncio.Future[None] | asyncio.Task[None]) -> int:
    """How often a 50 ms ticker ran on this loop while ``work`` was running."""
    ticks = 0
    while not work.done():
        await asyncio.sleep(0.05)
        ticks += 1
    await work
    return ticks


@pytest.mark.model
async def test_a_pulled_model_loads_while_the_loop_keeps_running_then_swaps_in(
    served: tuple[ModelFiles, EndpointConfig],
) -> None:
    files, endpoint = served
    agent = Agent(tracker_store=InMemoryTrackerStore(None))
    assert agent.processor is None

    update = asyncio.ensure_future(rasa.core.agent._update_model_from_server(endpoint, agent))
    ticks = await _ticks_during(update)

    # Stock Rasa builds the processor on the loop: the ticker could not run at all.
    assert ticks >= 5
    assert agent.processor is not None
    fingerprint = f'"{hashlib.sha256(files.path.read_bytes()).hexdigest()}"'
    assert agent.fingerprint == fingerprint
    assert agent.tracker_store.domain is agent.domain is agent.processor.domain
    parsed = await agent.parse_message("ทำพาสปอร์ตต้องใช้เอกสารอะไรบ้างคะ")
    assert parsed["intent"]["name"] == "ask_documents"

    # Unchanged on the server: 304, nothing loaded again.
    processor = agent.processor
    await rasa.core.agent._update_model_from_server(endpoint, agent)
    assert agent.processor is processor and files.full_downloads == 1


@pytest.mark.model
async def test_a_model_that_fails_to_load_leaves_the_old_one_serving(
    served: tuple[ModelFiles, EndpointConfig],
) -> None:
    files, endpoint = served
    agent = Agent(tracker_store=InMemoryTrackerStore(None))
    await rasa.core.agent._update_model_from_server(endpoint, agent)
    processor, fingerprint = agent.processor, agent.fingerprint
    assert processor is not None

    files.path.write_bytes(b"not a model")  # a new ETag, an unreadable archive
    await rasa.core.agent._update_model_from_server(endpoint, agent)

    assert agent.processor is processor and agent.fingerprint == fingerprint
    assert (await agent.parse_message("สวัสดีค่ะ"))["intent"]["name"] == "greet"


async def test_the_loading_thread_gives_way_while_the_loop_is_behind() -> None:
    giving_way = model_pull.GivingWay(tick=0.01, late=0.02, pause=0.005)
    heartbeat = asyncio.ensure_future(giving_way.heartbeat())

    def step(value: int) -> int:
        return value + 1

    def busy_python(seconds: float) -> int:
        calls, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            calls = step(calls)  # a Python call: the profile hook sees it
        return calls

    loop = asyncio.get_running_loop()
    idle = await loop.run_in_executor(None, model_pull.GivingWay(late=3600).run, busy_python, 0.2)
    assert idle > 0
    loader = loop.run_in_executor(None, giving_way.run, busy_python, 0.3)
    await asyncio.sleep(0.05)
    time.sleep(0.1)  # the loop is busy: its heartbeat falls behind
    await loader
    giving_way.stop()
    await heartbeat
    assert giving_way.pauses > 0
    assert sys.getprofile() is None
