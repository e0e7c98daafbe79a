from __future__ import annotations

import logging

import pytest

from common.privacy import RedactingFilter, contains_personal_data, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เลขบัตร 1-2345-67890-12-1 หายค่ะ", "เลขบัตร <national_id> หายค่ะ"),
        ("บัตรผม1234567890121หาย", "บัตรผม<national_id>หาย"),
        ("๑๒๓๔๕๖๗๘๙๐๑๒๑ ค่ะ", "<national_id> ค่ะ"),
        ("โทรกลับ 081-234-5678 นะคะ", "โทรกลับ <phone> นะคะ"),
        ("เบอร์ +66 81 234 5678", "เบอร์ <phone>"),
        ("ติดต่อ 02-141-5555", "ติดต่อ <phone>"),
        ("id U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "id <line_id>"),
        ("mail somchai@example.co.th", "mail <email>"),
    ],
)
def test_redact_replaces_personal_data(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    ["ค่าธรรมเนียม 1000 บาท", "สายด่วน 1567", "โทร 1111 ได้ค่ะ", "ทร.14", "ภายใน 60 วัน", ""],
)
def test_redact_keeps_ordinary_numbers(text: str) -> None:
    assert redact(text) == text
    assert not contains_personal_data(text)


def test_log_filter_redacts_formatted_message() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s said %s",
                               ("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "081-234-5678"), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "user <line_id> said <phone>"
