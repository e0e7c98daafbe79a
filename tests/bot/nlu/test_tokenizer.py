"""ThaiTokenizer: exact Thai tokens with offsets into the text as typed."""
from __future__ import annotations

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import ThaiSegmenter, ThaiTokenizer
from tests.bot.nlu.support import Trained, spans

CASES = [
    # Unspaced Thai: the nickname โคราช is a domain term, so one token.
    (
        "ต่อบัตรประชาชนที่โคราชใช้อะไรบ้างคะ",
        [("ต่อ", 0, 3), ("บัตรประชาชน", 3, 14), ("ที่", 14, 17), ("โคราช", 17, 22),
         ("ใช้", 22, 25), ("อะไร", 25, 29), ("บ้าง", 29, 33), ("คะ", 33, 35)],
    ),
    # Thai digits: the form number is one token, digits normalised.
    ("ทร.๑๔", [("ทร.14", 0, 5)]),
    ("สด.9 หายครับบบ", [("สด.9", 0, 4), ("หาย", 5, 8), ("ครับ", 8, 14)]),
    # Emoji: kept, one token each, skin tone and joiner sequences whole.
    ("ทำพาสปอร์ต🙏", [("ทำ", 0, 2), ("พาสปอร์ต", 2, 10), ("🙏", 10, 11)]),
    ("ทำพาสปอร์ต🙏🙏", [("ทำ", 0, 2), ("พาสปอร์ต", 2, 10), ("🙏", 10, 11), ("🙏", 11, 12)]),
    ("👍🏽👩\u200d💻", [("👍🏽", 0, 2), ("👩\u200d💻", 2, 5)]),
    # Stretched polite particle: normalised token, raw span over the stretch.
    ("ขอบคุณค่าาาา", [("ขอบคุณ", 0, 6), ("ค่ะ", 6, 12)]),
    # Mixed scripts: Latin lower-cased, spaces never tokens.
    ("ทำ passport ที่ไหน", [("ทำ", 0, 2), ("passport", 3, 11), ("ที่ไหน", 12, 18)]),
    ("ทำ ID card หายค่ะ!!", [("ทำ", 0, 2), ("id", 3, 5), ("card", 6, 10), ("หาย", 11, 14),
                              ("ค่ะ", 14, 17)]),
    # Zero-width characters: dropped from the text, inside the raw span.
    ("บัตร\u200bประชาชน\u200cหาย", [("บัตรประชาชน", 0, 12), ("หาย", 13, 16)]),
    # Misspelling: canonical token over the misspelt raw text.
    ("ทำพาสปอตที่ไหน", [("ทำ", 0, 2), ("พาสปอร์ต", 2, 8), ("ที่ไหน", 8, 14)]),
    # Administrative prefixes stay separate tokens before a domain name.
    ("อ.เมืองเชียงใหม่", [("อ.", 0, 2), ("เมืองเชียงใหม่", 2, 16)]),
    ("เขตบางรัก", [("เขต", 0, 3), ("บางรัก", 3, 9)]),
    ("ศาลากลางจังหวัดเชียงใหม่เปิดกี่โมง",
     [("ศาลากลางจังหวัด", 0, 15), ("เชียงใหม่", 15, 24), ("เปิด", 24, 28), ("กี่", 28, 31),
      ("โมง", 31, 34)]),
    ("อยู่กทม.ค่ะ", [("อยู่", 0, 4), ("กทม.", 4, 8), ("ค่ะ", 8, 11)]),
    # Numbers: punctuation between digit groups dropped; laughter stays whole.
    ("โทร 081-234-5678 ค่ะ", [("โทร", 0, 3), ("081", 4, 7), ("234", 8, 11), ("5678", 12, 16),
                              ("ค่ะ", 17, 20)]),
    ("ขำ 555555", [("ขำ", 0, 2), ("555555", 3, 9)]),
    ("ลูกอายุ๑๗", [("ลูก", 0, 3), ("อายุ", 3, 7), ("17", 7, 9)]),
    # Only punctuation: one token, as Rasa's whitespace tokenizer does.
    ("???", [("???", 0, 3)]),
    ("", []),
    (" \u200b ", []),
]


def tokenize(tokenizer: ThaiTokenizer, text: str) -> list[tuple[str, int, int]]:
    return spans(tokenizer.tokenize(Message({TEXT: text}), TEXT))


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_tokens_and_raw_offsets(trained: Trained, text: str, expected: list) -> None:
    assert tokenize(trained.tokenizer, text) == expected


@pytest.mark.parametrize("text", [c[0] for c in CASES if c[1]])
def test_raw_slice_of_each_token_normalises_to_its_text(trained: Trained, text: str) -> None:
    normalizer = trained.tokenizer.segmenter.normalizer
    for token_text, start, end in tokenize(trained.tokenizer, text):
        assert normalizer.normalize(text[start:end]).text == token_text


def test_raw_slices_keep_what_the_citizen_typed(trained: Trained) -> None:
    text = "ขอบคุณค่าาาา ทำพาสปอตที่ไหนคะ"
    assert [text[s:e] for _, s, e in tokenize(trained.tokenizer, text)] == [
        "ขอบคุณ", "ค่าาาา", "ทำ", "พาสปอต", "ที่ไหน", "คะ",
    ]


def test_domain_dictionary_keeps_names_whole(trained: Trained) -> None:
    assert [t.text for t in ThaiSegmenter().tokenize("เขตบางรัก")] == ["เขต", "บาง", "รัก"]
    assert "บางรัก" in trained.tokenizer.segmenter.terms


def test_service_phrases_stay_ordinary_words(trained: Trained) -> None:
    # Service aliases are matched as token sequences, not dictionary words, so
    # the intent classifier still sees บัตรประชาชน and หาย.
    assert tokenize(trained.tokenizer, "บัตรประชาชนหาย") == [
        ("บัตรประชาชน", 0, 11), ("หาย", 11, 14)]


def test_process_sets_tokens_and_empty_message_has_none(trained: Trained) -> None:
    messages = [Message({TEXT: "สวัสดีค่ะ"}), Message({TEXT: ""})]
    trained.tokenizer.process(messages)
    assert spans(messages[0].get(TOKENS_NAMES[TEXT])) == [("สวัสดี", 0, 6), ("ค่ะ", 6, 9)]
    assert messages[1].get(TOKENS_NAMES[TEXT]) == []


def test_intent_names_are_split_by_rasa_options(trained: Trained) -> None:
    tokenizer = ThaiTokenizer(
        {"intent_tokenization_flag": True},
        trained.storage,
        trained.tokenizer_resource,
        trained.tokenizer.segmenter,
    )
    message = Message({INTENT: "ask_documents"})
    tokenizer.process([message])
    assert [t.text for t in message.get(TOKENS_NAMES[INTENT])] == ["ask", "documents"]


def test_only_thai_is_supported() -> None:
    assert ThaiTokenizer.supported_languages() == ["th"]
