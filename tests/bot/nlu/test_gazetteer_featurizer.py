"""GazetteerFeaturizer: one feature per gazetteer entity type, per token and per sentence."""
from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.gazetteer import ENTITY_TYPES
from bot.nlu.gazetteer_featurizer import GazetteerFeaturizer
from tests.bot.nlu.support import Trained


@pytest.fixture(scope="module")
def featurizer(tmp_path_factory: pytest.TempPathFactory, nlu_data_root: Path) -> GazetteerFeaturizer:
    storage = LocalModelStorage(tmp_path_factory.mktemp("featurizer-storage"))
    context = ExecutionContext(GraphSchema({}), "nlu-test", node_name="gazetteer_features")
    config = {"data_root": str(nlu_data_root)}
    resource = Resource("train_GazetteerFeaturizer2")
    GazetteerFeaturizer.create(config, storage, resource, context).train(TrainingData())
    return GazetteerFeaturizer.load(config, storage, resource, context)


def columns(trained: Trained, featurizer: GazetteerFeaturizer, text: str) -> tuple[list, list]:
    message = Message({TEXT: text})
    trained.tokenizer.process([message])
    featurizer.process([message])
    sequence, sentence = message.get_sparse_features(TEXT)
    names = [[ENTITY_TYPES[c] for c in row.nonzero()[0]] for row in sequence.features.toarray()]
    return names, [ENTITY_TYPES[c] for c in sentence.features.toarray()[0].nonzero()[0]]


def test_tokens_of_a_place_and_a_service_are_marked(
    trained: Trained, featurizer: GazetteerFeaturizer
) -> None:
    # ต่อ|บัตรประชาชน|ที่|โคราช|ใช้|อะไร|บ้าง|คะ: the service spans the first two tokens.
    per_token, sentence = columns(trained, featurizer, "ต่อบัตรประชาชนที่โคราชใช้อะไรบ้างคะ")
    assert per_token == [["service"], ["service"], [], ["province"], [], [], [], []]
    assert sentence == ["province", "service"]


def test_bare_district_answer_is_marked(trained: Trained, featurizer: GazetteerFeaturizer) -> None:
    assert columns(trained, featurizer, "อ.แม่สอด")[1] == ["district"]


def test_message_without_names_has_empty_features(
    trained: Trained, featurizer: GazetteerFeaturizer
) -> None:
    per_token, sentence = columns(trained, featurizer, "ขอบคุณค่ะ")
    assert per_token == [[], []] and sentence == []
