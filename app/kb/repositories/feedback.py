"""Feedback, keyed by a pseudonym of the conversation and never by its raw ID."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ConfigError
from app.kb.models import Feedback


def pseudonymize(conversation_id: str, pseudonym_key: str) -> str:
    """HMAC-SHA256 of the conversation ID, hex: stable per key, not reversible.

    Raises:
        ConfigError: the key is empty (a keyless hash of a LINE user ID could be
            reversed by hashing candidate IDs).
    """
    if not pseudonym_key:
        raise ConfigError("pseudonym_key is empty; set PSEUDONYM_KEY")
    return hmac.new(
        pseudonym_key.encode("utf-8"), conversation_id.encode("utf-8"), hashlib.sha256
    ).hexdigest()


async def record_feedback(
    session: AsyncSession,
    *,
    conversation_id: str,
    pseudonym_key: str,
    helpful: bool,
    topic: str | None,
    channel: str | None,
) -> Feedback:
    """Store one "was this helpful?" answer under the conversation's pseudonym.

    Flushed, not committed: the caller's session decides the transaction.
    """
    feedback = Feedback(
        conversation_pseudonym=pseudonymize(conversation_id, pseudonym_key),
        helpful=helpful,
        topic=topic,
        channel=channel,
    )
    session.add(feedback)
    await session.flush()
    return feedback
