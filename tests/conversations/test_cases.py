"""Fast tier: the case loader, the scorer, and the case files themselves."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conversations.cases import (
    CATEGORIES,
    CaseFileError,
    Turn,
    load_cases,
    load_file,
)
from tests.conversations.scoring import (
    CheckFailure,
    by_category,
    check_turn,
    reply_text,
    report,
    score_case,
)
from tests.test_nlu_test_data import _training, near_copies

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "data" / "kb" / "services"
FAQS = ROOT / "data" / "kb" / "faqs.yml"
MIN_CASES = 150


def write(tmp_path: Path, text: str, name: str = "broken.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Loader ----------------------------------------------------------------------------


def test_a_well_formed_file_loads_with_alternatives_and_the_file_category(tmp_path: Path) -> None:
    path = write(tmp_path, """
category: service_aspect
cases:
  - id: fee-passport
    turns:
      - say: ทำพาสปอร์ตกี่บาทคะ
        service: passport
        aspect: fee
        expect: ["1,000 บาท", ["08:30", "08.30"]]
        forbid: ["จังหวัดไหน"]
  - id: hello
    category: smalltalk
    turns:
      - say: สวัสดีค่ะ
        forbid: ["ขออภัย"]
""", "good.yml")
    first, second = load_file(path)
    assert first.category == "service_aspect" and second.category == "smalltalk"
    assert first.turns[0] == Turn(
        say="ทำพาสปอร์ตกี่บาทคะ", expect=(("1,000 บาท",), ("08:30", "08.30")),
        forbid=("จังหวัดไหน",), service="passport", aspect="fee",
    )
    assert first.source == "good.yml"


@pytest.mark.parametrize(("case_yaml", "reason"), [
    ("turns: [{say: สวัสดี}]", "checks nothing"),
    ("turns: [{say: สวัสดี, expect: [1548], whatever: 1}]", "unknown turn keys ['whatever']"),
    ("turns: [{say: '', expect: [x]}]", "'say' must be a non-empty string"),
    ("turns: []", "1 to 4 turns"),
    ("category: weather\n    turns: [{say: ฝนตกไหม, expect: [x]}]", "unknown category 'weather'"),
    ("turns: [{say: ค่าธรรมเนียม, expect: [x], aspect: price}]", "unknown aspect 'price'"),
    ("turns: [{say: ค่าธรรมเนียม, expect: [[]]}]", "must be a string or a list of strings"),
])
def test_a_malformed_case_names_the_file_and_the_case(tmp_path: Path, case_yaml: str,
                                                        reason: str) -> None:
    path = write(tmp_path, f"category: faq\ncases:\n  - id: bad-case\n    {case_yaml}\n")
    with pytest.raises(CaseFileError) as error:
        load_file(path)
    assert str(error.value).startswith("broken.yml: case 'bad-case': ")
    assert reason in str(error.value)
    assert error.value.case_id == "bad-case"


def test_a_case_without_id_is_named_by_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, "category: faq\ncases:\n  - id: ok\n    turns: [{say: a, expect: [b]}]\n"
                           "  - turns: [{say: a, expect: [b]}]\n")
    with pytest.raises(CaseFileError, match=r"^broken.yml: case number 2 has no string 'id'$"):
        load_file(path)


def test_invalid_yaml_and_a_missing_case_list_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="^broken.yml: not valid YAML"):
        load_file(write(tmp_path, "cases: [unclosed"))
    with pytest.raises(CaseFileError, match="^broken.yml: expected a mapping with a 'cases' list$"):
        load_file(write(tmp_path, "category: faq\n"))


def test_an_id_used_twice_names_both_files(tmp_path: Path) -> None:
    case = "category: faq\ncases:\n  - id: twice\n    turns: [{say: a, expect: [b]}]\n"
    first, second = write(tmp_path, case, "a.yml"), write(tmp_path, case, "b.yml")
    with pytest.raises(CaseFileError, match=r"^b.yml: case 'twice': id already used in a.yml$"):
        load_cases([first, second])


# Scorer ----------------------------------------------------------------------------

FEE_TURN = Turn(say="ทำพาสปอร์ตกี่บาท", expect=(("1,000 บาท",), ("1,500 บาท",)),
                forbid=("จังหวัดหรืออำเภอไหน",))


def test_a_check_passes_on_the_exact_thai_substrings() -> None:
    reply = "ค่าธรรมเนียมค่ะ\n• อายุไม่เกิน 5 ปี: 1,000 บาท\n• อายุไม่เกิน 10 ปี: 1,500 บาท"
    assert check_turn(FEE_TURN, reply) is None


def test_a_check_fails_on_a_near_miss_and_names_what_is_missing() -> None:
    # 1000 without the separator, or บาท apart from the amount, is not the fact as written.
    missing = CheckFailure(2, 'missing "1,000 บาท"')
    assert check_turn(FEE_TURN, "1000 บาท และ 1,500 บาท", 2) == missing
    assert check_turn(FEE_TURN, "1,000 บาท, 1,500  บาท") == CheckFailure(1, 'missing "1,500 บาท"')


def test_one_alternative_of_a_group_is_enough() -> None:
    turn = Turn(say="อำเภอเปิดกี่โมง", expect=(("08:30", "08.30"),))
    assert check_turn(turn, "เปิด 08.30–16.30 น.") is None
    assert check_turn(turn, "เปิด 8 โมงครึ่ง") == CheckFailure(1, 'missing "08:30" | "08.30"')


def test_forbidden_strings_and_the_system_fault_apology_fail_a_turn() -> None:
    reply = "ต้องการหาสำนักงานในจังหวัดหรืออำเภอไหนคะ 1,000 บาท 1,500 บาท"
    forbidden = CheckFailure(1, 'contains forbidden "จังหวัดหรืออำเภอไหน"')
    assert check_turn(FEE_TURN, reply) == forbidden
    fault = "ขออภัยค่ะ ขณะนี้ระบบขัดข้องชั่วคราว 1,000 บาท 1,500 บาท"
    assert "ระบบขัดข้อง" in str(check_turn(FEE_TURN, fault))


def test_reply_text_joins_texts_and_button_titles_and_skips_cards() -> None:
    messages = [
        {"text": "อำเภอจอมทองมีหลายจังหวัดค่ะ",
         "buttons": [{"title": "จอมทอง เชียงใหม่", "payload": "/inform"}]},
        {"custom": {"card": {"type": "offices", "title": "ไม่นับ"}}},
    ]
    assert reply_text(messages) == "อำเภอจอมทองมีหลายจังหวัดค่ะ\nจอมทอง เชียงใหม่"


def test_a_case_fails_at_its_first_failed_turn_and_counts_passed_turns(tmp_path: Path) -> None:
    path = write(tmp_path, """
category: follow_up
cases:
  - id: passport-then-fee
    turns:
      - say: ทำพาสปอร์ตใช้อะไร
        expect: ["บัตรประจำตัวประชาชน"]
      - say: แล้วกี่บาท
        expect: ["1,000 บาท"]
      - say: ที่ไหน
        expect: ["สำนักงานหนังสือเดินทาง"]
""")
    (case,) = load_file(path)
    replies = ["บัตรประจำตัวประชาชนฉบับจริง", "ไม่ทราบค่ะ", "สำนักงานหนังสือเดินทาง"]
    result = score_case(case, replies)
    assert not result.passed
    assert str(result.failure) == 'turn 2: missing "1,000 บาท"'
    assert result.turns_passed == 2
    assert score_case(case, ["บัตรประจำตัวประชาชน"]).failure == CheckFailure(2, "no reply")
    table = report([result])
    assert "0/1 cases passed (0.0%)" in table
    assert "  passport-then-fee  turn 2: missing \"1,000 บาท\"" in table
    assert by_category([result])["follow_up"].rate == 0.0


# The case files ----------------------------------------------------------------------


def test_the_case_files_load_and_are_enough() -> None:
    cases = load_cases()
    assert len(cases) >= MIN_CASES
    assert {c.category for c in cases} == set(CATEGORIES), "every category needs cases"


def _facts(service: dict[str, Any]) -> set[str]:
    """The aspects a service record has a fact for (a fee list of unknown amounts is none)."""
    fields = ("documents", "deadline", "processing_time", "steps", "eligibility", "online")
    aspects = {field for field in fields if service.get(field) is not None}
    fees = service.get("fees")
    if fees is not None and any(f.get("amount") is not None for f in fees):
        aspects.add("fee")
    if service.get("benefits"):
        aspects.add("amount")
    where = service.get("where_to_apply") or {}
    if where.get("office_types") or where.get("note"):
        aspects.add("where_to_apply")
    return aspects


def test_every_service_aspect_with_a_fact_has_a_case() -> None:
    services = {}
    for path in sorted(SERVICES.glob("*.yml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        services[record["code"]] = _facts(record)
    covered = {(t.service, t.aspect) for c in load_cases() for t in c.turns if t.service}
    unknown = {s for s, _ in covered} - set(services)
    assert not unknown, f"cases name services the knowledge base lacks: {sorted(unknown)}"
    missing = sorted(f"{s}:{a}" for s, aspects in services.items() for a in aspects
                     if (s, a) not in covered)
    assert not missing, f"no conversation case for these facts: {missing}"


def test_no_case_nearly_copies_a_training_example() -> None:
    # The same near-copy check as the NLU test file's, against the NLU training
    # data and the FAQ question variants (exported as training data). It names
    # case ids and turns only, never a sentence of either side.
    faqs = yaml.safe_load(FAQS.read_text(encoding="utf-8"))["faqs"]
    training = _training() + [v for faq in faqs for v in faq["question_variants"]]
    turns = [(f"{c.id} turn {n}", t.say) for c in load_cases()
             for n, t in enumerate(c.turns, 1) if not t.say.startswith("/")]
    numbered = list(enumerate(say for _, say in turns))
    copied = [turns[i][0] for i in near_copies(numbered, training)]
    assert not copied, f"rephrase these turns, they nearly copy training examples: {copied}"
