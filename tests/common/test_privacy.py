from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from common.privacy import (
    NAME,
    PLACEHOLDERS,
    PUBLIC_NUMBERS,
    Finding,
    RedactingFilter,
    apply,
    contains_personal_data,
    find_personal_data,
    luhn_ok,
    national_id_checksum_ok,
    pseudonymise,
    redact,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "privacy"


def _messages(name: str) -> list[dict]:
    return yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))["messages"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("เลขบัตร 1-2345-67890-12-1 หายค่ะ", "เลขบัตร <เลขบัตรประชาชน> หายค่ะ"),
        ("บัตรผม1234567890121หาย", "บัตรผม<เลขบัตรประชาชน>หาย"),
        ("๑๒๓๔๕๖๗๘๙๐๑๒๑ ค่ะ", "<เลขบัตรประชาชน> ค่ะ"),
        ("เลข๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑ค่ะ", "เลข<เลขบัตรประชาชน>ค่ะ"),
        ("บัตร 1 2345 67890 12 1 ครับ", "บัตร <เลขบัตรประชาชน> ครับ"),
        ("โทรกลับ 081-234-5678 นะคะ", "โทรกลับ <เบอร์โทร> นะคะ"),
        ("เบอร์ +66 81 234 5678", "เบอร์ <เบอร์โทร>"),
        ("โทร๐๘๑๒๓๔๕๖๗๘ค่ะ", "โทร<เบอร์โทร>ค่ะ"),
        ("บ้าน 053-112-345 ค่ะ", "บ้าน <เบอร์โทร> ค่ะ"),
        ("ที่ทำงาน 02-987-6543 ต่อ 12", "ที่ทำงาน <เบอร์โทร> ต่อ 12"),
        ("id U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "id <ไลน์ไอดี>"),
        ("ไอดีไลน์ somchai_88 ค่ะ", "ไอดีไลน์ <ไลน์ไอดี> ค่ะ"),
        ("mail somchai@example.co.th", "mail <อีเมล>"),
        ("ส่งมาที่somchai.k@gmail.comนะคะ", "ส่งมาที่<อีเมล>นะคะ"),
        ("โอนเข้าบัญชี 123-4-56789-0 ค่ะ", "โอนเข้าบัญชี <เลขบัญชี> ค่ะ"),
        ("เลขบช.กสิกร 0123456789", "เลขบช.กสิกร <เลขบัญชี>"),
        ("บัตรเครดิต 4111 1111 1111 1111 ค่ะ", "บัตรเครดิต <เลขบัตร> ค่ะ"),
        ("โอนมาที่ 123-456789-0 ไทยพาณิชย์", "โอนมาที่ <เลขบัญชี> ไทยพาณิชย์"),
        ("ธกส 020123456789 ค่ะ", "ธกส <เลขบัญชี> ค่ะ"),
        ("เลขบัตร 12345678901214 ค่ะ", "เลขบัตร <เลขบัตรประชาชน> ค่ะ"),
        ("รถทะเบียน กข 1234 กรุงเทพมหานคร", "รถทะเบียน <ทะเบียนรถ>"),
        ("ป้ายทะเบียน1กข1234หาย", "ป้ายทะเบียน<ทะเบียนรถ>หาย"),
        ("ชนกับรถ 2กท 5678 เชียงใหม่", "ชนกับรถ <ทะเบียนรถ>"),
    ],
)
def test_redact_replaces_personal_data(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert contains_personal_data(text)


@pytest.mark.parametrize(
    "text",
    ["ค่าธรรมเนียม 1000 บาท", "สายด่วน 1567", "โทร 1111 ได้ค่ะ", "ทร.14", "สด.9", "ภายใน 60 วัน",
     "ติดต่อ 02-141-5555", "ปี 2566 2567 2568 2569", "เวลา 08:30-16:30 น.", "รถ 2 คัน",
     "แอดไลน์ @dopa", "รหัสไปรษณีย์ 50200", "วันที่ 12/04/2569", ""],
)
def test_redact_keeps_ordinary_numbers(text: str) -> None:
    assert redact(text) == text
    assert not contains_personal_data(text)


def test_checksum_sets_the_confidence_not_the_decision() -> None:
    assert national_id_checksum_ok("1234567890121")
    assert not national_id_checksum_ok("1234567890122")
    good, typo = find_personal_data("1234567890121"), find_personal_data("1234567890122")
    assert [(f.kind, f.confidence) for f in good] == [("national_id", 0.99)]
    assert [(f.kind, f.confidence) for f in typo] == [("national_id", 0.7)]


def test_card_needs_luhn_or_a_card_cue() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert redact("เลขอ้างอิง 4111111111111112") == "เลขอ้างอิง 4111111111111112"
    assert redact("บัตรเดบิต 4111111111111112") == "บัตรเดบิต <เลขบัตร>"


def test_findings_keep_offsets_of_the_original_text() -> None:
    text = "โทร๐๘๑๒๓๔๕๖๗๘ค่ะ"
    (finding,) = find_personal_data(text)
    assert finding.text(text) == "๐๘๑๒๓๔๕๖๗๘"


def test_apply_uses_typed_placeholders_and_skips_overlaps() -> None:
    text = "ชื่อ สมชาย ใจดี"
    findings = [Finding(5, 15, NAME, 0.9), Finding(5, 10, NAME, 0.5)]
    assert apply(text, findings) == "ชื่อ <ชื่อ>"
    assert PLACEHOLDERS[NAME] == "<ชื่อ>"


def test_pseudonymise_is_keyed_and_stable() -> None:
    a = pseudonymise("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", b"key-one")
    assert a == pseudonymise("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "key-one")
    assert a != pseudonymise("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", b"key-two")
    assert len(a) == 64 and "4af4980629" not in a
    assert pseudonymise("", b"k") == ""
    with pytest.raises(ValueError, match="key"):
        pseudonymise("U4af", b"")


def test_public_numbers_are_the_hotlines_verified_in_agencies() -> None:
    agencies = yaml.safe_load((ROOT / "data" / "kb" / "agencies.yml").read_text(encoding="utf-8"))
    rows = agencies if isinstance(agencies, list) else next(v for v in agencies.values() if isinstance(v, list))
    hotlines = {"".join(c for c in str(a["hotline"]) if c.isdigit()) for a in rows if a.get("hotline")}
    assert hotlines == set(PUBLIC_NUMBERS)
    for number in hotlines:
        assert redact(f"โทร {number} ค่ะ") == f"โทร {number} ค่ะ"


def test_log_filter_redacts_formatted_message() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s said %s",
                               ("U4af4980629a1b2c3d4e5f6a7b8c9d0e1", "081-234-5678"), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "user <ไลน์ไอดี> said <เบอร์โทร>"


# The corpus: every value with a shape is found with its type; names are nlp.names' part.

def test_corpus_is_large_enough_and_spans_are_exact() -> None:
    personal, clean = _messages("personal.yml"), _messages("clean.yml")
    assert len(personal) >= 300 and len(clean) >= 300
    for message in personal:
        assert message["spans"], message["text"]
        for span in message["spans"]:
            assert message["text"][span["start"]:span["end"]] == span["value"]


def test_corpus_every_value_with_a_shape_is_redacted() -> None:
    missed = []
    for message in _messages("personal.yml"):
        text, redacted = message["text"], redact(message["text"])
        findings = find_personal_data(text)
        for span in message["spans"]:
            if span["type"] == NAME:
                continue
            covered = any(f.kind == span["type"] and f.start <= span["start"] and span["end"] <= f.end
                          for f in findings)
            if not covered or span["value"] in redacted:
                missed.append((span["type"], text))
    assert missed == []


def test_corpus_clean_messages_survive_unchanged() -> None:
    changed = [m["text"] for m in _messages("clean.yml") if redact(m["text"]) != m["text"]]
    assert changed == []


def test_text_without_digits_at_signs_or_latin_letters_skips_the_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    from common import privacy

    texts = [m["text"] for path in sorted(CORPUS.glob("*.yml"))
             for m in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]]
    texts += ["เอกสารที่ต้องใช้ค่ะ\n• บัตรประจำตัวประชาชน", "ไอดีไลน์ ｓomchai", "โทร ๐๘๑๒๓๔๕๖๗๘", "passport",
              "ไอดีไลน์ somchai_88", "LINE ID: abc_123x", "add Line somchai", "แอดไลน์คือ jaidee.s",
              "U" + "abcdef" * 5 + "ab", "ส่งไป Cabcdefabcdefabcdefabcdefabcdefab ค่ะ"]
    found = [find_personal_data(t) for t in texts]
    monkeypatch.setattr(privacy, "_MAY_HOLD_A_SHAPE", privacy.re.compile(""))
    assert [find_personal_data(t) for t in texts] == found
