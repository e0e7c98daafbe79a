"""Helpers for the Thai NLU tests: a fixture data tree and a trained component pair."""
from __future__ import annotations

import shutil
from pathlib import Path

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.entity_extractor import GazetteerEntityExtractor
from bot.nlu.tokenizer import ThaiTokenizer
from common.paths import DATA
from common.training_content import TERMS_FILE

# The shared fixture set (tests/fixtures): its kb/ is the knowledge base here too.
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def make_data_root(target: Path) -> Path:
    """Real geo and lookups, fixture content terms (as the exporter writes them)."""
    for relative in ("geo/provinces.csv", "geo/districts.csv", "nlu/lookups/gazetteer.yml",
                     "nlu/lookups/normalisation.yml"):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / relative, target / relative)
    (target / TERMS_FILE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "content" / "terms.yml", target / TERMS_FILE)
    return target


def spans(tokens: list[Token]) -> list[tuple[str, int, int]]:
    return [(token.text, token.start, token.end) for token in tokens]


class Trained:
    """A tokenizer and an extractor trained on ``nlu_data_root`` and loaded back."""

    def __init__(self, root: Path, data_root: Path) -> None:
        self.storage = LocalModelStorage(root)
        self.context = ExecutionContext(GraphSchema({}), "nlu-test")
        self.config = {"data_root": str(data_root)}
        self.tokenizer_resource = Resource("train_ThaiTokenizer0")
        self.extractor_resource = Resource("train_GazetteerEntityExtractor1")
        ThaiTokenizer.create(
            self.config, self.storage, self.tokenizer_resource, self.context
        ).train(TrainingData())
        GazetteerEntityExtractor.create(
            self.config, self.storage, self.extractor_resource, self.context
        ).train(TrainingData())
        self.tokenizer = ThaiTokenizer.load(
            self.config, self.storage, self.tokenizer_resource, self.context
        )
        self.extractor = GazetteerEntityExtractor.load(
            self.config, self.storage, self.extractor_resource, self.context
        )
