"""What a Thai NLU component keeps in the trained model: one versioned JSON file."""
from __future__ import annotations

import logging
from typing import Any

import rasa.shared.utils.io
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)


def save(
    model_storage: ModelStorage,
    resource: Resource,
    filename: str,
    version: int,
    data: dict[str, Any],
) -> None:
    with model_storage.write_to(resource) as directory:
        rasa.shared.utils.io.dump_obj_as_json_to_file(
            directory / filename, {"format": version, **data}
        )


def load(
    model_storage: ModelStorage,
    resource: Resource,
    filename: str,
    version: int,
    without_it: str,
) -> dict[str, Any] | None:
    """The stored data, or None (logged with ``without_it``) when the model has none.

    Raises:
        ValueError: the model stores another format; it must be retrained.
    """
    try:
        with model_storage.read_from(resource) as directory:
            data = rasa.shared.utils.io.read_json_file(directory / filename)
    except (ValueError, FileNotFoundError):
        logger.warning(
            "No %s in the model (resource %r): %s. Retrain the model.",
            filename,
            resource.name,
            without_it,
        )
        return None
    if data.get("format") != version:
        raise ValueError(
            f"{filename} in the model has format {data.get('format')!r}, "
            f"expected {version}: retrain the model"
        )
    return data
