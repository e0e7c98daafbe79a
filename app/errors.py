"""The project's one error hierarchy (modern environment)."""
from __future__ import annotations


class BotError(Exception):
    """Base of every error the project raises on purpose."""

    code = "error"


class NotFoundError(BotError):
    """A record asked for by key does not exist."""

    code = "not_found"


class ExternalServiceError(BotError):
    """A database, the action server or a remote API failed or was too slow."""

    code = "external_service"


class ConfigError(BotError):
    """A setting is missing or invalid."""

    code = "config"


class ValidationError(BotError):
    """Input from a client failed validation."""

    code = "invalid"


class ConflictError(BotError):
    """A change was made against a version that is no longer current."""

    code = "conflict"


class ForbiddenError(BotError):
    """The caller may not change this record (outside the editor's province)."""

    code = "forbidden"
