"""LINE settings and registration through Rasa's own credentials loader."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels

from bot.channels.dispatch import RecentKeys
from bot.channels.line import LineInput
from bot.channels.line_events import location_text, pseudonym, signature_is_valid
from bot.channels.settings import DEFAULT_LINE_API_BASE_URL, LineSettings

CREDENTIALS = Path(__file__).resolve().parents[3] / "credentials.yml"


def test_credentials_yml_registers_the_line_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rasa expands every ${VAR} of the file, other channels' too.
    for variable in re.findall(r"\$\{(\w+)\}", CREDENTIALS.read_text(encoding="utf-8")):
        monkeypatch.setenv(variable, "")
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "s3cret")
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "t0ken")
    [line] = create_http_input_channels("bot.channels.line.LineInput", str(CREDENTIALS))
    assert isinstance(line, LineInput)
    assert line.url_prefix() == "line"
    assert line.settings.channel_secret == "s3cret"
    assert line.settings.channel_access_token == "t0ken"
    assert line.settings.api_base_url == DEFAULT_LINE_API_BASE_URL


def test_missing_keys_fall_back_to_the_environment() -> None:
    env = {"LINE_CHANNEL_SECRET": " s ", "LINE_CHANNEL_ACCESS_TOKEN": "t",
           "LINE_API_BASE_URL": "http://127.0.0.1:9000/"}
    settings = LineSettings.from_credentials(None, env)
    assert (settings.channel_secret, settings.channel_access_token, settings.api_base_url) == (
        "s", "t", "http://127.0.0.1:9000")


def test_the_redis_for_redeliveries_comes_from_the_environment() -> None:
    # Not in credentials.yml: the embedded default must start without it.
    assert LineSettings.from_credentials(None, {}).dedup_redis_url == ""
    settings = LineSettings.from_credentials(
        {"dedup_claim_seconds": "60"}, {"LINE_DEDUP_REDIS_URL": " redis://:pw@redis:6379/3 "})
    assert settings.dedup_redis_url == "redis://:pw@redis:6379/3"
    assert settings.dedup_claim_seconds == 60.0
    assert settings.dedup_ttl_seconds == 24 * 3600.0


def test_credentials_win_over_the_environment_and_empty_means_default() -> None:
    settings = LineSettings.from_credentials(
        {"channel_secret": "", "api_base_url": "", "loading_seconds": "30"},
        {"LINE_CHANNEL_SECRET": "from-env"},
    )
    assert settings.channel_secret == ""
    assert settings.api_base_url == "https://api.line.me"
    assert settings.loading_seconds == 30


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        ({"api_base_url": "api.line.me"}, "api_base_url must be an http(s) URL, got 'api.line.me'"),
        ({"loading_seconds": 7}, "loading_seconds must be a multiple of 5 from 5 to 60, got 7"),
        ({"loading_seconds": 90}, "loading_seconds must be a multiple of 5 from 5 to 60, got 90"),
        ({"max_retries": "many"}, "max_retries must be a number, got 'many'"),
        ({"dedup_redis_url": "http://:pw@redis:6379/0"},
         "dedup_redis_url must start with redis://, rediss:// or unix://"),
        ({"dedup_claim_seconds": 0}, "dedup_ttl_seconds, dedup_claim_seconds and "
                                     "dedup_redis_timeout_seconds must be positive"),
    ],
)
def test_bad_settings_name_the_option(credentials: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as error:
        LineSettings.from_credentials(credentials, {})
    assert str(error.value) == message


def test_signature_is_base64_hmac_sha256_of_the_raw_body() -> None:
    # Reference value computed independently with openssl:
    # printf '{"events":[]}' | openssl dgst -sha256 -hmac secret -binary | base64
    assert signature_is_valid("secret", b'{"events":[]}',
                              "pkK1lVPJPiJ+wPLziRD79xIxohl8AImYM8AEeM7IbzQ=")
    assert not signature_is_valid("secret", b'{"events": []}',
                                  "pkK1lVPJPiJ+wPLziRD79xIxohl8AImYM8AEeM7IbzQ=")
    assert not signature_is_valid("", b"", "")


def test_location_text_is_the_share_location_contract() -> None:
    assert location_text(18.79, 98.98) == '/share_location{"latitude": 18.79, "longitude": 98.98}'


def test_pseudonym_is_short_stable_and_hides_the_id() -> None:
    user = "U" + "a" * 32
    assert pseudonym(user) == pseudonym(user)
    assert len(pseudonym(user)) == 11 and "a" * 8 not in pseudonym(user)
    assert pseudonym(None) == "-"


def test_recent_keys_forget_after_ttl_and_stay_bounded() -> None:
    now = [0.0]
    recent = RecentKeys(max_keys=3, ttl_seconds=10.0, clock=lambda: now[0])
    assert [recent.seen_before(k) for k in "abca"] == [False, False, False, True]
    recent.seen_before("d")  # evicts the least recently seen: "b"
    assert len(recent) == 3
    assert recent.seen_before("b") is False
    now[0] = 11.0
    assert recent.seen_before("a") is False
    assert len(recent) == 1
