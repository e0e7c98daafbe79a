"""The Rasa-side tests run with the project's patches, as every start of Rasa does.

``python -m bot`` (bot/__main__.py) applies them before Rasa starts; here they
are applied once for the session, explicitly. tests/bot/server/test_entry_point.py
checks in a fresh interpreter what happens without them.
"""
from __future__ import annotations

import pytest

from bot.server import patches


def pytest_configure(config: pytest.Config) -> None:
    patches.apply()
