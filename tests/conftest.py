"""Shared test helpers for both environments (standard library only)."""
from __future__ import annotations

import os
import socket

import pytest


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip on a laptop without the service; fail in CI, where it must exist."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must provide it (see .ci/run)")
    pytest.skip(f"{message}; start it to run the production-profile tests")
