"""Filesystem locations inside the repository (standard library only)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GEO = DATA / "geo"
KB_DATA = DATA / "kb"
VAR = ROOT / "var"
