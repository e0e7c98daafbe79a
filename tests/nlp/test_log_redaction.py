"""Every log record is redacted before any handler writes it, in both environments."""
from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from common import privacy
from common.paths import ROOT
from nlp.names import install_log_redaction

SECRET = "แจ้งเลขบัตร 1101700230708 โทร 081-234-5678 ชื่อนายสมชาย ใจดี"
REDACTED = "แจ้งเลขบัตร <เลขบัตรประชาชน> โทร <เบอร์โทร> ชื่อนาย<ชื่อ>"


def test_a_record_is_redacted_for_every_handler_even_one_added_later(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_log_redaction()
    install_log_redaction()  # idempotent: no double wrapping
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("citizen said %s", SECRET)
    assert caplog.messages == [f"citizen said {REDACTED}"]
    assert caplog.records[0].args is None


def test_hotlines_and_codes_survive_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("x").info("โทร 1548 ทร.14 ปี 2567 ค่าธรรมเนียม 100 บาท")
    assert caplog.messages == ["โทร 1548 ทร.14 ปี 2567 ค่าธรรมเนียม 100 บาท"]


_SCRIPT = (
    "import logging, sys\n"
    "{setup}\n"
    "logging.basicConfig(stream=sys.stdout, format='%(message)s')\n"
    "logging.getLogger('rasa.core.processor').warning('received %s', {secret!r})\n"
)


@pytest.mark.parametrize(
    ("python", "setup"),
    [
        # The Rasa server: python -m bot applies the patches before anything logs.
        (ROOT / ".venv" / "rasa" / "bin" / "python", "from bot.server import patches; patches.apply()"),
        # The action server: rasa-sdk imports the actions package first.
        (ROOT / ".venv" / "app" / "bin" / "python", "import actions"),
        # The web chat and the launcher.
        (ROOT / ".venv" / "app" / "bin" / "python",
         "from nlp.names import install_log_redaction; install_log_redaction()"),
    ],
    ids=["rasa", "actions", "app"],
)
def test_each_process_start_installs_it(python: object, setup: str) -> None:
    done = subprocess.run(
        [str(python), "-c", _SCRIPT.format(setup=setup, secret=SECRET)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin",
             "PYTHAINLP_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == f"received {REDACTED}"
    assert "1101700230708" not in done.stdout + done.stderr


def test_a_redactor_that_fails_falls_back_to_the_patterns(caplog: pytest.LogCaptureFixture) -> None:
    # At interpreter exit the name model's globals are gone; a late record
    # (an unclosed client session, say) must still not be written raw.
    def gone(_: str) -> str:
        raise TypeError("'NoneType' object is not callable")

    original = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        privacy.install_log_redaction(gone)
        with caplog.at_level(logging.INFO):
            logging.getLogger("aiohttp.client").error("โทร 081-234-5678 เลข 1101700230708")
    finally:
        logging.setLogRecordFactory(original)
    assert caplog.messages == ["โทร <เบอร์โทร> เลข <เลขบัตรประชาชน>"]
