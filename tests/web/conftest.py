"""Web chat tests: the page is built once per run by scripts/build_web.sh."""
from __future__ import annotations

import subprocess

import pytest

from bot.paths import ROOT


@pytest.fixture(scope="session")
def built_page() -> None:
    """web/dist, built from web/ (a no-op when it is up to date)."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_web.sh")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, f"web build failed:\n{result.stdout}\n{result.stderr}"
