"""The model server answers as Rasa's model pulling expects: ETag, 304, the file."""
from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from app.errors import ValidationError
from app.modelserver.app import create_app
from app.modelserver.store import KEEP, ModelStore

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


def model_file(directory: Path, name: str, content: bytes) -> Path:
    path = directory / name
    path.write_bytes(content)
    return path


async def test_nothing_published_is_a_404_rasa_reads_as_no_model(
    tmp_path: Path, aiohttp_client: Client
) -> None:
    client = await aiohttp_client(create_app(ModelStore(tmp_path / "store")))
    reply = await client.get("/models/current")
    assert reply.status == 404
    assert (await reply.json())["error"] == "not_found"


async def test_the_current_model_with_its_fingerprint_then_304_until_a_new_one(
    tmp_path: Path, aiohttp_client: Client
) -> None:
    store = ModelStore(tmp_path / "store")
    first = b"first model " * 100_000  # larger than one chunk
    store.publish(model_file(tmp_path, "thai-assistant.tar.gz", first))
    client = await aiohttp_client(create_app(store))

    reply = await client.get("/models/current")
    assert reply.status == 200
    assert await reply.read() == first
    etag = reply.headers["ETag"]
    assert etag == f'"{hashlib.sha256(first).hexdigest()}"'
    assert reply.headers["filename"] == "thai-assistant.tar.gz"

    # Rasa sends back the ETag it was given.
    assert (await client.get("/models/current", headers={"If-None-Match": etag})).status == 304
    bare = etag.strip('"')
    assert (await client.get("/models/current", headers={"If-None-Match": bare})).status == 304

    second = b"retrained model"
    store.publish(model_file(tmp_path, "model-2.tar.gz", second))
    reply = await client.get("/models/current", headers={"If-None-Match": etag})
    assert reply.status == 200
    assert await reply.read() == second
    assert reply.headers["ETag"] == f'"{hashlib.sha256(second).hexdigest()}"'
    assert reply.headers["filename"] == "model-2.tar.gz"


async def test_head_and_info_describe_without_sending_the_model(
    tmp_path: Path, aiohttp_client: Client
) -> None:
    store = ModelStore(tmp_path / "store")
    store.publish(model_file(tmp_path, "m.tar.gz", b"x" * 10), metrics={"intent_accuracy": 0.9})
    client = await aiohttp_client(create_app(store))
    head = await client.head("/models/current")
    assert head.status == 200
    assert head.headers["Content-Length"] == "10"
    assert await head.read() == b""
    info = await (await client.get("/models/current/info")).json()
    assert info["fingerprint"] == hashlib.sha256(b"x" * 10).hexdigest()
    assert info["metrics"] == {"intent_accuracy": 0.9}
    assert "path" not in info


async def test_other_methods_and_paths_get_a_reason_not_a_5xx(
    tmp_path: Path, aiohttp_client: Client
) -> None:
    client = await aiohttp_client(create_app(ModelStore(tmp_path / "store")))
    assert (await client.post("/models/current")).status == 405
    assert (await client.get("/models/other")).status == 404


def test_only_trained_models_are_published(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    with pytest.raises(ValidationError):
        store.publish(model_file(tmp_path, "notes.txt", b"x"))
    with pytest.raises(ValidationError):
        store.publish(tmp_path / "missing.tar.gz")
    assert store.current_or_none() is None


def test_older_models_are_pruned_but_the_last_few_kept(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "store")
    for index in range(KEEP + 3):
        store.publish(model_file(tmp_path, f"m{index}.tar.gz", f"model {index}".encode()))
    kept = sorted(p.name for p in (tmp_path / "store").glob("*.tar.gz"))
    assert len(kept) == KEEP
    current = store.current()
    assert current.path.name in kept and current.filename == f"m{KEEP + 2}.tar.gz"
