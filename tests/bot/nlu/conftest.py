"""Fixtures for the Thai NLU components (Rasa environment).

``nlu_data_root`` is a data tree with the repository's real geography and
lookups but small fixed content terms (tests/fixtures/content/terms.yml, exported
from tests/fixtures/kb by the app side), so exact
assertions do not change when the service content grows.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.tokenizer import ThaiSegmenter, segmenter_from_data
from tests.bot.nlu.support import Trained, make_data_root


@pytest.fixture(scope="session")
def nlu_data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data_root(tmp_path_factory.mktemp("nlu-data"))


@pytest.fixture(scope="session")
def segmenter(nlu_data_root: Path) -> ThaiSegmenter:
    return segmenter_from_data(nlu_data_root)


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, nlu_data_root: Path) -> Trained:
    return Trained(tmp_path_factory.mktemp("model-storage"), nlu_data_root)
