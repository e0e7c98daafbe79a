"""The hand-written KB content (data/kb) keeps the promises the assistant relies on.

Officers and engineers edit these files by hand; these checks catch the
mistakes that would reach a citizen: an alias that points at two services,
a phone number nobody verified, a record without a source.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
import yaml

from app.errors import ValidationError
from app.kb.seed.sources import KbData, load_kb, read_service
from common.paths import KB_DATA

CHECKED_ON = date(2026, 11, 24)
# Records re-checked against the stored official pages for issue 12 (item 5).
RECHECKED_ON = date(2026, 12, 7)

# Every phone number the content may print. A new number must be verified
# against the agency's own publication and added here (and to SOURCES.md).
KNOWN_NUMBERS = {
    "1111",  # ศูนย์บริการข้อมูลภาครัฐเพื่อประชาชน
    "1548",  # กรมการปกครอง
    "1567",  # ศูนย์ดำรงธรรม
    "1555",  # กรุงเทพมหานคร
    "1584",  # กรมการขนส่งทางบก
    "1570",  # กรมพัฒนาธุรกิจการค้า
    "1161",  # กรมสรรพากร
    "1300",  # ศูนย์ช่วยเหลือสังคม พม.
    "1206",  # สำนักงาน ป.ป.ท.
    "191",  # ตำรวจ (เหตุด่วนเหตุร้าย)
    "199",  # ดับเพลิง
    "1669",  # เจ็บป่วยฉุกเฉิน
    "02-572-8442",  # กรมการกงสุล
    "02-141-5555",  # กรมที่ดิน
}
# Numbers that look like phone numbers: 3-4 digit hotlines starting with 1
# (not amounts such as "100 บาท" or "110 ซีซี"), or landlines 0x-xxx-xxxx.
PHONE = re.compile(
    r"(?<![\d.,/-])"
    r"(?:1\d{2,3}(?![\d.,/-])(?!\s*(?:บาท|ซีซี|ปี|วัน|นาที|ชั่วโมง|เดือน|คน|แปลง|%))"
    r"|0\d-\d{3}-\d{4}(?![\d.,/-]))"
)


@pytest.fixture(scope="module")
def kb() -> KbData:
    return load_kb(KB_DATA)


def _norm(alias: str) -> str:
    return re.sub(r"\s+", "", alias).casefold()


def test_every_alias_names_exactly_one_service_or_office_type(kb: KbData) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for service in kb.services:
        for alias in service["aliases"]:
            owners[_norm(alias)].add(f"service:{service['code']}")
    for office_type in kb.office_types:
        for alias in office_type["aliases"]:
            owners[_norm(alias)].add(f"office_type:{office_type['code']}")
    shared = {alias: sorted(o) for alias, o in owners.items() if len(o) > 1}
    assert shared == {}
    for service in kb.services:
        normalised = [_norm(a) for a in service["aliases"]]
        assert len(normalised) == len(set(normalised)), service["code"]


def test_every_record_names_its_source_and_check_date(kb: KbData) -> None:
    records = [*kb.agencies, *kb.office_types, *kb.services, *kb.faqs, *kb.holidays]
    for record in records:
        assert record["source_agency"] or record["source_title"], record
        assert record["checked_on"] in {CHECKED_ON, RECHECKED_ON}, record


def test_services_are_complete(kb: KbData) -> None:
    assert len(kb.services) >= 28
    for service in kb.services:
        assert service["aliases"], service["code"]
        assert service["office_types"], service["code"]
        assert service["legal_basis"] or service["code"] == "police_report_lost_documents"
        for fee in service["fees"] or []:
            assert fee["condition"], (service["code"], fee)
            assert fee["amount"] is None or fee["amount"] >= 0, (service["code"], fee)


def test_every_file_is_a_known_service_field(kb: KbData) -> None:
    required = set(
        "code name_th name_en category aliases agency where_to_apply eligibility documents "
        "fees deadline penalty processing_time steps legal_basis online hotline source".split()
    )
    for path in sorted((KB_DATA / "services").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert required <= set(doc) <= required | {"unverified", "benefits", "english_resources"}, (
            path.name
        )


def _service_docs() -> dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((KB_DATA / "services").glob("*.yml"))
    }


def _missing_facts(doc: dict) -> set[str]:
    """The fee, deadline and document facts a service record leaves empty."""
    missing = set()
    if doc.get("documents") is None:
        missing.add("documents")
    fees = doc.get("fees")
    if fees is None or any(fee.get("amount") is None for fee in fees):
        missing.add("fees")
    if not doc.get("deadline"):
        missing.add("deadline")
    return missing


def test_an_empty_fee_deadline_or_document_list_has_a_recorded_reason() -> None:
    """Issue 12: a fact the law fixes is filled; one we could not verify says why."""
    unexplained = {
        (code, field)
        for code, doc in _service_docs().items()
        for field in _missing_facts(doc)
        if not str((doc.get("unverified") or {}).get(field) or "").strip()
    }
    assert unexplained == set()


def test_no_reason_is_left_for_a_fact_that_is_now_filled() -> None:
    stale = {
        (code, field)
        for code, doc in _service_docs().items()
        for field in (doc.get("unverified") or {})
        if field in {"documents", "fees", "deadline"} and field not in _missing_facts(doc)
    }
    assert stale == set()


def test_every_unverified_fact_is_listed_for_officers() -> None:
    text = Path(KB_DATA / "SOURCES.md").read_text(encoding="utf-8")
    unlisted = {
        f"{code}.{field}"
        for code, doc in _service_docs().items()
        for field in (doc.get("unverified") or {})
        if f"`{code}.{field}`" not in text
    }
    assert unlisted == set()


def test_the_reason_check_catches_an_unexplained_gap() -> None:
    doc = {"documents": None, "fees": [{"amount": None, "condition": "x"}], "deadline": None}
    assert _missing_facts(doc) == {"documents", "fees", "deadline"}
    filled = {"documents": [], "fees": [{"amount": 0, "condition": "x"}], "deadline": "ทันที"}
    assert _missing_facts(filled) == set()


def test_faqs_have_varied_variants_and_distinct_keys(kb: KbData) -> None:
    national = [f for f in kb.faqs if f["province_code"] is None]
    # Only questions no service intent answers (see the header of faqs.yml).
    assert 10 <= len(national) <= 25
    assert len({f["key"] for f in national}) == len(national)
    seen: dict[str, str] = {}
    for faq in national:
        assert 8 <= len(faq["question_variants"]) <= 12, faq["key"]
        for variant in faq["question_variants"]:
            # One variant teaching two FAQs would make the selector guess.
            assert seen.setdefault(_norm(variant), faq["key"]) == faq["key"], variant
        assert "ค่ะ" in faq["answer"], faq["key"]


def test_holidays_are_unique_and_cover_2026_and_2027(kb: KbData) -> None:
    dates = [h["date"] for h in kb.holidays]
    assert len(dates) == len(set(dates))
    assert {d.year for d in dates} == {2026, 2027}


def _texts(kb: KbData) -> list[tuple[str, str]]:
    texts = []
    for agency in kb.agencies:
        texts.append((f"agency {agency['code']}", agency["hotline"] or ""))
    for office_type in kb.office_types:
        texts += [
            (f"office type {office_type['code']}", office_type[f] or "")
            for f in ("hotline", "description", "hours_note")
        ]
    for service in kb.services:
        fields = (
            "hotline where_note eligibility deadline penalty processing_time online_name".split()
        )
        texts += [(f"service {service['code']}", service[f] or "") for f in fields]
        texts += [(f"service {service['code']}", line) for line in service["documents"] or []]
        texts += [(f"service {service['code']}", line) for line in service["steps"] or []]
    texts += [(f"faq {f['key']} {f['province_code']}", f["answer"]) for f in kb.faqs]
    return texts


def test_only_verified_phone_numbers_are_printed(kb: KbData) -> None:
    unknown = {
        (where, number)
        for where, text in _texts(kb)
        for number in PHONE.findall(text)
        if number not in KNOWN_NUMBERS
    }
    assert unknown == set()
    hotlines = {a["hotline"] for a in kb.agencies} | {s["hotline"] for s in kb.services}
    assert hotlines - {None} <= KNOWN_NUMBERS


def test_phone_pattern_catches_a_made_up_number() -> None:
    text = "โทร 1234 หรือ 02-123-4567 ปี 2569 ราคา 1,500 บาท ค่าธรรมเนียม 100 บาท 110 ซีซี"
    assert PHONE.findall(text) == ["1234", "02-123-4567"]


def test_sources_document_exists() -> None:
    text = Path(KB_DATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in sorted((KB_DATA / "services").glob("*.yml")):
        assert f"`{path.stem}`" in text, path.stem


@pytest.mark.parametrize(
    ("unverified", "message"),
    [
        ("fees", "must map a field name"),
        ({"fee": "typo"}, "unknown field 'fee'"),
        ({"fees": " "}, "needs a reason"),
    ],
)
def test_a_malformed_unverified_entry_fails_the_seed(
    tmp_path: Path, unverified: object, message: str
) -> None:
    doc = yaml.safe_load((KB_DATA / "services" / "passport.yml").read_text(encoding="utf-8"))
    doc["unverified"] = unverified
    path = tmp_path / "passport.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        read_service(path)
    doc["unverified"] = {"processing_time": "ไม่พบในแหล่งที่ตรวจ"}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert "unverified" not in read_service(path)  # validated, not stored
