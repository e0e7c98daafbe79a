"""With CI=true nothing skips: a missing model, service or browser fails (tests/conftest.py).

Each case runs pytest in a subprocess on a small test file, with and without
``CI=true``, with the hooks of tests/conftest.py loaded as a plugin.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.paths import ROOT

CASES = {
    "helper": """
from pathlib import Path
from tests.conftest import require_model
def test_needs_a_model():
    require_model(Path("/nonexistent/thai-assistant.tar.gz"))
""",
    "service": """
from tests.conftest import require_service
def test_needs_a_service():
    require_service("PostgreSQL", "127.0.0.1", 1)
""",
    "marker": """
import pytest
@pytest.mark.skipif(True, reason="no browser here")
def test_marked():
    pass
""",
    "plain_skip": """
import pytest
def test_skips():
    pytest.skip("not today")
""",
}


def _run(tmp_path: Path, case: str, ci: bool) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / f"test_{case}.py"
    test_file.write_text(CASES[case], encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(test_file)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_outside_ci_a_missing_dependency_skips(tmp_path: Path, case: str) -> None:
    result = _run(tmp_path, case, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


@pytest.mark.parametrize("case", sorted(CASES))
def test_in_ci_nothing_skips(tmp_path: Path, case: str) -> None:
    result = _run(tmp_path, case, ci=True)
    summary = result.stdout.splitlines()[-1]
    assert result.returncode == 1, result.stdout
    # A skip while setting up (the marker) fails as an error, in the test as a failure.
    assert summary.startswith("1 error" if case == "marker" else "1 failed"), summary
    assert "skipped" not in summary


def test_in_ci_the_reason_is_kept(tmp_path: Path) -> None:
    result = _run(tmp_path, "helper", ci=True)
    assert ("no trained model at /nonexistent/thai-assistant.tar.gz: run `make model` first "
            "(CI=true: nothing may skip)") in result.stdout
    assert "skipped in CI, where nothing may skip: no browser here" in _run(
        tmp_path, "marker", ci=True).stdout


def test_ci_run_sets_ci_true() -> None:
    assert "export CI=true" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
