from __future__ import annotations

import pytest

from app.settings import load_settings
from app.errors import ConfigError


@pytest.mark.parametrize(("raw", "expected"), [
    (None, True), ("", True), ("1", True), ("true", True), ("0", False), ("false", False), ("No", False),
    ("off", False),
])
def test_rebuilding_the_summaries_at_open_is_on_unless_turned_off(raw: str | None, expected: bool) -> None:
    env = {} if raw is None else {"ANALYTICS_REBUILD_SUMMARIES": raw}
    assert load_settings(env).analytics_rebuild_summaries is expected


def test_a_misspelt_rebuild_setting_is_an_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="ANALYTICS_REBUILD_SUMMARIES"):
        load_settings({"ANALYTICS_REBUILD_SUMMARIES": "nope"})
