"""LINE redeliveries across replicas and restarts, through a real Redis.

Each "replica" is its own LineInput on its own Sanic app; a "restart" is a new
LineInput that has never seen the event. All of them share one Redis, as the
production profile's replicas do.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from line_fakes import USER_A, LineHarness, StubAgent, test_settings, text_event
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.channels.line import LineInput, ledger_for
from bot.channels.line_api import REPLY_PATH
from bot.channels.line_dedupe import NoLedger, RedisLedger, event_key
from tests.conftest import require_service, skip_or_fail

pytestmark = pytest.mark.services

REDIS_URL = "redis://127.0.0.1:6379/2"
DAY = 24 * 3600


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    require_service("Redis", "127.0.0.1", 6379)
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.close(close_connection_pool=True)


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    # One namespace per test, so a test sees only its own keys; removed after it.
    namespace = f"test:line:{uuid.uuid4().hex[:8]}:"
    yield namespace
    keys = [key async for key in redis.scan_iter(namespace + "*")]
    if keys:
        await redis.delete(*keys)


@pytest.fixture
def new_ledger(prefix: str) -> Callable[..., RedisLedger]:
    def make(**overrides: Any) -> RedisLedger:
        values: dict[str, Any] = {"url": REDIS_URL, "ttl_seconds": DAY, "claim_seconds": 120,
                                  "key_prefix": prefix}
        values.update(overrides)
        return RedisLedger(**values)

    return make



def _redelivered(first: dict[str, Any]) -> dict[str, Any]:
    return {**first, "deliveryContext": {"isRedelivery": True}}


async def _replicas(make_line: Callable[..., Any], new_ledger: Callable[..., RedisLedger],
                    count: int = 2) -> list[LineHarness]:
    return [await make_line(ledger=new_ledger()) for _ in range(count)]


async def test_a_redelivery_to_another_replica_is_answered_once(
    make_line: Callable[..., Any], new_ledger: Callable[..., RedisLedger]
) -> None:
    a, b = await _replicas(make_line, new_ledger)
    first = text_event("ค่าธรรมเนียมเท่าไหร่")
    await a.send(first)
    await b.send(_redelivered(first))

    assert [m.text for m in a.agent.received] == ["ค่าธรรมเนียมเท่าไหร่"]
    assert b.agent.received == []
    [reply] = a.api.to(REPLY_PATH)  # the fake LINE API is shared by both replicas
    assert reply.body["replyToken"] == first["replyToken"]
    assert reply.body["messages"] == [{"type": "text", "text": "ตอบ: ค่าธรรมเนียมเท่าไหร่"}]


async def test_one_event_reaching_both_replicas_at_once_is_answered_once(
    make_line: Callable[..., Any], new_ledger: Callable[..., RedisLedger]
) -> None:
    a, b = await _replicas(make_line, new_ledger)
    first = text_event("เปิดกี่โมง")
    # Both replicas accept it before either has answered it.
    a.agent.delays["เปิดกี่โมง"] = b.agent.delays["เปิดกี่โมง"] = 0.3
    await asyncio.gather(a.send(first), b.send(_redelivered(first)))

    assert len(a.agent.received) + len(b.agent.received) == 1
    assert len(a.api.to(REPLY_PATH)) == 1


async def test_a_redelivery_after_a_restart_is_dropped(
    make_line: Callable[..., Any], new_ledger: Callable[..., RedisLedger]
) -> None:
    before = await make_line(ledger=new_ledger())
    first = text_event("ต่อบัตรประชาชน")
    await before.send(first)
    await before.channel.close()  # what the server does when it stops

    after = await make_line(ledger=new_ledger())  # a new process: its own memory is empty
    await after.send(_redelivered(first))
    assert after.agent.received == []
    assert len(after.api.to(REPLY_PATH)) == 1  # the one answer from before the restart

    # Not a blanket refusal: the restarted replica answers a new event.
    await after.send(text_event("ขอบคุณค่ะ"))
    assert [m.text for m in after.agent.received] == ["ขอบคุณค่ะ"]


class _KeyWatchingAgent(StubAgent):
    """Reads the event's Redis key while its turn runs."""

    def __init__(self, redis: Redis, key: str) -> None:
        super().__init__()
        self.redis, self.key = redis, key
        self.during: tuple[bytes | None, int] = (None, 0)

    async def handle_message(self, message: Any) -> None:
        self.during = (await self.redis.get(self.key), await self.redis.ttl(self.key))
        await super().handle_message(message)


async def test_a_claim_expires_soon_and_an_answer_after_the_ttl(
    make_line: Callable[..., Any], new_ledger: Callable[..., RedisLedger], redis: Redis,
    prefix: str,
) -> None:
    first = text_event("สวัสดีค่ะ")
    key = event_key(first["webhookEventId"], prefix)
    agent = _KeyWatchingAgent(redis, key)
    line = await make_line(agent=agent, ledger=new_ledger(claim_seconds=120, ttl_seconds=DAY))
    await line.send(first)

    value, ttl = agent.during
    assert value == b"claimed" and 0 < ttl <= 120
    assert await redis.get(key) == b"answered"
    assert 120 < await redis.ttl(key) <= DAY


async def test_keys_hold_no_personal_data(
    make_line: Callable[..., Any], new_ledger: Callable[..., RedisLedger], redis: Redis,
    prefix: str,
) -> None:
    replica = await make_line(ledger=new_ledger())
    first = text_event("บ้านเลขที่ 99 หมู่ 1", user=USER_A)
    await replica.send(first)

    [key] = [key async for key in redis.scan_iter(prefix + "*")]
    digest = hashlib.sha256(first["webhookEventId"].encode()).hexdigest()[:32]
    assert key.decode() == prefix + digest  # a hash of the event ID, no user ID
    assert await redis.get(key) == b"answered"  # and no text


async def test_an_event_claimed_by_a_replica_that_died_is_answered_after_the_claim_expires(
    make_line: Callable[..., Any], new_ledger: Callable[..., RedisLedger], redis: Redis,
    prefix: str,
) -> None:
    first = text_event("ทำพาสปอร์ต")
    dead = new_ledger(claim_seconds=1)
    assert await dead.claim(first["webhookEventId"])  # ... and the replica dies mid-turn
    await dead.close()

    early = await make_line(ledger=new_ledger())
    await early.send(_redelivered(first))
    assert early.agent.received == []  # still claimed: maybe still being answered

    key = event_key(first["webhookEventId"], prefix)
    while await redis.exists(key):  # Redis expires the claim; no clock of ours
        await asyncio.sleep(0.1)
    late = await make_line(ledger=new_ledger())
    await late.send(_redelivered(first))
    assert [m.text for m in late.agent.received] == ["ทำพาสปอร์ต"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _PrivateRedis:
    """A redis-server of this test's own, so it can really go down and come back."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            skip_or_fail("redis-server is not installed")
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url)
        try:
            for _ in range(100):
                try:
                    await client.ping()
                    return
                except (OSError, RedisError):
                    await asyncio.sleep(0.05)
            raise RuntimeError("private redis-server did not start")
        finally:
            await client.close(close_connection_pool=True)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)
        self._process = None


@pytest.fixture
async def private_redis() -> AsyncIterator[_PrivateRedis]:
    server = _PrivateRedis()
    await server.start()
    yield server
    server.stop()


async def test_without_redis_the_citizen_is_still_answered_and_the_outage_logged_once(
    make_line: Callable[..., Any], private_redis: _PrivateRedis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    password_url = private_redis.url.replace("redis://", "redis://:not-a-real-password@")
    line = await make_line(ledger=RedisLedger(password_url, ttl_seconds=DAY, claim_seconds=120))
    private_redis.stop()
    first, second = text_event("ค่าธรรมเนียมเท่าไหร่"), text_event("เปิดกี่โมง")
    with caplog.at_level(logging.WARNING, logger="bot.channels.line_dedupe"):
        await line.send(first)
        await line.send(second)
        await line.send(_redelivered(first))  # this process still knows it

    assert [m.text for m in line.agent.received] == ["ค่าธรรมเนียมเท่าไหร่", "เปิดกี่โมง"]
    assert len(line.api.to(REPLY_PATH)) == 2
    outages = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outages) == 1
    assert "not-a-real-password" not in caplog.text


async def test_when_redis_comes_back_the_shared_check_works_again(
    private_redis: _PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    ledger = RedisLedger(private_redis.url, ttl_seconds=DAY, claim_seconds=120)
    with caplog.at_level(logging.WARNING, logger="bot.channels.line_dedupe"):
        assert await ledger.claim("E1") is True
        assert await ledger.claim("E1") is False
        private_redis.stop()
        assert await ledger.claim("E1") is True  # down: answer rather than stay silent
        await private_redis.start()
        assert await ledger.claim("E2") is True
        assert await ledger.claim("E2") is False
    await ledger.close()
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "Redis for LINE redeliveries unreachable",
        "Redis for LINE redeliveries reachable again",
    ]


def test_settings_choose_the_ledger() -> None:
    assert isinstance(ledger_for(test_settings("http://127.0.0.1:1")), NoLedger)
    ledger = ledger_for(test_settings("http://127.0.0.1:1", dedup_redis_url=REDIS_URL,
                                      dedup_ttl_seconds=3600.5, dedup_claim_seconds=90))
    assert isinstance(ledger, RedisLedger)
    assert (ledger.ttl_seconds, ledger.claim_seconds) == (3601, 90)


def test_the_channel_builds_its_ledger_from_settings() -> None:
    channel = LineInput(test_settings("http://127.0.0.1:1", dedup_redis_url=REDIS_URL), 5.0)
    assert isinstance(channel.ledger, RedisLedger)
