"""A trained model carries its Thai dictionary and gazetteer: it never reads data/.

Trains a tokenizer + extractor pipeline with Rasa's own recipe and graph
trainer into a model archive, deletes the data it was trained from, loads the
archive into a fresh model storage and parses messages with the prediction
graph, as the Rasa server does.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine.caching import LocalTrainingCache
from rasa.engine.constants import PLACEHOLDER_MESSAGE
from rasa.engine.loader import load_predict_graph_runner
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.training.graph_trainer import GraphTrainer
from rasa.engine.validation import validate
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.data import TrainingType
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.tokenizer import ThaiSegmenter
from tests.bot.nlu.support import make_data_root, spans

NLU_DATA = """version: "3.1"
nlu:
- intent: ask_documents
  examples: |
    - ต่อบัตรประชาชนใช้อะไรบ้างคะ
    - ทำพาสปอร์ตต้องเตรียมเอกสารอะไร
- intent: find_office
  examples: |
    - สำนักงานเขตบางรักอยู่ที่ไหน
    - ศาลากลางจังหวัดเชียงใหม่ไปยังไง
"""

MESSAGES = [
    "ต่อบัตรประชาชนที่โคราชใช้อะไรบ้างคะ",
    "บัตร ปชช. หายค่ะ 🙏",
    "ทร.๑๔ หายที่เขตบางรัก",
    "อ.เมืองเชียงใหม่ เปิดกี่โมงคะ",
    "ขอบคุณค่าาาา",
]


def pipeline_config(data_root: Path) -> dict:
    return {
        "recipe": "default.v1",
        "language": "th",
        "pipeline": [
            {"name": "bot.nlu.tokenizer.ThaiTokenizer", "data_root": str(data_root)},
            {
                "name": "bot.nlu.entity_extractor.GazetteerEntityExtractor",
                "data_root": str(data_root),
            },
        ],
    }


def train(tmp_path: Path, data_root: Path) -> Path:
    nlu_file = tmp_path / "nlu.yml"
    nlu_file.write_text(NLU_DATA, encoding="utf-8")
    config = pipeline_config(data_root)
    model_configuration = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validate(model_configuration)
    importer = TrainingDataImporter.load_from_dict(
        config=config, training_data_paths=[str(nlu_file)]
    )
    archive = tmp_path / "model.tar.gz"
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    trainer = GraphTrainer(LocalModelStorage(build_dir), LocalTrainingCache(), DaskGraphRunner)
    trainer.train(model_configuration, importer, archive)
    return archive


def parse_with_model(archive: Path, storage_dir: Path, texts: list[str]) -> list[Message]:
    metadata, runner = load_predict_graph_runner(
        storage_dir, archive, LocalModelStorage, DaskGraphRunner
    )
    results = runner.run(
        inputs={PLACEHOLDER_MESSAGE: [UserMessage(text) for text in texts]},
        targets=[metadata.nlu_target],
    )
    return results[metadata.nlu_target]


def test_model_is_self_contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    data_root = make_data_root(tmp_path / "data")
    archive = train(tmp_path, data_root)
    trained_on_data = parse_with_model(archive, tmp_path / "run-1", MESSAGES)

    shutil.rmtree(data_root)
    without_data = parse_with_model(archive, tmp_path / "run-2", MESSAGES)

    for before, after in zip(trained_on_data, without_data):
        assert spans(after.get(TOKENS_NAMES[TEXT])) == spans(before.get(TOKENS_NAMES[TEXT]))
        assert after.get(ENTITIES) == before.get(ENTITIES)
    first, second, third, fourth, fifth = without_data
    assert spans(first.get(TOKENS_NAMES[TEXT]))[3] == ("โคราช", 17, 22)
    assert [(e["entity"], e["value"]) for e in first.get(ENTITIES)] == [
        ("service", "id_card_renewal"), ("province", "30")]
    assert [(e["entity"], e["value"]) for e in second.get(ENTITIES)] == [
        ("service", "id_card_lost")]
    assert [(e["entity"], e["value"]) for e in third.get(ENTITIES)] == [
        ("service", "house_registration_copy"), ("district", "1004")]
    assert [(e["entity"], e["value"]) for e in fourth.get(ENTITIES)] == [("district", "5001")]
    assert spans(fifth.get(TOKENS_NAMES[TEXT])) == [("ขอบคุณ", 0, 6), ("ค่ะ", 6, 12)]
    # Without the stored dictionary, บางรัก would not be one token.
    assert [t.text for t in ThaiSegmenter().tokenize("เขตบางรัก")] == ["เขต", "บาง", "รัก"]
    assert spans(third.get(TOKENS_NAMES[TEXT])) == [
        ("ทร.14", 0, 5), ("หาย", 6, 9), ("ที่", 9, 12), ("เขต", 12, 15), ("บางรัก", 15, 21)]
