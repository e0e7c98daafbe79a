"""What the production-profile tests share: the running replicas and their services."""
from __future__ import annotations

from dataclasses import dataclass

from app.launcher import Stack
from app.modelserver.store import ModelStore
from tests.e2e.conftest import LineStandIn

# Redis database of the lock store and of the LINE ledger in these tests.
REDIS_DB = 1
# Two replicas loading the model at once on a shared two-core machine can take
# minutes; a generous limit only matters when something is really wrong.
START_SECONDS = 600


@dataclass
class Production:
    """Two Rasa replicas, each with its own action server, started by tests/production/conftest.py."""

    replicas: list[Stack]
    queue: str  # RabbitMQ queue of this run's events
    line_api: LineStandIn  # LINE's Messaging API, recording every call
    models: ModelStore  # what the model server serves the replicas

    def restart(self, index: int) -> None:
        """Stop a replica (Rasa and its action server) and start it again: its memory is gone."""
        replica = self.replicas[index]
        replica.stop()
        replica.start_actions()
        replica.start_rasa(timeout=START_SECONDS)
