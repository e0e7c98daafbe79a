"""``python -m app.training start``: start a retraining job and follow it to its end.

``python -m app.training status JOB``: one job's state as JSON.
``python -m app.training run JOB ...``: the job's own process (started by
``TrainingJobs.start``, holding the one-job lock it was handed).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from app.settings import get_settings
from app.training.jobs import JobStatus, TrainingBusyError, TrainingJobs


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s - %(message)s")
    parser = argparse.ArgumentParser(prog="python -m app.training", description=__doc__)
    parser.add_argument("--directory", type=Path, default=None, help="default: var/training")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="start a job and follow it")
    status = commands.add_parser("status", help="a job's state")
    status.add_argument("job")
    run = commands.add_parser("run", help="run a job (internal)")
    run.add_argument("job")
    run.add_argument("--directory", type=Path, dest="run_directory", required=True)
    run.add_argument("--floor", type=float, required=True)
    run.add_argument("--test-file", type=Path, required=True)
    run.add_argument("--lock-fd", type=int, required=True)
    args = parser.parse_args(argv)
    settings = get_settings()

    if args.command == "run":
        jobs = TrainingJobs(settings, directory=args.run_directory, floor=args.floor,
                            test_file=args.test_file)
        try:
            final = jobs.run(args.job)
        finally:
            os.close(args.lock_fd)  # the next job may start
        print(json.dumps(final, ensure_ascii=False))
        return 0 if final["status"] != JobStatus.FAILED else 1

    jobs = TrainingJobs(settings, directory=args.directory)
    if args.command == "status":
        print(json.dumps(jobs.status(args.job), ensure_ascii=False, indent=2))
        return 0
    try:
        job_id = jobs.start()
    except TrainingBusyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    last = None
    while True:
        state = jobs.status(job_id)
        line = f"{state['status']:10} {state['progress']:5.0%} {state['message']}"
        if line != last:
            print(line, flush=True)
            last = line
        if JobStatus(state["status"]).final:
            print(json.dumps(state["metrics"], ensure_ascii=False))
            return 0 if state["status"] == JobStatus.PUBLISHED else 1
        time.sleep(2)


if __name__ == "__main__":
    sys.exit(main())
