"""The training cache restores DIET when nothing changed; no spurious response-selector warning."""
from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphNode, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.graph_components.validators.default_recipe_validator import DefaultV1RecipeValidator
from rasa.shared.data import TrainingType
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.validator import Validator

from bot.nlu.sentence_inference import NumpyDIETClassifier
from bot.server.fixes import (
    default_action_responses,
    lookup_config,
    retrieval_duplicates_warning,
)
from common.paths import ROOT

DIET_CONFIG = {"hidden_layers_sizes": {"text": [256, 128]}, "epochs": 100}
NO_SELECTOR_WARNING = (
    "You have defined training data with examples for training a response selector, but "
    "your NLU configuration does not include a response selector component. To train a "
    "model on your response selector data, add a 'ResponseSelector' to your configuration.")


def test_lookup_merges_the_config_as_the_training_node_does(tmp_path: Path) -> None:
    node = GraphNode(
        node_name="train_NumpyDIETClassifier", component_class=NumpyDIETClassifier,
        constructor_name="create", component_config=copy.deepcopy(DIET_CONFIG), fn_name="train",
        inputs={}, eager=False, model_storage=LocalModelStorage(tmp_path),
        resource=Resource("train_NumpyDIETClassifier"),
        execution_context=ExecutionContext(GraphSchema({})), hooks=[])
    assert lookup_config(NumpyDIETClassifier, DIET_CONFIG) == node._component_config
    assert lookup_config(NumpyDIETClassifier, DIET_CONFIG)["hidden_layers_sizes"] == {
        "text": [256, 128], "label": []}
    # What Rasa's FingerprintComponent looked up, and so never found:
    shallow = {**NumpyDIETClassifier.get_default_config(), **DIET_CONFIG}
    assert shallow["hidden_layers_sizes"] == {"text": [256, 128]}


def _train_schema(config: dict[str, Any]) -> GraphSchema:
    return DefaultV1Recipe().graph_config_for_recipe(
        copy.deepcopy(config), {}, training_type=TrainingType.BOTH).train_schema


def _unused_data_warnings(config: dict[str, Any]) -> list[str]:
    faq = Message(data={"text": "ทำบัตรหายต้องทำอย่างไร", "intent": "faq",
                        "intent_response_key": "faq/lost_card",
                        "response": "แจ้งความและทำบัตรใหม่ได้ที่อำเภอค่ะ"})
    validator = DefaultV1RecipeValidator(_train_schema(config))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validator._warn_if_some_training_data_is_unused(TrainingData([faq]))
    return [str(warning.message) for warning in caught]


def _project_config() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))


def test_our_response_selector_is_recognised() -> None:
    assert NO_SELECTOR_WARNING not in _unused_data_warnings(_project_config())


def test_without_any_response_selector_the_warning_stays() -> None:
    config = _project_config()
    config["pipeline"] = [c for c in config["pipeline"] if "ResponseSelector" not in c["name"]]
    assert NO_SELECTOR_WARNING in _unused_data_warnings(config)


TINY_CONFIG = """\
recipe: default.v1
assistant_id: cache-test
language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: bot.nlu.sentence_inference.NumpyDIETClassifier
    number_of_transformer_layers: 0
    hidden_layers_sizes:
      text: [8]
    epochs: 1
    entity_recognition: false
    random_seed: 42
policies:
  - name: RulePolicy
"""
TINY_NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
- intent: goodbye
  examples: |
    - bye
    - see you later
    - good night
"""
TINY_DOMAIN = """\
version: "3.1"
intents: [greet, goodbye]
responses:
  utter_greet:
    - text: "hello"
"""
TINY_RULES = """\
version: "3.1"
rules:
- rule: greet
  steps:
  - intent: greet
  - action: utter_greet
"""


def _train(project: Path, cache: Path) -> str:
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(cache), "PYTHONPATH": str(ROOT),
           "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "train", "--config", "config.yml", "--domain", "domain.yml",
         "--data", "data", "--out", "models", "--fixed-model-name", "tiny"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


@pytest.mark.model
def test_a_second_training_restores_diet_from_the_cache(tmp_path: Path) -> None:
    """Config as in config.yml: DIET's ``hidden_layers_sizes`` given for ``text`` only."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "config.yml").write_text(TINY_CONFIG)
    (project / "domain.yml").write_text(TINY_DOMAIN)
    (project / "data" / "nlu.yml").write_text(TINY_NLU)
    (project / "data" / "rules.yml").write_text(TINY_RULES)
    first = _train(project, tmp_path / "cache")
    assert "Finished training component 'NumpyDIETClassifier'." in first
    second = _train(project, tmp_path / "cache")
    assert "Restored component 'NumpyDIETClassifier' from cache." in second
    assert "Starting to train component" not in second


def test_loading_the_project_warns_of_no_duplicated_retrieval_intent(tmp_path: Path) -> None:
    # The FAQ training data is exported from the database when training (and
    # absent from a fresh clone): one stand-in FAQ gives the domain its
    # retrieval intent.
    (tmp_path / "faq.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/test_only\n  examples: |\n    - ทดสอบคำถาม\n',
        encoding="utf-8")
    (tmp_path / "faq_responses.yml").write_text(
        'version: "3.1"\nresponses:\n  utter_faq/test_only:\n  - text: ทดสอบคำตอบ\n',
        encoding="utf-8")
    importer = TrainingDataImporter.load_from_config(
        config_path=str(ROOT / "config.yml"), domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data"), str(tmp_path)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        domain = importer.get_domain()
    assert "faq" in domain.retrieval_intents
    assert [str(w.message) for w in caught if "duplicated" in str(w.message)] == []


@pytest.mark.parametrize(
    ("message", "ignored"),
    [
        ("The following duplicated intents have been found across multiple domain files: faq",
         True),
        ("The following duplicated intents have been found across multiple domain files: "
         "faq, chitchat", True),
        ("The following duplicated intents have been found across multiple domain files: "
         "faq, greet", False),
        ("The following duplicated intents have been found across multiple domain files: faq "
         "\nThe following duplicated responses have been found across multiple domain files: "
         "utter_greet", False),
    ],
)
def test_only_retrieval_intents_count_as_rasas_own_duplicates(message: str, ignored: bool) -> None:
    pattern = re.compile(retrieval_duplicates_warning({"faq", "chitchat"}), re.I)
    assert bool(pattern.match(message)) is ignored


def test_the_entry_point_prints_no_library_deprecation_warnings() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--version"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "PyparsingDeprecationWarning" not in result.stdout + result.stderr


def test_responses_of_rasas_default_actions_count_as_used() -> None:
    validator = Validator.from_importer(TrainingDataImporter.load_from_config(
        config_path=str(ROOT / "config.yml"), domain_path=str(ROOT / "domain.yml"),
        training_data_paths=[str(ROOT / "data")]))
    assert {"utter_restart", "utter_default", "utter_ask_rephrase"} <= default_action_responses()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert validator.verify_utterances_in_stories()
    unused = sorted(str(w.message) for w in caught if "is not used in any story" in str(w.message))
    for name in ("utter_restart", "utter_default", "utter_ask_rephrase"):
        assert f"The utterance '{name}' is not used in any story or rule." not in unused
    # Used only by our actions and channels, which Rasa cannot see: still reported.
    assert "The utterance 'utter_service_unavailable' is not used in any story or rule." in unused
