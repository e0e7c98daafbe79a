"""DomainVocabularyFeaturizer: words the service domain never uses, per token and per sentence."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.domain_vocabulary import DomainVocabularyFeaturizer, domain_texts
from common.training_content import TERMS_FILE
from tests.bot.nlu.support import Trained

DOMAIN = """\
version: "3.1"
intents: [greet]
responses:
  utter_help:
    - text: ถามขั้นตอนได้ค่ะ
      buttons:
        - title: เวลาทำการ
          payload: /ask_office_hours
"""


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory, nlu_data_root: Path) -> Path:
    root = tmp_path_factory.mktemp("vocabulary-data")
    shutil.copytree(nlu_data_root, root, dirs_exist_ok=True)
    # A FAQ answer as the exporter writes it; its question variants are
    # training examples and never reach the terms (tests/app/kb/test_export_training.py).
    terms = root / TERMS_FILE
    document = yaml.safe_load(terms.read_text(encoding="utf-8"))
    document["domain_texts"].append("สอบถามสายด่วนค่ะ")
    terms.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def config(data_root: Path) -> dict:
    return {"data_root": str(data_root), "domain": str(data_root / "domain.yml")}


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("vocabulary-storage"))


CONTEXT = ExecutionContext(GraphSchema({}), "nlu-test", node_name="domain_vocabulary")
RESOURCE = Resource("train_DomainVocabularyFeaturizer3")


@pytest.fixture(scope="module")
def featurizer(config: dict, storage: LocalModelStorage) -> DomainVocabularyFeaturizer:
    DomainVocabularyFeaturizer.create(config, storage, RESOURCE, CONTEXT).train(TrainingData())
    return DomainVocabularyFeaturizer.load(config, storage, RESOURCE, CONTEXT)


def _flags(message: Message) -> list[tuple[str, int]]:
    sequence, _ = message.get_sparse_features(TEXT)
    flags = sequence.features.toarray()[:, 0]
    return [(token.text, int(flag)) for token, flag in zip(message.get("text_tokens"), flags)]


def columns(
    trained: Trained, featurizer: DomainVocabularyFeaturizer, text: str
) -> tuple[list, list]:
    message = Message({TEXT: text})
    trained.tokenizer.process([message])
    featurizer.process([message])
    return _flags(message), message.get_sparse_features(TEXT)[1].features.toarray()[0].tolist()


def test_domain_texts_are_the_exported_texts_and_the_responses(data_root: Path) -> None:
    texts = list(domain_texts(data_root, data_root / "domain.yml"))
    assert "สอบถามสายด่วนค่ะ" in texts and "เวลาทำการ" in texts
    assert "Copy of house registration" in texts


def test_cake_recipe_steps_have_two_foreign_words(
    trained: Trained, featurizer: DomainVocabularyFeaturizer
) -> None:
    # ขั้นตอน is in a response; ทำ is a stop word; เค้ก and ช็อกโกแลต appear in
    # a FAQ question variant only, which is training data, not vocabulary.
    per_token, sentence = columns(trained, featurizer, "ขั้นตอนทำเค้กช็อกโกแลต")
    assert per_token == [("ขั้นตอน", 0), ("ทำ", 0), ("เค้ก", 1), ("ช็อกโกแลต", 1)]
    assert sentence == [1.0, 1.0]


def test_service_question_has_none(
    trained: Trained, featurizer: DomainVocabularyFeaturizer
) -> None:
    # Gazetteer terms (บัตรประชาชน, โคราช), knowledge-base words and stop words.
    per_token, sentence = columns(trained, featurizer, "ต่อบัตรประชาชนที่โคราชใช้อะไรบ้างคะ")
    assert [flag for _, flag in per_token] == [0] * len(per_token)
    assert sentence == [0.0, 0.0]


def test_one_foreign_word_digits_and_emoji(
    trained: Trained, featurizer: DomainVocabularyFeaturizer
) -> None:
    # Digits and emoji are not words; เค้ก is.
    per_token, sentence = columns(trained, featurizer, "เค้ก 2 ปอนด์🙏")
    assert per_token == [("เค้ก", 1), ("2", 0), ("ปอนด์", 1), ("🙏", 0)]
    assert sentence == [1.0, 1.0]
    assert columns(trained, featurizer, "เค้กค่ะ")[1] == [1.0, 0.0]


def test_vocabulary_is_read_from_the_model_not_the_data(
    config: dict,
    storage: LocalModelStorage,
    data_root: Path,
    featurizer: DomainVocabularyFeaturizer,
) -> None:
    moved = {**config, "data_root": str(data_root / "missing"),
             "domain": str(data_root / "missing.yml")}
    loaded = DomainVocabularyFeaturizer.load(moved, storage, RESOURCE, CONTEXT)
    assert loaded.vocabulary == featurizer.vocabulary and "ขั้นตอน" in loaded.vocabulary


def test_model_without_vocabulary_adds_no_features(
    tmp_path: Path, config: dict, trained: Trained
) -> None:
    empty = DomainVocabularyFeaturizer.load(config, LocalModelStorage(tmp_path), RESOURCE, CONTEXT)
    message = Message({TEXT: "เค้ก"})
    trained.tokenizer.process([message])
    empty.process([message])
    assert message.get_sparse_features(TEXT) == (None, None)


def _examples(trained: Trained, *pairs: tuple[str, str]) -> TrainingData:
    messages = [Message({TEXT: text, "intent": intent}) for text, intent in pairs]
    trained.tokenizer.process(messages)
    return TrainingData(messages)


def _trained_on(training: TrainingData, config: dict, folder: Path) -> DomainVocabularyFeaturizer:
    storage = LocalModelStorage(folder)
    DomainVocabularyFeaturizer.create(config, storage, RESOURCE, CONTEXT).train(training)
    return DomainVocabularyFeaturizer.load(config, storage, RESOURCE, CONTEXT)


def test_words_of_enough_in_domain_examples_join_the_vocabulary_left_out_for_their_own(
    tmp_path: Path, config: dict, trained: Trained
) -> None:
    training = _examples(trained, ("เปิดกี่โมงคะ", "ask_office_hours"),
                         ("ปิดกี่โมง", "ask_office_hours"), ("ห้างเปิดกี่โมง", "out_of_scope"),
                         ("ห้างปิดวันไหน", "out_of_scope"))
    loaded = _trained_on(training, {**config, "example_count": 2}, tmp_path)
    # กี่ and โมง (in no fixture record): two in-domain examples; ห้าง: out-of-scope ones only.
    assert {"กี่", "โมง"} <= loaded.vocabulary and loaded.borderline == {"กี่", "โมง"}
    assert "ห้าง" not in loaded.vocabulary

    loaded.process_training_data(training)
    # Each in-domain example sees them as the one other example does: once, too rare.
    assert _flags(training.training_examples[0]) == [("เปิด", 0), ("กี่", 1), ("โมง", 1), ("คะ", 0)]
    outside = _flags(training.training_examples[2])
    assert outside == [("ห้าง", 1), ("เปิด", 0), ("กี่", 0), ("โมง", 0)]

    unseen = columns(trained, loaded, "ห้องสมุดเปิดกี่โมง")[0]
    assert unseen == [("ห้องสมุด", 1), ("เปิด", 0), ("กี่", 0), ("โมง", 0)]


def test_without_example_count_examples_add_nothing(
    tmp_path: Path, config: dict, trained: Trained
) -> None:
    training = _examples(trained, ("เปิดกี่โมงคะ", "ask_office_hours"),
                         ("ปิดกี่โมง", "ask_office_hours"))
    loaded = _trained_on(training, config, tmp_path)
    assert "โมง" not in loaded.vocabulary and loaded.borderline == frozenset()
