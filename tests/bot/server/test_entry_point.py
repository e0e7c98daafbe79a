"""Every start of Rasa goes through ``python -m bot`` (bot/__main__.py), which applies the patches.

Two checks: a scan of every file that starts Rasa for the bare ``rasa``
command, and the guard of the REST channel and the tracker store, tried in a
fresh interpreter that did not apply the patches.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.channels.rest import RestInput
from bot.server import patches
from common.paths import ROOT

# Where Rasa is started: make, the test script, CI, the launcher (make run,
# end-to-end and production tests), the benchmarks, and the tests themselves.
START_PATHS = ["Makefile", "scripts/*.sh", ".ci/*", "app/**/*.py", "bench/**/*.py", "tests/**/*.py"]
# The bare command as a make recipe, a shell script or a Python argv writes it.
_BARE_RASA = [
    re.compile(r"bin/rasa(?![\w/.-])"),  # .venv/rasa/bin/rasa, $(RASA_VENV)/bin/rasa
    re.compile(r"/\s*[\"']rasa[\"'](?!\s*/)"),  # Path(...) / "rasa"
    re.compile(r"[\"']rasa[\"']\s*,\s*[\"'](run|train|test|shell|data|interactive|x)[\"']"),
    re.compile(r"\brasa\.__main__\b"),
]
# On a command line: `rasa train ...` (in Python this is prose: docstrings).
_BARE_RASA_COMMAND = re.compile(r"(^|[\s;&|(`])rasa\s+(run|train|test|shell|data|interactive|x)\b")
# The one deliberate exception: bench/latency.py compares with stock Rasa.
_ALLOWED = re.compile(r"^\s*STOCK_RASA_BIN\s*=")


def bare_rasa_lines(text: str, python: bool) -> list[str]:
    """Lines of ``text`` that start the bare ``rasa`` command (comments left out)."""
    patterns = _BARE_RASA if python else [*_BARE_RASA, _BARE_RASA_COMMAND]
    found = []
    for line in text.splitlines():
        if line.strip().startswith("#") or _ALLOWED.match(line):
            continue
        if any(pattern.search(line) for pattern in patterns):
            found.append(line.strip())
    return found


def _start_files() -> list[Path]:
    files = {path for pattern in START_PATHS for path in ROOT.glob(pattern) if path.is_file()}
    return sorted(path for path in files if ".venv" not in path.parts)


def test_no_start_path_runs_the_bare_rasa_command() -> None:
    offenders = {}
    for path in _start_files():
        if path == Path(__file__):
            continue  # its patterns are examples, not invocations
        lines = bare_rasa_lines(path.read_text(encoding="utf-8"), python=path.suffix == ".py")
        if lines:
            offenders[str(path.relative_to(ROOT))] = lines
    assert offenders == {}, "use `.venv/rasa/bin/python -m bot ...` (bot/__main__.py)"


def test_the_scan_covers_every_start_path() -> None:
    scanned = {str(path.relative_to(ROOT)) for path in _start_files()}
    assert {"Makefile", "scripts/test.sh", ".ci/run", "app/launcher.py", "bench/latency.py",
            "bench/nlu_quality.py", "tests/production/test_scale_out.py",
            "tests/e2e/conftest.py"} <= scanned


@pytest.mark.parametrize(
    ("text", "python"),
    [
        ("\t.venv/rasa/bin/rasa train --out models", False),
        ("RASA := $(RASA_VENV)/bin/rasa", False),
        ('run "story tests" rasa test core --stories tests/test_stories.yml', False),
        ("cd bench && rasa run --enable-api", False),
        ('RASA_BIN = ROOT / ".venv" / "rasa" / "bin" / "rasa"', True),
        ('subprocess.run([str(Path(sys.executable).parent / "rasa"), "train"])', True),
        ('argv = ["rasa", "run", "--model", model]', True),
        ("from rasa.__main__ import main", True),
    ],
)
def test_the_scan_finds_bare_rasa(text: str, python: bool) -> None:
    assert bare_rasa_lines(text, python) == [text.strip()]


@pytest.mark.parametrize(
    ("text", "python"),
    [
        ("RASA := $(RASA_PY) -m bot", False),
        ("# never the bare $(RASA_VENV)/bin/rasa", False),
        ('RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"', True),
        ('STOCK_RASA_BIN = ROOT / ".venv" / "rasa" / "bin" / "rasa"', True),
        ("    # As `rasa train` does: only files that hold NLU data", True),
        ("from rasa.core.agent import Agent", True),
    ],
)
def test_the_scan_leaves_the_entry_point_and_prose_alone(text: str, python: bool) -> None:
    assert bare_rasa_lines(text, python) == []


def test_make_and_the_test_script_use_the_entry_point() -> None:
    assert "RASA      := $(RASA_PY) -m bot" in (ROOT / "Makefile").read_text()
    assert 'RASA="$RASA_PY -m bot"' in (ROOT / "scripts" / "test.sh").read_text()


def _unpatched(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


NOT_APPLIED = ("needs this project's Rasa patches (bot/server/patches.py), which were not "
               "applied: start Rasa with `.venv/rasa/bin/python -m bot run|train|test|shell ...` "
               "instead of the bare `rasa` command.")


def test_rest_channel_refuses_to_load_without_the_patches() -> None:
    result = _unpatched("from bot.channels.rest import RestInput; RestInput.from_credentials(None)")
    assert result.returncode == 1
    assert ("PatchesNotAppliedError: The REST channel (bot.channels.rest.RestInput) "
            + NOT_APPLIED) in result.stderr


def test_tracker_store_refuses_to_load_without_the_patches(tmp_path: Path) -> None:
    result = _unpatched(
        "from rasa.shared.core.domain import Domain\n"
        "from bot.server.tracker_store import CachingSQLTrackerStore\n"
        f"CachingSQLTrackerStore(Domain.empty(), db={str(tmp_path / 't.db')!r})\n")
    assert result.returncode == 1
    assert ("PatchesNotAppliedError: The caching tracker store (bot.server.tracker_store) "
            + NOT_APPLIED) in result.stderr


def test_with_the_patches_the_channel_loads() -> None:
    assert patches.applied()  # tests/bot/conftest.py, as bot/__main__.py
    assert RestInput.from_credentials(None).name() == "rest"


def test_the_entry_point_is_rasas_command_line() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--version"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "Rasa Version      :         3.6.21" in result.stdout
