"""Public web chat page (modern environment): ``python -m bot.web``."""
from __future__ import annotations

from bot.web.app import create_app

__all__ = ["create_app"]
