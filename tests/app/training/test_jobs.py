"""Retraining jobs: their own process, one at a time, state the console can read."""
from __future__ import annotations

import fcntl
import json
import time
from pathlib import Path
from typing import Any

import pytest

from app.errors import ConflictError, NotFoundError
from app.settings import Settings, load_settings
from app.training import TrainingBusyError, TrainingJobs
from app.training.jobs import INTERRUPTED, JOB_FILE, LOCK_FILE, JobStatus

# Nothing listens on port 9 of the loopback: a connection there is refused at once.
NOTHING_LISTENS = "postgresql+psycopg://postgres@127.0.0.1:9/kb"


def settings_for(tmp_path: Path, kb_url: str) -> Settings:
    return load_settings({"APP_ENV": "test", "KB_DATABASE_URL": kb_url,
                          "MODEL_STORE_DIR": str(tmp_path / "store")})


def wait_final(jobs: TrainingJobs, job_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        state = jobs.status(job_id)
        seen.append(state["status"])
        if JobStatus(state["status"]).final:
            return state
        time.sleep(0.5)
    pytest.fail(f"job {job_id} did not finish in {timeout} s: {seen[-5:]}")


def test_a_job_whose_export_fails_ends_failed_with_a_thai_reason(tmp_path: Path) -> None:
    jobs = TrainingJobs(settings_for(tmp_path, NOTHING_LISTENS), directory=tmp_path / "training")
    job_id = jobs.start()
    state = wait_final(jobs, job_id, timeout=120)

    assert state["status"] == "failed"
    assert state["message"].startswith("ส่งออกข้อมูลฝึกจากฐานความรู้ที่เผยแพร่แล้วไม่สำเร็จ (รหัส ")
    assert state["progress"] == 1.0 and state["finished_at"]
    assert (tmp_path / "training" / job_id / "export.log").is_file()
    assert not (tmp_path / "training" / job_id / "project").exists()  # working copy removed
    assert jobs.jobs()[0]["id"] == job_id


def test_one_job_at_a_time(tmp_path: Path) -> None:
    directory = tmp_path / "training"
    directory.mkdir()
    jobs = TrainingJobs(settings_for(tmp_path, NOTHING_LISTENS), directory=directory)
    with (directory / LOCK_FILE).open("a") as held:  # as a running job's process holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(TrainingBusyError) as busy:
            jobs.start()
    assert isinstance(busy.value, ConflictError)
    assert str(busy.value).startswith("มีงานฝึกโมเดลกำลังทำอยู่")


def test_a_job_left_unfinished_by_a_dead_process_reads_as_failed(tmp_path: Path) -> None:
    directory = tmp_path / "training"
    (directory / "20261207-000000-abcdef").mkdir(parents=True)
    (directory / "20261207-000000-abcdef" / JOB_FILE).write_text(json.dumps({
        "id": "20261207-000000-abcdef", "status": "training", "progress": 0.4, "message": "กำลังฝึกโมเดล",
        "metrics": {}, "created_at": "2026-12-07T00:00:00+00:00",
        "updated_at": "2026-12-07T00:00:00+00:00", "finished_at": None,
    }))
    jobs = TrainingJobs(settings_for(tmp_path, NOTHING_LISTENS), directory=directory)
    state = jobs.status("20261207-000000-abcdef")
    assert (state["status"], state["message"], state["progress"]) == ("failed", INTERRUPTED, 1.0)


@pytest.mark.parametrize("job_id", ["nope", "../store", "", ".hidden"])
def test_an_unknown_or_malformed_job_is_not_found(tmp_path: Path, job_id: str) -> None:
    jobs = TrainingJobs(settings_for(tmp_path, NOTHING_LISTENS), directory=tmp_path / "training")
    with pytest.raises(NotFoundError):
        jobs.status(job_id)
