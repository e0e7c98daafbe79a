"""Tickets stay unique when replicas take them at the same moment (real Redis)."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.server.lock_store import AtomicRedisLockStore
from tests.conftest import require_service

pytestmark = pytest.mark.services


def _replica() -> AtomicRedisLockStore:
    return AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=6379, db=2,
                                               key_prefix="locktest"))


def test_simultaneous_tickets_are_unique_and_all_returned() -> None:
    require_service("Redis", "127.0.0.1", 6379)
    replicas = [_replica(), _replica()]
    conversation = f"c{uuid.uuid4().hex}"
    with ThreadPoolExecutor(16) as pool:
        tickets = list(pool.map(lambda i: replicas[i % 2].issue_ticket(conversation), range(64)))
    assert sorted(tickets) == list(range(64))
    assert len(replicas[0].get_lock(conversation).tickets) == 64
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda t: replicas[t % 2].cleanup(conversation, t), tickets))
    assert replicas[1].get_lock(conversation) is None  # nobody waits: the lock is gone
