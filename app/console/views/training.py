"""Retraining from the console: start a job, follow its progress.

The engine is ``app.training`` (its own process per job, state in files);
these handlers only call its two public functions off the event loop. The
routes exist only where that package is installed (``app.console.routes``).
"""

from __future__ import annotations

import asyncio
import re

from aiohttp import web

from app.console.http import SETTINGS, json_response
from app.errors import NotFoundError

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


async def start(request: web.Request) -> web.Response:
    from app.training.jobs import job_status, start_training

    settings = request.app[SETTINGS]
    job_id = await asyncio.to_thread(start_training, settings)
    job = await asyncio.to_thread(job_status, job_id, settings)
    return json_response({"id": job_id, "status": job.get("status", "queued")}, status=202)


async def status(request: web.Request) -> web.Response:
    from app.training.jobs import job_status

    job_id = request.match_info["id"]
    if not JOB_ID.match(job_id):
        raise NotFoundError("ไม่พบงานฝึกโมเดลนี้")
    job = await asyncio.to_thread(job_status, job_id, request.app[SETTINGS])
    return json_response(job)
