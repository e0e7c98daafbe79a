"""The published models: content-addressed files and a pointer to the current one.

A model is published by copying it into the store under its SHA-256 and then
replacing ``current.json`` (both with ``os.replace``, atomic on one file
system), so a reader in another process (the model server) sees the old model
or the new one, never half of either. The fingerprint, and so the ETag Rasa
keeps, is the file's SHA-256: every replica that holds the same fingerprint
runs the same bytes. Older files are kept a while (``KEEP``) so a download
that started before a publication still finishes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.errors import NotFoundError, ValidationError

POINTER = "current.json"
KEEP = 3  # published files kept, the current one included
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PublishedModel:
    """The current model: its file in the store, fingerprint and what was recorded with it."""

    path: Path
    fingerprint: str
    filename: str  # the name it was published under (Rasa saves the download under it)
    published_at: str
    size: int
    metrics: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """What the server tells about it (no file-system path)."""
        data = asdict(self)
        del data["path"]
        return data


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ModelStore:
    """The directory of published models (``MODEL_STORE_DIR``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def current(self) -> PublishedModel:
        """Raises ``NotFoundError`` when nothing was published yet."""
        try:
            pointer = json.loads((self.directory / POINTER).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise NotFoundError("no model has been published") from exc
        path = self.directory / pointer["file"]
        if not path.is_file():
            raise NotFoundError(f"the published model file {pointer['file']} is missing")
        return PublishedModel(
            path=path,
            fingerprint=pointer["fingerprint"],
            filename=pointer["filename"],
            published_at=pointer["published_at"],
            size=pointer["size"],
            metrics=pointer.get("metrics", {}),
        )

    def current_or_none(self) -> PublishedModel | None:
        try:
            return self.current()
        except NotFoundError:
            return None

    def publish(self, model: Path, *, metrics: dict[str, Any] | None = None) -> PublishedModel:
        """Make ``model`` (a trained ``.tar.gz``) the current model.

        Raises:
            ValidationError: ``model`` is not a file ending in ``.tar.gz``.
        """
        if not model.is_file() or not model.name.endswith(".tar.gz"):
            raise ValidationError(f"{model} is not a trained model (.tar.gz)")
        self.directory.mkdir(parents=True, exist_ok=True)
        fingerprint = file_sha256(model)
        stored = self.directory / f"{fingerprint}.tar.gz"
        if not stored.exists():
            self._atomic_copy(model, stored)
        pointer = {
            "file": stored.name,
            "fingerprint": fingerprint,
            "filename": model.name,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "size": stored.stat().st_size,
            "metrics": metrics or {},
        }
        self._atomic_write(self.directory / POINTER, json.dumps(pointer, ensure_ascii=False, indent=2))
        self._prune(keep=stored.name)
        return self.current()

    def _atomic_copy(self, source: Path, target: Path) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _atomic_write(self, target: Path, text: str) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(tmp, target)

    def _prune(self, keep: str) -> None:
        models = sorted(self.directory.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
        kept = 0
        for path in models:
            if path.name == keep:
                continue
            kept += 1
            if kept >= KEEP:
                path.unlink(missing_ok=True)
