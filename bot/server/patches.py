"""Every change this project makes to Rasa 3.6.21's own code, applied in one place.

``python -m bot ...`` (bot/__main__.py) applies them before Rasa's command
line starts; nothing applies them as a side effect of an import. The REST
channel and the tracker store call :func:`require_applied` when Rasa creates
them, so a server started with the bare ``rasa`` command stops at once with a
message that says how to start it, instead of running slower and differently.

* :mod:`bot.server.speedups`: hot spots of the server, same behaviour.
* :mod:`bot.server.fixes`: the training cache that always missed DIET, and a
  spurious warning about the response selector.
* :mod:`bot.server.slash_commands`: only our buttons' payloads and
  ``/restart`` skip NLU.

It also installs log redaction (``nlp.names.install_log_redaction``): every
log record of the server loses ID numbers, phones and names before any
handler Rasa configures later writes it.
"""
from __future__ import annotations

import logging

from bot.server import fixes, slash_commands, speedups

logger = logging.getLogger(__name__)

ENTRY_POINT = ".venv/rasa/bin/python -m bot"
_applied = False


class PatchesNotAppliedError(RuntimeError):
    """Rasa was started without the project's patches."""


def apply() -> None:
    """Apply every patch (idempotent)."""
    global _applied
    if _applied:
        return
    speedups.apply()
    fixes.apply()
    slash_commands.apply()
    from nlp import names

    names.install_log_redaction()
    _applied = True


def applied() -> bool:
    return _applied


def require_applied(what: str) -> None:
    """Refuse to run ``what`` on an unpatched Rasa.

    Raises:
        PatchesNotAppliedError: naming the command to use instead.
    """
    if not _applied:
        raise PatchesNotAppliedError(
            f"{what} needs this project's Rasa patches (bot/server/patches.py), "
            f"which were not applied: start Rasa with `{ENTRY_POINT} run|train|test|shell ...` "
            f"instead of the bare `rasa` command."
        )
