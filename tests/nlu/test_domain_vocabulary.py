"""DomainVocabularyFeaturizer: words the service domain never uses, per token and per sentence."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.domain_vocabulary import DomainVocabularyFeaturizer, domain_texts
from tests.nlu.support import Trained

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
FAQS = """\
faqs:
  - key: cake
    question_variants: [สูตรเค้กช็อกโกแลต]
    answer: สอบถามสายด่วนค่ะ
"""


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory, nlu_data_root: Path) -> Path:
    root = tmp_path_factory.mktemp("vocabulary-data")
    shutil.copytree(nlu_data_root, root, dirs_exist_ok=True)
    (root / "kb" / "faqs.yml").write_text(FAQS, encoding="utf-8")
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


def columns(trained: Trained, featurizer: DomainVocabularyFeaturizer, text: str) -> tuple[list, list]:
    message = Message({TEXT: text})
    trained.tokenizer.process([message])
    featurizer.process([message])
    sequence, sentence = message.get_sparse_features(TEXT)
    tokens = [t.text for t in message.get("text_tokens")]
    return ([(token, int(flag)) for token, flag in zip(tokens, sequence.features.toarray()[:, 0])],
            sentence.features.toarray()[0].tolist())


def test_question_variants_are_not_domain_texts(data_root: Path) -> None:
    texts = list(domain_texts(data_root, data_root / "domain.yml"))
    assert "สอบถามสายด่วนค่ะ" in texts and "เวลาทำการ" in texts
    assert "สูตรเค้กช็อกโกแลต" not in texts


def test_cake_recipe_steps_have_two_foreign_words(
    trained: Trained, featurizer: DomainVocabularyFeaturizer
) -> None:
    # ขั้นตอน is in a response; ทำ is a stop word; เค้ก and ช็อกโกแลต appear in
    # a FAQ question variant only, which is training data, not vocabulary.
    per_token, sentence = columns(trained, featurizer, "ขั้นตอนทำเค้กช็อกโกแลต")
    assert per_token == [("ขั้นตอน", 0), ("ทำ", 0), ("เค้ก", 1), ("ช็อกโกแลต", 1)]
    assert sentence == [1.0, 1.0]


def test_service_question_has_none(trained: Trained, featurizer: DomainVocabularyFeaturizer) -> None:
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
    config: dict, storage: LocalModelStorage, data_root: Path, featurizer: DomainVocabularyFeaturizer
) -> None:
    moved = {**config, "data_root": str(data_root / "missing"), "domain": str(data_root / "missing.yml")}
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
