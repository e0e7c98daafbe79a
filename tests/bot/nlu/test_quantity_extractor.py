"""QuantityEntityExtractor: Thai ages, durations, dates, amounts and vehicles, normalised."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.gazetteer import DISTRICT, OFFICE_TYPE, PROVINCE, SERVICE
from bot.nlu.quantity_extractor import QuantityEntityExtractor
from bot.nlu.thai_quantities import ENTITY_TYPES, extract, resolve_date, thai_words_to_int
from tests.bot.nlu.support import Trained
from tests.test_nlu_test_data import _examples, _training, near_copies

ROOT = Path(__file__).resolve().parents[3]
DEVELOPMENT_FILE = ROOT / "tests" / "fixtures" / "entities" / "quantities.yml"
TEST_FILE = ROOT / "tests" / "data" / "nlu_entities_test.yml"
# A Monday.
TODAY = date(2026, 12, 7)


def tagged(text: str) -> list[tuple[str, str, object]]:
    """(entity, raw text of the span, value) in text order."""
    return [(q.entity, text[q.start:q.end], q.value) for q in extract(text, TODAY)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ages: after อายุ, after the person, in ขวบ; a number in words.
        ("แม่อายุ 82 ได้เบี้ยเดือนละเท่าไหร่", [("age", "82", 82)]),
        ("แม่อายุแปดสิบสองค่ะ", [("age", "แปดสิบสอง", 82)]),
        ("พ่อ 70 ปีได้กี่บาท", [("age", "70 ปี", 70)]),
        ("ลูก 7 ขวบทำบัตรได้ไหม", [("age", "7 ขวบ", 7)]),
        ("ยายอายุ ๘๕ ปีค่ะ", [("age", "๘๕ ปี", 85)]),
        ("แม่จะอายุครบ60แล้ว", [("age", "60", 60)]),
        ("ผู้ที่มีอายุ 60 ปีขึ้นไป", [("age", "60 ปี", 60)]),
        ("ผมอายุ 18 ปีบริบูรณ์แล้ว", [("age", "18 ปีบริบูรณ์", 18)]),
        ("ลูกทำบัตรประชาชนตอนอายุ 7 ปี", [("age", "7 ปี", 7)]),
        # A document's อายุ is its validity: a duration.
        ("พาสปอร์ตอายุ 10 ปี กับ 5 ปี ต่างกันยังไง",
         [("duration", "10 ปี", "P10Y"), ("duration", "5 ปี", "P5Y")]),
        ("บัตรหมดอายุมา3เดือนแล้ว", [("duration", "3เดือน", "P3M")]),
        ("ใช้เวลา 15 วันทำการ", [("duration", "15 วันทำการ", "P15D")]),
        ("รอ 2 สัปดาห์", [("duration", "2 สัปดาห์", "P2W")]),
        ("แจ้งภายใน ๒๔ ชม.", [("duration", "๒๔ ชม.", "PT24H")]),
        ("ปีนึงต้องต่อไหม", [("duration", "ปีนึง", "P1Y")]),
        ("ขาดต่อมาสองปีครึ่ง", [("duration", "สองปีครึ่ง", "P30M")]),
        ("ครึ่งชั่วโมงเสร็จไหม", [("duration", "ครึ่งชั่วโมง", "PT30M")]),
        ("รอ 3-5 วันทำการ", [("duration", "3-5 วันทำการ", "P5D")]),
        # Amounts in baht, Thai digits and thousands separators, words, scales.
        ("ค่าธรรมเนียม ๑,๐๐๐ บาท ใช่ไหม", [("amount", "๑,๐๐๐ บาท", 1000)]),
        ("ทำบัตรใหม่฿100ใช่ไหม", [("amount", "฿100", 100)]),
        ("ภาษี 1.5 หมื่นบาท", [("amount", "1.5 หมื่นบาท", 15000)]),
        ("เขาเก็บสามร้อยบาท", [("amount", "สามร้อยบาท", 300)]),
        ("ค่าปรับ 20.50 บาท", [("amount", "20.50 บาท", 20.5)]),
        ("เบี้ยเดือนละ 600 ใช่ไหม", [("amount", "600", 600)]),
        # Dates: Buddhist-era years, two-digit years, numeric day/month/year.
        ("นัด 7 ธ.ค. 2569 ค่ะ", [("date", "7 ธ.ค. 2569", "2026-12-07")]),
        ("วันที่ 15/01/70 ได้ไหม", [("date", "15/01/70", "2027-01-15")]),
        ("หมด ๓๑ ธันวาคม ๖๙", [("date", "๓๑ ธันวาคม ๖๙", "2026-12-31")]),
        ("25/12/2026 เปิดไหม", [("date", "25/12/2026", "2026-12-25")]),
        ("ก่อน 30 เมษา", [("date", "30 เมษา", "--04-30")]),
        ("เดือนมีนาคม 2570", [("date", "มีนาคม 2570", "2027-03")]),
        ("พรุ่งนี้เปิดไหม", [("date", "พรุ่งนี้", "today+1")]),
        ("วันจันทร์หน้าไปได้ไหม", [("date", "จันทร์หน้า", "next-monday")]),
        # Vehicle classes and licence types.
        ("ต่อใบขับขี่มอไซค์", [("vehicle_class", "มอไซค์", "private_motorcycle")]),
        ("ใบขับขี่รถยนต์ส่วนบุคคลชั่วคราว",
         [("vehicle_class", "รถยนต์ส่วนบุคคล", "private_car"), ("licence_type", "ชั่วคราว", "temporary")]),
        ("ขับวินมอเตอร์ไซค์รับจ้าง", [("vehicle_class", "มอเตอร์ไซค์รับจ้าง", "public_motorcycle")]),
        ("ใบขับขี่ตลอดชีพยังใช้ได้ไหม", [("licence_type", "ตลอดชีพ", "lifetime")]),
        ("ต่อใบขับขี่รถยนต์ 5 ปี 500 บาท",
         [("vehicle_class", "รถยนต์", "private_car"), ("duration", "5 ปี", "P5Y"),
          ("amount", "500 บาท", 500)]),
    ],
)
def test_quantities_with_raw_spans_and_normalised_values(text: str, expected: list) -> None:
    assert tagged(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "โทร 081-234-5678 นะ",  # a phone number is no amount, date or duration
        "เลขบัตร 1-2345-67890-12-3",
        "เบอร์ <เบอร์โทร> เลขบัญชี <เลขบัญชี>",  # the redaction's placeholders
        "บ้านเลขที่ 99/12 หมู่ 4",
        "เปิดวันเสาร์ไหม",  # every Saturday, not a date
        "สองคนไปได้ไหม",  # a number word without a unit
        "ห้างเปิดกี่โมง",
        "ชั่วคราวย้ายออกได้ไหม",  # ชั่วคราว without a licence
        "วันละ 3 ครั้ง",  # a rate of something else
        "บัตรประชาชนอายุกี่ปี",
    ],
)
def test_no_quantity_where_there_is_none(text: str) -> None:
    assert tagged(text) == []


def test_offsets_are_true_to_the_raw_text_through_zero_width_and_stretching() -> None:
    text = "แม่\u200bอายุ ๘\u200b๒ ค่าาาา จ่าย ๕๐๐ บาทท"
    assert tagged(text) == [("age", "๘\u200b๒", 82), ("amount", "๕๐๐ บาท", 500)]


def test_relative_dates_keep_their_expression_and_carry_todays_date() -> None:
    (tomorrow,) = extract("พรุ่งนี้เปิดไหม", TODAY)
    assert (tomorrow.value, tomorrow.additional_info) == ("today+1", {"date": "2026-12-08"})
    assert resolve_date("today-1", TODAY) == date(2026, 12, 6)
    assert resolve_date("this-monday", TODAY) == TODAY
    assert resolve_date("this-saturday", TODAY) == date(2026, 12, 12)
    assert resolve_date("next-monday", TODAY) == date(2026, 12, 14)
    assert resolve_date("next-friday", date(2026, 12, 11)) == date(2026, 12, 18)
    assert resolve_date("2026-12-07", TODAY) is None


def test_thai_number_words() -> None:
    assert thai_words_to_int("แปดสิบสอง") == 82
    assert thai_words_to_int("ยี่สิบเอ็ด") == 21
    assert thai_words_to_int("หนึ่งพันสองร้อยห้าสิบ") == 1250
    assert thai_words_to_int("สองล้านห้าแสน") == 2_500_000
    assert thai_words_to_int("ร้อยนึง") == 100
    assert thai_words_to_int("สองสาม") is None
    assert thai_words_to_int("ยี่") is None


def test_component_adds_rasa_entities_to_the_gazetteer_s_in_text_order(trained: Trained) -> None:
    text = "ทำพาสปอร์ตให้ลูก 8 ขวบที่โคราช เล่ม 5 ปี ๑,๐๐๐ บาท"
    message = Message({TEXT: text})
    trained.tokenizer.process([message])
    trained.extractor.process([message])
    QuantityEntityExtractor({}, today=lambda: TODAY).process([message])
    entities = message.get(ENTITIES)
    gazetteer = [e for e in entities if e["extractor"] == "GazetteerEntityExtractor"]
    quantities = [e for e in entities if e["extractor"] == "QuantityEntityExtractor"]
    assert [(e["entity"], e["value"]) for e in gazetteer] == [("service", "passport"), ("province", "30")]
    assert quantities == [
        {"entity": "age", "start": 17, "end": 22, "value": 8,
         "extractor": "QuantityEntityExtractor", "processors": ["QuantityEntityExtractor"]},
        {"entity": "duration", "start": 36, "end": 40, "value": "P5Y",
         "additional_info": {"amount": 5, "unit": "year"},
         "extractor": "QuantityEntityExtractor", "processors": ["QuantityEntityExtractor"]},
        {"entity": "amount", "start": 41, "end": 50, "value": 1000,
         "extractor": "QuantityEntityExtractor", "processors": ["QuantityEntityExtractor"]},
    ]
    assert [text[e["start"]:e["end"]] for e in quantities] == ["8 ขวบ", "5 ปี", "๑,๐๐๐ บาท"]
    # Text order, as annotations list them (the story tests compare lists).
    assert [e["entity"] for e in entities] == ["service", "age", "province", "duration", "amount"]
    assert message.as_dict_nlu()[ENTITIES] == entities


def test_a_vehicle_class_inside_a_service_name_stays() -> None:
    def entities(text: str, service: str) -> list[tuple[str, str, object]]:
        # The gazetteer's service entity, as the full knowledge base resolves it.
        start = text.index(service)
        message = Message({TEXT: text, ENTITIES: [
            {"entity": "service", "start": start, "end": start + len(service),
             "value": "vehicle_tax_renewal", "extractor": "GazetteerEntityExtractor"}]})
        QuantityEntityExtractor({}, today=lambda: TODAY).process([message])
        return [(e["entity"], text[e["start"]:e["end"]], e["value"]) for e in message.get(ENTITIES)]

    # The fee of a licence depends on the class its name holds.
    assert entities("ภาษีรถยนต์ต่อล่วงหน้าได้กี่วัน", "ภาษีรถยนต์") == [
        ("service", "ภาษีรถยนต์", "vehicle_tax_renewal"), ("vehicle_class", "รถยนต์", "private_car")]
    assert entities("ต่อภาษีรถ รถกระบะ 2 ปี", "ต่อภาษีรถ") == [
        ("service", "ต่อภาษีรถ", "vehicle_tax_renewal"), ("vehicle_class", "รถกระบะ", "private_car"),
        ("duration", "2 ปี", "P2Y")]


def test_dimensions_select_the_types_and_reject_unknown_ones() -> None:
    only_age = QuantityEntityExtractor({"dimensions": ["age"]}, today=lambda: TODAY)
    assert [e["entity"] for e in only_age.extract("แม่อายุ 82 จ่าย 500 บาท")] == ["age"]
    with pytest.raises(ValueError, match="unknown dimensions"):
        QuantityEntityExtractor({"dimensions": ["weight"]})


def test_types_do_not_clash_with_the_gazetteer_and_are_declared_in_the_domain() -> None:
    assert not set(ENTITY_TYPES) & {SERVICE, PROVINCE, DISTRICT, OFFICE_TYPE}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(ENTITY_TYPES) <= set(domain["entities"])
    for entity in ENTITY_TYPES:
        assert domain["slots"][entity]["mappings"] == [{"type": "from_entity", "entity": entity}]


def test_every_entity_type_annotated_in_training_data_has_an_extractor() -> None:
    # DIET does not learn entities here (entity_recognition: false): a type
    # that neither the gazetteer nor the rules tag would be silently ignored.
    files = [p for p in sorted((ROOT / "data" / "nlu").rglob("*.yml"))
             if RasaYAMLReader.is_yaml_nlu_file(p)]
    annotated = {entity["entity"] for path in files
                 for message in load_data(str(path)).entity_examples
                 for entity in message.get(ENTITIES) or []}
    assert annotated <= {SERVICE, PROVINCE, DISTRICT, OFFICE_TYPE, *ENTITY_TYPES}


def _annotations(path: Path) -> list[tuple[str, set[tuple[str, str, int, int]]]]:
    return [
        (m.get(TEXT), {(e["entity"], str(e["value"]), e["start"], e["end"])
                       for e in m.get(ENTITIES) or [] if e["entity"] in ENTITY_TYPES})
        for m in load_data(str(path)).intent_examples
    ]


def test_rules_find_every_development_annotation_and_nothing_else() -> None:
    # The held-out file is scored by bench/entities.py, not asserted here.
    annotated = _annotations(DEVELOPMENT_FILE)
    assert sum(len(gold) for _, gold in annotated) >= 100
    wrong = [
        text for text, gold in annotated
        if {(q.entity, str(q.value), q.start, q.end) for q in extract(text, TODAY)} != gold
    ]
    assert wrong == []


def test_entity_test_file_covers_every_type_and_copies_no_training_example() -> None:
    annotated = _annotations(TEST_FILE)
    counts = {t: sum(e[0] == t for _, gold in annotated for e in gold) for t in ENTITY_TYPES}
    assert min(counts.values()) >= 5, counts
    training = _training() + [text for _, text in _examples(DEVELOPMENT_FILE)]
    lines = near_copies(_examples(TEST_FILE), training)
    # Line numbers only: the check must not show test sentences.
    assert not lines, f"{len(lines)} examples of {TEST_FILE.name} nearly copy training examples: lines {lines}"
