from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from common.privacy import NAME, redact
from nlp.names import find_all, find_names, ner_person_spans, redact_all

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "privacy"
# Names the lists and the NER both miss, counted in bench/redaction.py: "มานี" is in
# no PyThaiNLP name list and splits into the ordinary words มา|นี, and the CRF
# does not tag it. Raise this only with a reason written here.
ALLOWED_NAME_MISSES = 3


def _messages(name: str) -> list[dict]:
    return yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))["messages"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ผมชื่อสมชาย ใจดีครับ", "ผมชื่อ<ชื่อ>ครับ"),
        ("ดิฉัน นางสาวปวีณา แก้วมณี ขอยื่นคำร้อง", "ดิฉัน นางสาว<ชื่อ> ขอยื่นคำร้อง"),
        ("แจ้งเกิดลูกชื่อ ด.ช.ธนกฤต วงศ์ใหญ่ ค่ะ", "แจ้งเกิดลูกชื่อ ด.ช.<ชื่อ> ค่ะ"),
        ("ขอบคุณนางสาวกนกวรรณมากค่ะ", "ขอบคุณนางสาว<ชื่อ>มากค่ะ"),
        ("ผมชื่อศุภชัย รักษ์ไทยครับ", "ผมชื่อ<ชื่อ>ครับ"),
        ("ประเสริฐ ใจดี ค่ะ ลงทะเบียนไว้แล้ว", "<ชื่อ> ค่ะ ลงทะเบียนไว้แล้ว"),
        ("ลุงสมชายข้างบ้านบอกว่าต้องไปอำเภอ", "ลุง<ชื่อ>ข้างบ้านบอกว่าต้องไปอำเภอ"),
        ("ชื่อ เพ็ญศรี นามสกุล วงศ์สวัสดิ์ ค่ะ", "ชื่อ <ชื่อ> นามสกุล <ชื่อ> ค่ะ"),
        ("น.ส.วิไลวรรณ ศรีสุข เลขบัตร 1-2345-67890-12-1 โทร 081-234-5678",
         "น.ส.<ชื่อ> เลขบัตร <เลขบัตรประชาชน> โทร <เบอร์โทร>"),
    ],
)
def test_redact_all_replaces_names_and_shapes(text: str, expected: str) -> None:
    assert redact_all(text) == expected


@pytest.mark.parametrize(
    "text",
    ["นายอำเภอเมืองอยู่ไหม", "ติดต่อนายทะเบียนได้ที่ไหน", "นางพยาบาลบอกให้มาแจ้งเกิด", "คุณภาพบริการดีมาก",
     "คุณแม่อายุ 70 ปี", "ขอบคุณครับ", "คุณสมบัติผู้สมัครมีอะไรบ้าง", "เปลี่ยนชื่อสกุลได้ไหม",
     "ชื่อเล่นต้องใส่ไหม", "วันที่ 20 ถึง 6 มิถุนายน ปิดทำการไหม", "เดือนพ.ค.นี้มีวันหยุดกี่วันคะ",
     "คุณช่วยบอกขั้นตอนหน่อยได้ไหมคะ", "นายก อบต. ชื่ออะไรคะ", "พี่แอดมินคะ", "น้องบอทตอบหน่อย",
     "พี่ชายไปทำแทนได้ไหม", "ปู่ย่าตายาย", "ลืมชื่อผู้ใช้กับรหัสผ่าน", "สมชายแลนด์ คือที่ไหนคะ",
     "ดิฉันต้องการต่อบัตร", "คุณหมอให้ใบรับรองแพทย์", ""],
)
def test_ordinary_words_after_cues_are_not_names(text: str) -> None:
    assert find_names(text) == []
    assert redact_all(text) == text


def test_name_finding_starts_after_the_honorific() -> None:
    text = "นางสาวปวีณา แก้วมณี"
    (finding,) = find_names(text)
    assert (finding.kind, finding.text(text)) == (NAME, "ปวีณา แก้วมณี")


def test_unknown_engine_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="'bert'"):
        find_names("ชื่อสมชาย", engine="bert")


def test_ner_tags_a_person_from_the_shipped_crf() -> None:
    text = "ทดสอบ นายวรรณพงษ์ ภัททิยไพบูลย์"
    spans = ner_person_spans(text)
    assert any("วรรณพงษ์" in text[a:b] for a, b in spans)
    assert ner_person_spans("") == []


def test_ner_runs_with_the_network_off_and_no_downloaded_data(tmp_path: Path) -> None:
    # A fresh interpreter with sockets disabled and an empty PyThaiNLP data folder:
    # the model can only come from the installed package.
    script = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network is off in this test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from nlp.names import NER_VERSION, ner_person_spans, redact_all\n"
        "text = 'ทดสอบ นายวรรณพงษ์ ภัททิยไพบูลย์'\n"
        "assert ner_person_spans(text), 'no PERSON span'\n"
        "print(NER_VERSION, redact_all('ผมชื่อสมชาย ใจดีครับ'))\n"
    )
    env = {**os.environ, "PYTHAINLP_DATA": str(tmp_path), "PYTHAINLP_OFFLINE": "1",
           "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1.5.1 ผมชื่อ<ชื่อ>ครับ"
    assert list(tmp_path.rglob("*.model")) == []


def test_pythainlp_is_pinned_the_same_in_both_environments() -> None:
    pins = {}
    for name in ("requirements.txt", "requirements-app.txt", "constraints-rasa.txt", "constraints-app.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if line.startswith(("pythainlp==", "python-crfsuite==")):
                pins.setdefault(line.split("==")[0], set()).add(line.strip())
    assert pins == {"pythainlp": {"pythainlp==5.4.0"}, "python-crfsuite": {"python-crfsuite==0.9.12"}}


# The corpus, with names: nothing personal survives, nothing clean changes.

def test_corpus_no_personal_value_survives_full_redaction() -> None:
    leaks, name_misses = [], []
    for message in _messages("personal.yml"):
        text = message["text"]
        covered = {i for f in find_all(text) for i in range(f.start, f.end)}
        redacted = redact_all(text)
        for span in message["spans"]:
            whole = set(range(span["start"], span["end"])) <= covered
            if span["type"] == NAME and not whole:
                name_misses.append(text)
            elif not whole or span["value"] in redacted:
                leaks.append((span["type"], text))
    assert leaks == []
    assert len(name_misses) <= ALLOWED_NAME_MISSES, name_misses


def test_corpus_names_add_recall_over_the_regexes() -> None:
    # Without nlp.names every name in the corpus would be stored as written.
    names = [m["text"] for m in _messages("personal.yml") if any(s["type"] == NAME for s in m["spans"])]
    assert len(names) >= 80
    changed = sum(redact(t) != redact_all(t) for t in names)
    assert changed >= len(names) - ALLOWED_NAME_MISSES


def test_corpus_clean_messages_survive_full_redaction_unchanged() -> None:
    changed = [m["text"] for m in _messages("clean.yml") if redact_all(m["text"]) != m["text"]]
    assert changed == []


# The held-out set (holdout_source.txt): written after the rules were tuned on the
# corpus above; its first score is in bench/README. Two names stay missed there:
# "พึ่งบุญ" starts with a stopword (พึ่ง) and "ดิฉันมาลัย" splits as ดิฉัน|มา|ลัย.
HOLDOUT_NAME_MISSES = 2


def test_holdout_no_value_with_a_shape_survives_and_names_mostly_go() -> None:
    leaks, name_misses = [], []
    for message in _messages("holdout_personal.yml"):
        text = message["text"]
        covered = {i for f in find_all(text) for i in range(f.start, f.end)}
        for span in message["spans"]:
            if set(range(span["start"], span["end"])) <= covered:
                continue
            (name_misses if span["type"] == NAME else leaks).append((span["value"], text))
    assert leaks == []
    assert len(name_misses) <= HOLDOUT_NAME_MISSES, name_misses


def test_holdout_clean_messages_survive_unchanged() -> None:
    changed = [m["text"] for m in _messages("holdout_clean.yml") if redact_all(m["text"]) != m["text"]]
    assert changed == []


# Later held-out sets, scored as bench/README says; the bounds are the misses
# after the person-word cues (ผม, แม่, ครู, กำนัน, "คือ" ...) were added, so
# that neither set can get worse. The second set's first score led to those
# cues, so only the third (written before them) measured them fairly.
# Misses left: names that are also ordinary words with no surname (ทองใบ,
# ดวงใจ, สมบัติ ใจกว้าง), a name no list holds (ปภาวดี), romanised names, and
# "@" handles, which are left alone on purpose (official accounts are public).
# The fourth set was written before the rules for names that are words and
# romanised names; the fifth after them (first score: 5 misses); the sixth
# before their second round ("my wife ...", listed names that are rare words),
# which the fifth's misses informed. Bounds are the misses after that round:
# a bare "น้ำค่ะ", "เรียกหนูว่าแป้ง", nicknames in no list (โอ๊ต, ข้าวกล้อง), and
# "ชื่อเล่นน้ำอิง" cut at อิง, a stopword.
HOLDOUT_BOUNDS = {
    "holdout2": ({NAME: 3, "line_id": 1}, 1),  # the clean one: the form example "สมชายใจดี"
    "holdout3": ({NAME: 7, "line_id": 1}, 0),
    "holdout4": ({NAME: 2}, 0),
    "holdout5": ({NAME: 3}, 0),
    "holdout6": ({NAME: 0}, 0),
}


@pytest.mark.parametrize("name", sorted(HOLDOUT_BOUNDS))
def test_later_holdouts_stay_within_their_bounds(name: str) -> None:
    most_missed, most_changed = HOLDOUT_BOUNDS[name]
    misses: dict[str, list[tuple[str, str]]] = {}
    for message in _messages(f"{name}_personal.yml"):
        text = message["text"]
        covered = {i for f in find_all(text) for i in range(f.start, f.end)}
        for span in message["spans"]:
            if not set(range(span["start"], span["end"])) <= covered:
                misses.setdefault(span["type"], []).append((span["value"], text))
    assert set(misses) <= set(most_missed), misses
    for kind, missed in misses.items():
        assert len(missed) <= most_missed[kind], missed
    changed = [m["text"] for m in _messages(f"{name}_clean.yml") if redact_all(m["text"]) != m["text"]]
    assert len(changed) <= most_changed, changed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A word as a name where the sentence says so: "ชื่อ" said of a person,
        # "ชื่อเล่น", or a person word + nickname + what the person does.
        ("หลานชายชื่อเมฆ อายุ 4 ขวบค่ะ", "หลานชายชื่อ<ชื่อ> อายุ 4 ขวบค่ะ"),
        ("ชื่อเล่นส้มโอค่ะ", "ชื่อเล่น<ชื่อ>ค่ะ"),
        ("ป้าพลอยป่วยติดเตียงค่ะ", "ป้า<ชื่อ>ป่วยติดเตียงค่ะ"),
        ("คุณแก้ว 081-234-5678", "คุณ<ชื่อ> <เบอร์โทร>"),
        # Romanised: after a title or an introduction, or passport capitals.
        ("นาย Anan Srisuk ขอใบนัด", "นาย <ชื่อ> ขอใบนัด"),
        ("Ms. Kanya ต่อพาสปอร์ต", "Ms. <ชื่อ> ต่อพาสปอร์ต"),
        ("สะกดชื่อว่า Worawut ครับ", "สะกดชื่อว่า <ชื่อ> ครับ"),
        ("SUDARAT MEESUK ต้องแก้ชื่อไหม", "<ชื่อ> ต้องแก้ชื่อไหม"),
        ("น้อง Bank ลูกชายผม", "น้อง <ชื่อ> ลูกชายผม"),
        ("my name is Kanya Meesuk", "my name is <ชื่อ>"),
        ("my wife Malee lost her ID card", "my wife <ชื่อ> lost her ID card"),
        # A listed name that is a rare word, before what only a person does.
        ("แม่ทองม้วนป่วยค่ะ", "แม่<ชื่อ>ป่วยค่ะ"),
    ],
)
def test_names_that_are_words_or_romanised(text: str, expected: str) -> None:
    assert redact_all(text) == expected


@pytest.mark.parametrize(
    "text",
    ["ค่าเทอมลูกเงินไม่พอ ขอกู้ กยศ. ได้ไหม", "บ้านพี่น้ำท่วมถึงหลังคา", "ลูกชื่อซ้ำกับเพื่อนในห้อง เปลี่ยนได้ไหม",
     "ผมชื่อผิดในทะเบียนบ้าน", "แม่ชื่อตกหล่นจากทะเบียนบ้าน", "ลูกป่วยอยู่ เลื่อนนัดได้ไหม", "ตาแดงไปหาหมอที่ไหนได้บ้าง",
     "ขอบคุณน้ำใจเจ้าหน้าที่มากค่ะ", "ลูกหมูเกิดใหม่ ต้องแจ้งปศุสัตว์ไหม", "อ.แม่ฟ้าหลวง เชียงราย มีสำนักงานไหม",
     "น้องดาวน์โหลดแอปไม่ได้", "คุณแม่ชื่อเดียวกับยายค่ะ", "แฟนชื่อเสียงไม่ดี", "พ่อซื้อทองให้หลาน",
     "แม่ใช้ Google Maps ไม่เป็น", "คุณ Admin ช่วยด้วยค่ะ", "ชื่อ LINE ของอำเภอคืออะไร", "ชื่อ Wi-Fi ของเขต",
     "ไป Chiang Mai ทำพาสปอร์ตได้ไหม", "SMART CARD หาย", "NON IMMIGRANT VISA ต่อที่ไหน", "PROMPT PAY ใช้ได้ไหม",
     "BANGKOK METROPOLITAN ADMINISTRATION", "ต้องกรอก FIRST NAME LAST NAME เป็นตัวพิมพ์ใหญ่ไหม",
     "I am Thai, can I apply online?", "Dear Officer", "ใส่ Surname ก่อนหรือ Given name ก่อน",
     "พี่ธุรการบอกว่าเอกสารไม่ครบ", "พี่ประธานบอกว่าให้มาเอง", "แม่เลี้ยงอายุ 50 รับเบี้ยได้ไหม",
     "ลูกบุญธรรมอายุ 5 ขวบ", "my son is 15, can he get an ID card?",
     "สำนักงานเขต DON MUEANG เปิดกี่โมง", "ไป NAKHON RATCHASIMA ต่อใบขับขี่ได้ไหม"],
)
def test_words_and_code_switching_stay(text: str) -> None:
    assert redact_all(text) == text


def test_person_words_lead_to_listed_names_only() -> None:
    assert redact_all("แม่สมหญิงอายุ 81 ค่ะ") == "แม่<ชื่อ>อายุ 81 ค่ะ"
    assert redact_all("ผู้ปกครองของเด็กคือชาตรี พรหมมา") == "ผู้ปกครองของเด็กคือ<ชื่อ>"
    for text in ("แม่เหล็กติดตู้เย็น", "ผมอยู่อำเภอแม่ริม", "ผมสมบัติหายหมดเลย", "หมอลำเล่นที่ไหน"):
        assert redact_all(text) == text


def test_name_log_filter_redacts_names_and_shapes() -> None:
    import logging

    from nlp.names import NameRedactingFilter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "ข้อความ: %s",
                               ("ผมชื่อสมชาย ใจดี โทร 081-234-5678",), None)
    assert NameRedactingFilter().filter(record)
    assert record.getMessage() == "ข้อความ: ผมชื่อ<ชื่อ> โทร <เบอร์โทร>"


def test_each_thread_tags_with_its_own_crf() -> None:
    from concurrent.futures import ThreadPoolExecutor

    text = "ทดสอบ นายวรรณพงษ์ ภัททิยไพบูลย์"
    expected = ner_person_spans(text)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(ner_person_spans, [text] * 40))
    assert results == [expected] * 40


def _corpus_texts() -> list[str]:
    return [m["text"] for path in sorted(CORPUS.glob("*.yml")) for m in _messages(path.name)]


def test_ner_features_are_pythainlps_own() -> None:
    from pythainlp.tag.thainer import ThaiNameTagger
    from pythainlp.tokenize import word_tokenize

    from nlp.names import _coarse_pos, _ner_features

    for text in _corpus_texts() + ["", "12345 นาย", "  ส้ม  "]:
        tokens = word_tokenize(text, engine="mm")
        assert _ner_features(tokens) == ThaiNameTagger._extract_features([(t, _coarse_pos(t)) for t in tokens])


def test_skipping_the_crf_where_no_token_can_be_a_name_changes_no_finding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from nlp import names

    texts = _corpus_texts()
    skipped = [t for t in texts if not names._may_name(names._Doc(t))]
    found = [find_names(t) for t in texts]
    monkeypatch.setattr(names, "_may_name", lambda doc: True)
    assert [find_names(t) for t in texts] == found
    # The clean half of the corpus is mostly dictionary words: there the CRF is not run.
    assert len(skipped) > len(texts) // 3
