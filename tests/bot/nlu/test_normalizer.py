"""Offset-preserving normalisation: exact normalised text and raw spans."""
from __future__ import annotations

import pytest
import rasa.shared.utils.io

from bot.nlu.normalizer import NormalizedText, Normalizer
from common.paths import DATA


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    rules = rasa.shared.utils.io.read_yaml_file(DATA / "nlu/lookups/normalisation.yml")
    return Normalizer.from_dict(rules)


def char_spans(normalized: NormalizedText) -> list[tuple[str, str]]:
    """Each normalised character with the raw text it stands for."""
    return [
        (char, normalized.raw[normalized.starts[i] : normalized.ends[i]])
        for i, char in enumerate(normalized.text)
    ]


def test_empty_input_gives_empty_output(normalizer: Normalizer) -> None:
    normalized = normalizer.normalize("")
    assert (normalized.text, normalized.starts, normalized.ends) == ("", (), ())


def test_thai_digits_become_ascii_one_to_one(normalizer: Normalizer) -> None:
    normalized = normalizer.normalize("ทร.๑๔")
    assert normalized.text == "ทร.14"
    assert normalized.raw_span(3, 5) == (3, 5)
    assert normalized.raw[3:5] == "๑๔"


def test_zero_width_characters_are_removed_but_stay_inside_raw_spans(
    normalizer: Normalizer,
) -> None:
    raw = "\ufeffบัตร\u200bประชา\u200c\u200dชน\u2060"
    normalized = normalizer.normalize(raw)
    assert normalized.text == "บัตรประชาชน"
    assert normalized.raw_span(0, len(normalized.text)) == (1, len(raw) - 1)
    assert normalized.raw_span(4, 11) == (6, 15)


def test_joiner_inside_an_emoji_sequence_is_kept(normalizer: Normalizer) -> None:
    assert normalizer.normalize("👩\u200d💻").text == "👩\u200d💻"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("ครับบบบ", "ครับ"),
        ("มากกกก", "มาก"),
        ("ค่ะะะะ", "ค่ะ"),
        ("นะคะะ", "นะคะ"),
        ("ดีๆๆๆ", "ดีๆ"),
        # Real spelling with a doubled consonant stays.
        ("กรรม", "กรรม"),
        ("สัมมนา", "สัมมนา"),
        # Laughter and numbers are digits: never collapsed.
        ("555555", "555555"),
        ("1000", "1000"),
    ],
)
def test_stretched_letters_collapse(normalizer: Normalizer, raw: str, text: str) -> None:
    assert normalizer.normalize(raw).text == text


def test_collapsed_letter_maps_to_the_whole_stretch(normalizer: Normalizer) -> None:
    assert char_spans(normalizer.normalize("ครับบบบ")) == [
        ("ค", "ค"), ("ร", "ร"), ("ั", "ั"), ("บ", "บบบบ"),
    ]


def test_stretched_polite_particle_is_kha_not_fee(normalizer: Normalizer) -> None:
    normalized = normalizer.normalize("ขอบคุณค่าาาา")
    assert normalized.text == "ขอบคุณค่ะ"
    assert normalized.raw_span(6, 9) == (6, 12)
    # Unstretched ค่า is a word of its own (fee, value) and stays.
    assert normalizer.normalize("ค่าธรรมเนียม").text == "ค่าธรรมเนียม"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("ทำพาสปอต", "ทำพาสปอร์ต"),
        ("พาสพอร์ตหาย", "พาสปอร์ตหาย"),
        ("บัตรปชช.หาย", "บัตรประชาชนหาย"),
        ("ทร 14", "ทร.14"),
        ("ส.ด.9", "สด.9"),
        ("ใบอนุญาติ", "ใบอนุญาต"),
        ("ใบขับขีหาย", "ใบขับขี่หาย"),
        # The correct spelling is not touched by its misspelt prefix.
        ("ใบขับขี่หาย", "ใบขับขี่หาย"),
        # A variant ending in a digit does not match inside a longer number.
        ("สด95", "สด95"),
        # Gazetteer abbreviations stay as typed.
        ("กทม.", "กทม."),
    ],
)
def test_misspellings_become_canonical(normalizer: Normalizer, raw: str, text: str) -> None:
    assert normalizer.normalize(raw).text == text


def test_replacement_is_one_glued_group_over_the_misspelling(normalizer: Normalizer) -> None:
    normalized = normalizer.normalize("ทำพาสปอต")
    assert normalized.raw_span(2, 10) == (2, 8)
    assert normalized.glued == (False, False, False) + (True,) * 7


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("กํา", "กำ"),  # nikhahit + sara aa looks like sara am
        ("เเม่", "แม่"),  # two sara e look like sara ae
        ("ก่ี", "กี่"),  # tone mark typed before the upper vowel
    ],
)
def test_look_alike_thai_spellings_are_fixed(normalizer: Normalizer, raw: str, text: str) -> None:
    assert normalizer.normalize(raw).text == text


def test_latin_is_lower_cased_and_whitespace_unified(normalizer: Normalizer) -> None:
    normalized = normalizer.normalize("ทำ Passport\tที่ไหน\u00a0คะ")
    assert normalized.text == "ทำ passport ที่ไหน คะ"
    assert normalized.raw_span(3, 11) == (3, 11)


def test_nfc_composes_with_spans_over_the_decomposed_input(normalizer: Normalizer) -> None:
    assert char_spans(normalizer.normalize("Cafe\u0301")) == [
        ("c", "C"), ("a", "a"), ("f", "f"), ("é", "e\u0301"),
    ]


def test_rules_round_trip_through_to_dict(normalizer: Normalizer) -> None:
    copy = Normalizer.from_dict(normalizer.to_dict())
    raw = "ขอบคุณค่าาา ทำพาสปอตที่ไหนครับบบ"
    assert copy.normalize(raw) == normalizer.normalize(raw)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"replacement": {}}, "unknown normalisation section"),
        ({"replacements": {"ก": "ข"}}, "must be a list"),
        ({"replacements": {"บัตร ประชาชน": ["บัตรปชช"]}}, "contains a space"),
        ({"replacements": {"ก": ["ข"], "ค": ["ข"]}}, "variant of both"),
    ],
)
def test_bad_rules_name_the_problem(rules: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Normalizer.from_dict(rules)
