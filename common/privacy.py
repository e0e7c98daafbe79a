"""Redaction of personal data before anything reaches logs or analytics.

Standard library only: both environments use it.
"""
from __future__ import annotations

import logging
import re

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# 13-digit national ID, typed plain or grouped 1-2345-67890-12-3 with any separator.
_NATIONAL_ID = re.compile(r"(?<!\d)\d(?:[\s\-.]?\d){12}(?!\d)")
# Thai phone numbers: mobiles 0[689]x-xxx-xxxx, landlines 0x-xxx-xxxx, +66 forms.
_PHONE = re.compile(r"(?<![\d+])(?:\+66[\s\-]?|0)\d{1,2}(?:[\s\-.]?\d){6,7}(?!\d)")
_LINE_USER_ID = re.compile(r"\b[UCR][0-9a-f]{32}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")

_PATTERNS = (
    (_LINE_USER_ID, "<line_id>"),
    (_EMAIL, "<email>"),
    (_NATIONAL_ID, "<national_id>"),
    (_PHONE, "<phone>"),
)


def _ascii_digits(text: str) -> str:
    return text.translate(_THAI_DIGITS)


def contains_personal_data(text: str) -> bool:
    """True if the text holds a national ID, phone number, e-mail or LINE ID."""
    plain = _ascii_digits(text)
    return any(pattern.search(plain) for pattern, _ in _PATTERNS)


def redact(text: str) -> str:
    """Replace personal data with placeholders; Thai digits are caught too.

    Thai digits are mapped one-to-one onto ASCII digits before matching, so
    offsets agree and the unmatched text is returned as the citizen wrote it.
    """
    if not text:
        return text
    plain = _ascii_digits(text)
    spans: list[tuple[int, int, str]] = []
    for pattern, placeholder in _PATTERNS:
        for match in pattern.finditer(plain):
            if not any(s < match.end() and match.start() < e for s, e, _ in spans):
                spans.append((match.start(), match.end(), placeholder))
    for start, end, placeholder in sorted(spans, reverse=True):
        text = text[:start] + placeholder + text[end:]
    return text


class RedactingFilter(logging.Filter):
    """Logging filter that redacts the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_log_redaction() -> None:
    """Attach the redacting filter to every handler of the root logger."""
    redacting = RedactingFilter()
    root = logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redacting)
