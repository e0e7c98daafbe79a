"""Play conversation cases against a running assistant over its REST channel.

Each case gets a fresh sender, so no case sees another's slots. Only the
public webhook is used (no token, no tracker API): the evaluation sees what a
citizen sees.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.conversations.cases import Case
from tests.conversations.scoring import CaseResult, CheckFailure, reply_text, score_case

TURN_TIMEOUT_SECONDS = 120.0


class TurnError(RuntimeError):
    """The webhook did not answer a turn with 200 and a JSON list."""


def send(webhook_url: str, sender: str, text: str) -> list[dict[str, Any]]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(webhook_url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TURN_TIMEOUT_SECONDS) as reply:  # noqa: S310
            messages = json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        raise TurnError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise TurnError(type(error).__name__) from None
    if not isinstance(messages, list):
        raise TurnError("reply is not a JSON list")
    return messages


def play_case(webhook_url: str, case: Case) -> CaseResult:
    """Send every turn in order, then score; a failed request ends the case."""
    sender = f"convo-{case.id}-{uuid.uuid4().hex[:8]}"
    replies: list[str] = []
    for number, turn in enumerate(case.turns, 1):
        try:
            replies.append(reply_text(send(webhook_url, sender, turn.say)))
        except TurnError as error:
            result = score_case(case, replies)
            result.failure = CheckFailure(number, f"no reply ({error})")
            return result
    return score_case(case, replies)


def play(rasa_url: str, cases: Sequence[Case], *, workers: int = 2,
         progress: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    """Results in the order of ``cases``.

    A couple of conversations in flight keep the Rasa server busy while an
    action runs; more only queue up on the shared cores.
    """
    webhook = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"

    def run(case: Case) -> CaseResult:
        result = play_case(webhook, case)
        if progress is not None:
            progress(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(run, cases))
