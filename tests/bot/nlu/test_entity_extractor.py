"""GazetteerEntityExtractor: canonical values and raw offsets."""
from __future__ import annotations

import statistics
import time

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_extractor import GazetteerMatcher, Pattern
from tests.bot.nlu.support import Trained


def parse(trained: Trained, text: str, entities: list | None = None) -> Message:
    message = Message({TEXT: text, **({ENTITIES: entities} if entities is not None else {})})
    trained.tokenizer.process([message])
    trained.extractor.process([message])
    return message


def tagged(trained: Trained, text: str) -> list[tuple[str, str, str]]:
    """(entity, raw text, value) of every entity, in text order."""
    return [
        (e["entity"], text[e["start"] : e["end"]], e["value"])
        for e in parse(trained, text).get(ENTITIES)
    ]


def test_entities_in_rasa_format_with_raw_offsets(trained: Trained) -> None:
    message = parse(trained, "ต่อบัตรประชาชนที่โคราชใช้อะไรบ้างคะ")
    assert message.get(ENTITIES) == [
        {"entity": "service", "start": 0, "end": 14, "value": "id_card_renewal",
         "extractor": "GazetteerEntityExtractor", "processors": ["GazetteerEntityExtractor"]},
        {"entity": "province", "start": 17, "end": 22, "value": "30",
         "extractor": "GazetteerEntityExtractor", "processors": ["GazetteerEntityExtractor"]},
    ]
    assert message.as_dict_nlu()[ENTITIES] == message.get(ENTITIES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("อยู่กทมค่ะ", [("province", "กทม", "10")]),
        ("อยู่กทม.ค่ะ", [("province", "กทม.", "10")]),
        ("อยู่ที่อยุธยา", [("province", "อยุธยา", "14")]),
        ("เขตบางรักอยู่ตรงไหน", [("district", "เขตบางรัก", "1004")]),
        ("อ.เมืองเชียงใหม่", [("district", "อ.เมืองเชียงใหม่", "5001")]),
        # Thai digits and misspellings: the value is canonical, the span raw.
        ("ทร.๑๔ หาย", [("service", "ทร.๑๔", "house_registration_copy")]),
        ("ทำพาสปอตที่ไหน", [("service", "ทำพาสปอต", "passport")]),
        ("ทำ passport ที่ไหน", [("service", "passport", "passport")]),
        # Longest match: the lost-card alias beats plain บัตรประชาชน, also spaced.
        ("บัตรประชาชนหายทำไงคะ", [("service", "บัตรประชาชนหาย", "id_card_lost")]),
        ("บัตร ปชช. หาย", [("service", "บัตร ปชช. หาย", "id_card_lost")]),
        ("บัตรประชาชนหมดอายุค่ะ", [("service", "บัตรประชาชนหมดอายุ", "id_card_renewal")]),
        # District named after its province: the district, whole.
        ("ที่ว่าการอำเภอเมืองเชียงใหม่",
         [("office_type", "ที่ว่าการอำเภอ", "district_office"),
          ("district", "เมืองเชียงใหม่", "5001")]),
        ("ไปศาลากลางจังหวัดเชียงใหม่",
         [("office_type", "ศาลากลางจังหวัด", "provincial_hall"), ("province", "เชียงใหม่", "50")]),
        ("สำนักงานเขตบางรัก",
         [("office_type", "สำนักงานเขต", "bangkok_district_office"),
          ("district", "บางรัก", "1004")]),
        # Ambiguous จอมทอง: resolved by a province in the message, else untagged.
        ("จอมทอง", []),
        ("จอมทอง เชียงใหม่", [("district", "จอมทอง", "5002"), ("province", "เชียงใหม่", "50")]),
        ("เขตจอมทอง", [("district", "เขตจอมทอง", "1035")]),
        ("อำเภอเมือง จังหวัดลำพูน",
         [("district", "อำเภอเมือง", "5101"), ("province", "จังหวัดลำพูน", "51")]),
        # Unresolved อำเภอเมือง gives way to the office named inside it.
        ("อำเภอเมืองเปิดกี่โมง", [("office_type", "อำเภอ", "district_office")]),
        # A district name that is an everyday word needs its prefix.
        ("ลองถามหน่อยค่ะ", []),
        ("ทำได้เลยไหมคะ", []),
        ("อยู่จังหวัดเลยค่ะ", [("province", "จังหวัดเลย", "42")]),
        ("อ.ลอง จ.แพร่", [("district", "อ.ลอง", "5403"), ("province", "จ.แพร่", "54")]),
        ("", []),
    ],
)
def test_tagged_entities(trained: Trained, text: str, expected: list) -> None:
    assert tagged(trained, text) == expected


def test_entities_of_earlier_extractors_are_kept(trained: Trained) -> None:
    earlier = {"entity": "latitude", "start": 0, "end": 0, "value": 18.79}
    message = parse(trained, "โคราช", entities=[earlier])
    assert [e["entity"] for e in message.get(ENTITIES)] == ["latitude", "province"]


def test_matcher_time_per_message_is_well_under_a_millisecond(trained: Trained) -> None:
    text = "สวัสดีค่ะ อยากต่อบัตรประชาชนที่สำนักงานเขตบางรัก กรุงเทพ ต้องใช้เอกสารอะไรบ้าง"
    message = parse(trained, text)
    tokens = message.get(TOKENS_NAMES[TEXT])
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        trained.extractor.extract(tokens)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.001


# Glued names ---------------------------------------------------------------------
# Hand-made patterns, so the cases do not depend on the content terms.
GLUED_PATTERNS = [
    Pattern(("ต่อ", "ภาษี", "รถ"), {"service": ("vehicle_tax_renewal",)}),
    Pattern(("บัตร", "หาย"), {"service": ("id_card_lost",)}),
    Pattern(("ตาก",), {"province": ("63",)}),
    Pattern(("จังหวัด", "ตาก"), {"province": ("63",)}),
    Pattern(("สำนักงาน", "ขนส่ง"), {"office_type": ("land_transport_office",)}),
]


def glued(text: str, tokens: list[str]) -> list[tuple[str, str, str, int, int]]:
    """(entity, raw text, value, first token, last token) of the matches over ``tokens``."""
    spans, position = [], 0
    for word in tokens:
        start = text.index(word, position)
        position = start + len(word)
        spans.append(Token(word, start, position))
    return [(m.entity, text[m.start:m.end], m.values[0], m.first, m.last)
            for m in GazetteerMatcher(GLUED_PATTERNS).match(spans)]


@pytest.mark.parametrize(
    ("text", "tokens", "expected"),
    [
        # The tokenizer keeps รถเก๋ง whole: the name ends inside it, the match
        # covers the token and the span only the name.
        ("ต่อภาษีรถเก๋งเท่าไหร่", ["ต่อ", "ภาษี", "รถเก๋ง", "เท่าไหร่"],
         [("service", "ต่อภาษีรถ", "vehicle_tax_renewal", 0, 3)]),
        ("ขอต่อภาษีรถตู้", ["ขอ", "ต่อ", "ภาษี", "รถตู้"],
         [("service", "ต่อภาษีรถ", "vehicle_tax_renewal", 1, 4)]),
        # A name that begins inside a token.
        ("ขอบัตรหาย", ["ขอบัตร", "หาย"], [("service", "บัตรหาย", "id_card_lost", 0, 2)]),
        ("ไปสำนักงานขนส่งนะ", ["ไปสำนักงาน", "ขนส่ง", "นะ"],
         [("office_type", "สำนักงานขนส่ง", "land_transport_office", 0, 2)]),
        # Unglued names still match as before.
        ("ต่อภาษีรถ", ["ต่อ", "ภาษี", "รถ"],
         [("service", "ต่อภาษีรถ", "vehicle_tax_renewal", 0, 3)]),
        # Places are never found inside a word, even after their prefix.
        ("ตากผ้า", ["ตากผ้า"], []),
        ("จังหวัดตากผ้า", ["จังหวัด", "ตากผ้า"], []),
        # The rest of the cut token must be a word.
        ("ต่อภาษีรถxyz", ["ต่อ", "ภาษี", "รถxyz"], []),
        # A name's word alone inside a token is not the name.
        ("รถเก๋งสีแดง", ["รถเก๋ง", "สีแดง"], []),
    ],
)
def test_names_glued_to_the_next_or_previous_word(text: str, tokens: list[str],
                                                  expected: list) -> None:
    assert glued(text, tokens) == expected

