"""Every turn answers: an apology and a hotline instead of silence.

Rasa logs and swallows a failing action server, which leaves the citizen with
no reply; a slow one holds the turn for minutes. Channels run each turn
through :func:`run_turn` and fall back to :func:`apology_text`.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from common.privacy import redact

logger = logging.getLogger(__name__)

APOLOGY_RESPONSE = "utter_service_unavailable"
# Used only if the domain lacks the response: the citizen still gets a hotline.
DEFAULT_APOLOGY = (
    "ขออภัยค่ะ ขณะนี้ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งในภายหลัง "
    "หรือโทรศูนย์บริการข้อมูลภาครัฐเพื่อประชาชน 1111 ค่ะ"
)


def apology_text(app: Any) -> str:
    """The domain's apology response, read from the agent the server runs."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    domain = getattr(agent, "domain", None)
    responses = getattr(domain, "responses", None) or {}
    for variant in responses.get(APOLOGY_RESPONSE, []):
        if variant.get("text"):
            return str(variant["text"])
    return DEFAULT_APOLOGY


async def run_turn(handle: Callable[[], Awaitable[Any]], timeout: float) -> bool:
    """Run one turn; False if it failed or is still running after ``timeout``.

    A timed-out turn is shielded, not cancelled, so Rasa still saves its
    tracker and releases its lock: nothing already received is lost.
    """
    task = asyncio.ensure_future(handle())
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout)
        return True
    except asyncio.TimeoutError:
        logger.warning("turn still running after %.1f s; apologising", timeout)
        task.add_done_callback(_log_late_failure)
        return False
    except Exception as exc:  # noqa: BLE001 - the citizen must get an answer
        logger.error("turn failed: %s", redact(str(exc)))
        return False


def _log_late_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("late turn failed: %s", redact(str(task.exception())))
