"""Retraining jobs: start one, follow it, one at a time; state in JSON files.

Each job has a directory ``<training dir>/<job id>/`` holding ``job.json``
(its state, rewritten atomically at every step), the logs of its steps and
its working copy. No database table: the console's process, the job's own
process and an operator's shell all read the same files, and a job survives a
console restart.

One at a time: starting a job takes an exclusive ``flock`` on
``runner.lock`` and hands the open file to the job's process, which holds it
until it exits. A second start while it runs gets ``TrainingBusyError``
(the console answers 409). A job whose process died without finishing (the
lock is free but its state is not final) is reported as failed.

The job's process (``python -m app.training run``) calls :func:`run_job`.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import shutil
import subprocess
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.errors import ConflictError, NotFoundError
from app.launcher import APP_PYTHON
from app.modelserver.store import ModelStore, file_sha256
from app.settings import Settings, get_settings
from app.training import pipeline
from app.training.decision import ACCURACY_FLOOR, decide
from common.paths import ROOT, VAR

logger = logging.getLogger(__name__)

JOB_FILE = "job.json"
LOCK_FILE = "runner.lock"
MODEL_NAME = "thai-assistant"
# Until a job has trained once, how long training is expected to take (progress bar).
DEFAULT_TRAIN_SECONDS = 600.0


class JobStatus(StrEnum):
    QUEUED = "queued"
    VALIDATING = "validating"
    TRAINING = "training"
    EVALUATING = "evaluating"
    PUBLISHED = "published"
    REJECTED = "rejected"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in {JobStatus.PUBLISHED, JobStatus.REJECTED, JobStatus.FAILED}


MESSAGES = {
    JobStatus.QUEUED: "รอเริ่มฝึกโมเดล",
    "export": "กำลังส่งออกข้อมูลฝึกจากฐานความรู้ที่เผยแพร่แล้ว",
    JobStatus.VALIDATING: "กำลังตรวจสอบข้อมูลฝึก (rasa data validate)",
    JobStatus.TRAINING: "กำลังฝึกโมเดล",
    JobStatus.EVALUATING: "กำลังประเมินความแม่นยำกับชุดทดสอบที่แยกไว้",
}
INTERRUPTED = "งานฝึกโมเดลหยุดกลางคันก่อนเสร็จ กรุณาเริ่มใหม่"
UNEXPECTED = "งานฝึกโมเดลล้มเหลวโดยไม่คาดคิด ดูบันทึก {log}"


class TrainingBusyError(ConflictError):
    """A job is running already."""

    code = "training_busy"

    def __init__(self, job_id: str | None) -> None:
        super().__init__(f"มีงานฝึกโมเดลกำลังทำอยู่ ({job_id or 'ไม่ทราบรหัสงาน'}) กรุณารอให้เสร็จก่อน")
        self.job_id = job_id


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(f".{secrets.token_hex(4)}.part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _lock_is_free(path: Path) -> bool:
    with path.open("a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(file, fcntl.LOCK_UN)
        return True


class TrainingJobs:
    """The jobs under ``directory`` (default ``var/training``), publishing to the model store."""

    def __init__(
        self,
        settings: Settings,
        *,
        directory: Path | None = None,
        floor: float = ACCURACY_FLOOR,
        test_file: Path = pipeline.TEST_FILE,
    ) -> None:
        self.settings = settings
        self.directory = directory or VAR / "training"
        self.store = ModelStore(Path(settings.model_store_dir))
        self.floor = floor
        self.test_file = test_file

    # The console's side ------------------------------------------------------

    def start(self) -> str:
        """Queue a job and start its process; its id.

        Raises:
            TrainingBusyError: a job is running.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = (self.directory / LOCK_FILE).open("a")
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise TrainingBusyError(self._running_id()) from None
            self._close_abandoned()
            # No long run of digits: the log redaction would take it for an ID number.
            job_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
            job_dir = self.directory / job_id
            job_dir.mkdir()
            self._save(job_id, {
                "id": job_id, "status": JobStatus.QUEUED.value, "progress": 0.0,
                "message": MESSAGES[JobStatus.QUEUED], "metrics": {},
                "created_at": _now(), "updated_at": _now(), "finished_at": None,
                "floor": self.floor,
            })
            process = self._spawn(job_id, lock.fileno())
            # Reap it when it ends: the console process is its parent.
            threading.Thread(target=process.wait, daemon=True).start()
            return job_id
        finally:
            lock.close()  # the job's process holds the lock now

    def _spawn(self, job_id: str, lock_fd: int) -> subprocess.Popen[bytes]:
        job_dir = self.directory / job_id
        env = {k: v for k, v in os.environ.items() if k != "PYTHONHOME"}
        env.update({"PYTHONPATH": str(ROOT), "KB_DATABASE_URL": self.settings.kb_database_url,
                    "MODEL_STORE_DIR": self.settings.model_store_dir})
        with (job_dir / "runner.log").open("ab") as out:
            return subprocess.Popen(  # noqa: S603 - fixed argv
                [str(APP_PYTHON), "-m", "app.training", "run", job_id,
                 "--directory", str(self.directory), "--floor", str(self.floor),
                 "--test-file", str(self.test_file), "--lock-fd", str(lock_fd)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                pass_fds=(lock_fd,), start_new_session=True,
            )

    def status(self, job_id: str) -> dict[str, Any]:
        """The job as the console shows it.

        Raises:
            NotFoundError: no such job (or a malformed id).
        """
        job = self._load(job_id)
        if not JobStatus(job["status"]).final and _lock_is_free(self.directory / LOCK_FILE):
            job = self._fail(job_id, INTERRUPTED)
        return {k: job[k] for k in ("id", "status", "progress", "message", "metrics",
                                    "created_at", "updated_at", "finished_at")}

    def jobs(self) -> list[dict[str, Any]]:
        """Every job, newest first."""
        ids = sorted((p.parent.name for p in self.directory.glob(f"*/{JOB_FILE}")), reverse=True)
        return [self.status(i) for i in ids]

    def _running_id(self) -> str | None:
        running = [j for j in self._all() if not JobStatus(j["status"]).final]
        return running[-1]["id"] if running else None

    def _close_abandoned(self) -> None:
        """Jobs left unfinished by a process that died (we hold the lock: none runs)."""
        for job in self._all():
            if not JobStatus(job["status"]).final:
                self._fail(job["id"], INTERRUPTED)

    def _all(self) -> list[dict[str, Any]]:
        ids = sorted(p.parent.name for p in self.directory.glob(f"*/{JOB_FILE}"))
        return [self._load(i) for i in ids]

    # State -------------------------------------------------------------------

    def _path(self, job_id: str) -> Path:
        if not job_id or "/" in job_id or job_id.startswith(".") or len(job_id) > 64:
            raise NotFoundError(f"no training job {job_id!r}")
        return self.directory / job_id / JOB_FILE

    def _load(self, job_id: str) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self._path(job_id).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise NotFoundError(f"no training job {job_id!r}") from exc
        return data

    def _save(self, job_id: str, job: dict[str, Any]) -> None:
        _write_json(self._path(job_id), job)

    def _update(self, job_id: str, **changes: Any) -> dict[str, Any]:
        job = {**self._load(job_id), **changes, "updated_at": _now()}
        if JobStatus(job["status"]).final:
            job["finished_at"] = job.get("finished_at") or _now()
            job["progress"] = 1.0
        self._save(job_id, job)
        return job

    def _fail(self, job_id: str, message: str) -> dict[str, Any]:
        return self._update(job_id, status=JobStatus.FAILED.value, message=message)

    # The job's side ------------------------------------------------------------

    def run(self, job_id: str) -> dict[str, Any]:
        """Run the job to its end (its own process); the final state."""
        try:
            outcome = self._run(job_id)
        except pipeline.StepError as exc:
            outcome = {"status": JobStatus.FAILED.value, "message": exc.message}
        except Exception:
            logger.exception("training job %s failed", job_id)
            outcome = {"status": JobStatus.FAILED.value,
                       "message": UNEXPECTED.format(log=self.directory / job_id / "runner.log")}
        # The working copy goes before the final state is written: whoever
        # reads a final state finds the job's directory as it stays.
        shutil.rmtree(self.directory / job_id / "project", ignore_errors=True)
        shutil.rmtree(self.directory / job_id / "models", ignore_errors=True)
        return self._update(job_id, **outcome)

    def _run(self, job_id: str) -> dict[str, Any]:
        """Every step; the final state's fields (status, message, metrics)."""
        workspace = pipeline.Workspace(self.directory / job_id)
        self._update(job_id, status=JobStatus.VALIDATING.value, progress=0.02, message=MESSAGES["export"])
        pipeline.prepare(workspace)
        pipeline.export(workspace, self.settings)
        self._update(job_id, progress=0.08, message=MESSAGES[JobStatus.VALIDATING])
        pipeline.validate(workspace, self.settings)

        self._update(job_id, status=JobStatus.TRAINING.value, progress=0.15,
                     message=MESSAGES[JobStatus.TRAINING])
        model, seconds = pipeline.train(workspace, self.settings, f"{MODEL_NAME}-{job_id}",
                                        on_wait=self._training_progress(job_id))

        self._update(job_id, status=JobStatus.EVALUATING.value, progress=0.85,
                     message=MESSAGES[JobStatus.EVALUATING])
        current = self.store.current_or_none()
        test_sha = file_sha256(self.test_file)
        known = current.metrics.get("intent_accuracy") if current is not None and \
            current.metrics.get("test_file_sha256") == test_sha else None
        to_score = [model] + ([current.path] if current is not None and known is None else [])
        scores = pipeline.evaluate(workspace, self.settings, to_score, self.test_file)
        current_accuracy = known if known is not None else (
            scores[1]["intent_accuracy"] if len(scores) > 1 else None)
        new = scores[0]
        metrics = {
            "intent_accuracy": new["intent_accuracy"],
            "intent_macro_f1": new["intent_macro_f1"],
            "entity_f1": new["entity_f1"],
            "examples": new["examples"],
            "current_intent_accuracy": current_accuracy,
            "floor": self.floor,
            "train_seconds": round(seconds, 1),
            "test_file_sha256": test_sha,
        }
        decision = decide(new["intent_accuracy"], current_accuracy, self.floor)
        if not decision.publish:
            return {"status": JobStatus.REJECTED.value, "message": decision.message, "metrics": metrics}
        published = self.store.publish(model, metrics={**metrics, "job_id": job_id})
        return {"status": JobStatus.PUBLISHED.value, "message": decision.message,
                "metrics": {**metrics, "fingerprint": published.fingerprint}}

    def _training_progress(self, job_id: str) -> Callable[[], None]:
        """Progress from 0.15 to 0.8 over the time the last training took."""
        expected = self._last_train_seconds()
        started = datetime.now(UTC)

        def update() -> None:
            elapsed = (datetime.now(UTC) - started).total_seconds()
            progress = 0.15 + 0.65 * min(0.95, elapsed / expected)
            self._update(job_id, progress=round(progress, 3),
                         message=f"{MESSAGES[JobStatus.TRAINING]} (ผ่านไป {int(elapsed // 60)} นาที "
                                 f"{int(elapsed % 60)} วินาที)")

        return update

    def _last_train_seconds(self) -> float:
        for job in reversed(self._all()):
            seconds = (job.get("metrics") or {}).get("train_seconds")
            if seconds:
                return float(seconds)
        return DEFAULT_TRAIN_SECONDS


def _jobs(settings: Settings | None) -> TrainingJobs:
    return TrainingJobs(settings or get_settings())


def start_training(settings: Settings) -> str:
    """Start a retraining job; its id. Raises ``TrainingBusyError`` (409) while one runs."""
    return _jobs(settings).start()


def job_status(job_id: str, settings: Settings | None = None) -> dict[str, Any]:
    """``{"id", "status", "progress", "message", "metrics", ...}``; ``NotFoundError`` (404)."""
    return _jobs(settings).status(job_id)

