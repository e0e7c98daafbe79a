"""Public web chat page (modern environment): ``python -m app.webchat``."""
from __future__ import annotations

from app.webchat.app import create_app

__all__ = ["create_app"]
