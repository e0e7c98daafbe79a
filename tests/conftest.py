"""Shared test helpers for both environments (standard library and pytest only).

A test that cannot run here (no trained model, no PostgreSQL, no Chromium)
calls :func:`skip_or_fail`, directly or through :func:`require_service` and
:func:`require_model`: on a laptop it skips with the reason, in CI
(``CI=true``, which .ci/run sets) it fails, because there a missing model,
service or browser is a broken build, not a reason to test less. The hook at
the end holds CI to the same rule for any other skip (a ``skipif`` marker, a
plugin's skip).
"""
from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip with ``reason``; in CI, where nothing may skip, fail with it."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: nothing may skip)", pytrace=False)
    pytest.skip(reason)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip on a laptop without the service; fail in CI, where it must exist."""
    if not _reachable(host, port):
        skip_or_fail(f"{name} is not reachable at {host}:{port}; start it to run this test")


def require_model(model: Path) -> None:
    """Skip without a trained model; fail in CI, which trains one first (scripts/test.sh)."""
    if not model.exists():
        skip_or_fail(f"no trained model at {model}: run `make model` first")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        # A skip while setting up (a marker, a fixture) now counts as an error.
        report.longrepr = f"skipped in CI, where nothing may skip: {reason}"
