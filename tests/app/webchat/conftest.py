"""Web chat tests: the page is built once per run by scripts/build_web.sh."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from common.paths import ROOT
from tests.app.webchat.support import CHROMIUM, CHROMIUM_ARGS, require_chromium


@pytest.fixture(scope="session")
def built_page() -> None:
    """web/dist, built from web/ (a no-op when it is up to date)."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_web.sh")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, f"web build failed:\n{result.stdout}\n{result.stderr}"


# Package scope: Playwright's sync API keeps an event loop running in the main
# thread while it is open, and later tests call asyncio.run.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
