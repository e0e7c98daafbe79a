"""A pulled model is loaded beside the running one and swapped in at once.

Rasa 3.6.21 pulls a new model from the model server (``models:`` in the
endpoints file) in a job on its event loop, and then loads it there:
``rasa.core.agent._update_model_from_server`` calls ``Agent.load_model``,
which unpacks the archive and builds every graph component (DIET, the
response selector, TensorFlow graphs) synchronously. On two cores that is
tens of seconds during which the server answers nothing: every request waits
and a channel with a timeout gives up (RasaHQ/rasa#3910).

Here the download is Rasa's own (``_pull_model_and_fingerprint``, with the
ETag), but the new ``MessageProcessor`` is built in a worker thread, with the
same stores, action endpoint and NLG the agent's own ``load_model`` passes;
meanwhile the loop keeps answering with the old processor, and the loading
thread gives way whenever the loop has work (``GivingWay``). The swap itself
is a few attribute assignments on the loop, between two turns: a turn in
flight finishes on the processor it started with, the next one gets the new
model. What ``Agent.load_model`` updates besides the processor (domain,
fingerprint, the tracker store's domain, the templated NLG's responses) is
updated the same way. A model that fails to load leaves the old one serving,
as in Rasa.

Only one load at a time: Rasa's scheduler does not start the pulling job
again while it runs (``max_instances`` 1), and the first pull at start-up
finishes before the server serves.

Applied by bot/server/patches.py.
"""
from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import rasa.core.agent
from rasa.core.agent import Agent
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.nlu.utils import is_url
from rasa.utils.common import TempDirectoryPath, get_temp_dir_name
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

_original_update = rasa.core.agent._update_model_from_server
T = TypeVar("T")


def build_processor(agent: Agent, model_directory: str | Path) -> MessageProcessor:
    """The processor ``Agent.load_model`` would build (runs in a worker thread)."""
    return MessageProcessor(
        model_path=model_directory,
        tracker_store=agent.tracker_store,
        lock_store=agent.lock_store,
        action_endpoint=agent.action_endpoint,
        generator=agent.nlg,
        http_interpreter=agent.http_interpreter,
    )


def swap_processor(agent: Agent, processor: MessageProcessor, fingerprint: str | None) -> None:
    """Put ``processor`` in service: only assignments, so no turn sees half of it."""
    agent.processor = processor
    agent.domain = processor.domain
    agent._set_fingerprint(fingerprint)
    if agent.tracker_store is not None:
        agent.tracker_store.domain = agent.domain
    if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
        agent.nlg.responses = agent.domain.responses if agent.domain else {}


class GivingWay:
    """Makes the loading thread give the interpreter to the event loop when the loop is behind.

    A thread does not stop Python's global lock from being shared: the loader's
    Python code (unpacking, building dictionaries and components) takes turns
    with the event loop, and turns slow down while it runs. A heartbeat on the
    loop marks the time every ``tick`` seconds; the loader's profile hook
    (``sys.setprofile``, that thread only) sleeps ``pause`` seconds, which
    releases the lock, whenever the heartbeat is late by more than ``late``:
    the loop has work waiting. An idle loop keeps beating and the load runs at
    full speed.
    """

    def __init__(self, tick: float = 0.01, late: float = 0.02, pause: float = 0.005) -> None:
        self.tick, self.late, self.pause = tick, late, pause
        self.beat = time.perf_counter()
        self.pauses = 0
        self._done = False

    async def heartbeat(self) -> None:
        while not self._done:
            self.beat = time.perf_counter()
            await asyncio.sleep(self.tick)

    def _profile(self, _frame: object, event: str, _arg: object) -> None:
        if event in ("call", "c_call") and time.perf_counter() - self.beat > self.late:
            self.pauses += 1
            time.sleep(self.pause)

    def run(self, function: Callable[..., T], *args: Any) -> T:
        """Call ``function`` in this (worker) thread, giving way while it runs."""
        sys.setprofile(self._profile)
        try:
            return function(*args)
        finally:
            sys.setprofile(None)
            self.stop()

    def stop(self) -> None:
        self._done = True


async def load_beside(agent: Agent, model_directory: str | Path, fingerprint: str | None) -> None:
    """Load the model off the event loop, then swap it in on the loop."""
    logger.info("Loading the pulled model %s beside the running one.", fingerprint)
    loop = asyncio.get_running_loop()
    giving_way = GivingWay()
    heartbeat = asyncio.ensure_future(giving_way.heartbeat())
    try:
        processor = await loop.run_in_executor(
            None, giving_way.run, build_processor, agent, model_directory)
    finally:
        giving_way.stop()
        await heartbeat
    swap_processor(agent, processor, fingerprint)
    logger.info("Now serving model %s (%s); the load gave way %d times.",
                processor.model_metadata.model_id, fingerprint, giving_way.pauses)


async def _update_model_from_server(model_server: EndpointConfig, agent: Agent) -> None:
    """Rasa's ``_update_model_from_server``, with the load moved off the event loop."""
    if not is_url(model_server.url):
        raise aiohttp.InvalidURL(model_server.url)
    with TempDirectoryPath(get_temp_dir_name()) as temporary_directory:
        try:
            new_fingerprint = await rasa.core.agent._pull_model_and_fingerprint(
                model_server, agent.fingerprint, temporary_directory
            )
            if new_fingerprint:
                await load_beside(agent, temporary_directory, new_fingerprint)
            else:
                logger.debug("No new model found at URL %s", model_server.url)
        except Exception:  # Rasa's own policy: the previous model stays loaded.
            logger.exception("Failed to update model. The previous model will stay loaded instead.")


def apply() -> None:
    """Install the patch (idempotent)."""
    rasa.core.agent._update_model_from_server = _update_model_from_server


def applied() -> bool:
    return rasa.core.agent._update_model_from_server is _update_model_from_server


def original() -> object:
    """Rasa's own function (the benchmark's comparison)."""
    return _original_update
