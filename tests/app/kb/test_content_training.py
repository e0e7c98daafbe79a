"""Done when: an alias or FAQ question published in the database, with no file
edited, is recognised after the next training (``make model``'s two steps:
``python -m app.kb.export_training``, then ``rasa train``).

A small Thai pipeline is trained twice on fixture data, in the Rasa
environment, before and after an editor publishes a new service alias and a
new FAQ question variant; the second model tags the alias and selects the FAQ.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.kb import export_training
from app.kb.db import Database
from app.kb.models import ContentKind
from app.kb.repositories import editing
from common.paths import DATA, ROOT
from common.training_content import TERMS_FILE
from tests.app.kb.conftest import sqlite_url

pytestmark = pytest.mark.model

RASA_PYTHON = ROOT / ".venv" / "rasa" / "bin" / "python"
NEW_ALIAS = "ต่อบัตรคนไทย"
NEW_QUESTION = "แจ้งเรื่องร้องเรียนเจ้าหน้าที่ได้ที่ไหนคะ"
EDITOR = editing.Editor("console:1")

NLU = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - สวัสดีค่ะ
    - สวัสดีครับ
    - หวัดดีจ้า
- intent: ask_documents
  examples: |
    - ต่อบัตรประชาชนใช้เอกสารอะไรบ้าง
    - ต้องเตรียมเอกสารอะไรบ้างคะ
    - ใช้อะไรบ้างครับ
"""
DOMAIN = """\
version: "3.1"
intents: [greet, ask_documents, faq]
"""


def _config(data_root: Path) -> str:
    root = json.dumps(str(data_root))
    return f"""\
recipe: default.v1
assistant_id: content-training-test
language: th
pipeline:
  - name: bot.nlu.tokenizer.ThaiTokenizer
    data_root: {root}
  - name: bot.nlu.entity_extractor.GazetteerEntityExtractor
    data_root: {root}
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 40
    entity_recognition: false
    random_seed: 1
  - name: ResponseSelector
    retrieval_intent: faq
    epochs: 40
    random_seed: 1
policies: []
"""

# Loads a model and prints, per message, the intent, entities and FAQ selected.
PARSE = """\
import asyncio, json, sys
from rasa.core.agent import Agent

async def main():
    agent = Agent.load(sys.argv[1])
    found = []
    for text in sys.argv[2:]:
        result = await agent.parse_message(text)
        faq = result.get("response_selector", {}).get("faq", {}).get("response", {})
        found.append({"entities": [[e["entity"], e["value"]] for e in result["entities"]],
                      "faq": faq.get("intent_response_key")})
    print(json.dumps(found, ensure_ascii=False))

asyncio.run(main())
"""


def _rasa(args: list[str], tmp_path: Path) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_CACHE_DIRECTORY": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [str(RASA_PYTHON), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _train_and_parse(tmp_path: Path, data_root: Path, name: str) -> list[dict]:
    _rasa(
        ["-m", "bot", "train", "nlu", "--config", str(tmp_path / "config.yml"),
         "--nlu", str(data_root / "nlu"), "--domain", str(tmp_path / "domain.yml"),
         "--out", str(tmp_path / "models"), "--fixed-model-name", name, "--quiet"],
        tmp_path,
    )
    model = tmp_path / "models" / f"{name}.tar.gz"
    out = _rasa(["-c", PARSE, str(model), f"อยาก{NEW_ALIAS}", NEW_QUESTION], tmp_path)
    return json.loads(out.strip().splitlines()[-1])


async def test_published_alias_and_question_are_learned_by_the_next_model(
    tmp_path: Path, seeded_sqlite: Path
) -> None:
    if not RASA_PYTHON.exists():
        pytest.fail(f"{RASA_PYTHON} is missing: make env")
    data_root = tmp_path / "data"
    for relative in ("geo/provinces.csv", "geo/districts.csv", "nlu/lookups/gazetteer.yml",
                     "nlu/lookups/normalisation.yml"):
        (data_root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / relative, data_root / relative)
    (data_root / "nlu" / "train.yml").write_text(NLU, encoding="utf-8")
    (tmp_path / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (tmp_path / "config.yml").write_text(_config(data_root), encoding="utf-8")
    db_path = tmp_path / "kb.sqlite3"
    shutil.copyfile(seeded_sqlite, db_path)
    db = Database(sqlite_url(db_path))
    try:
        await export_training.export_training(db, data_root)
        before = _train_and_parse(tmp_path, data_root, "before")
        assert before[0]["entities"] == []

        async with db.session() as s:
            renewal = await editing.create_draft(
                s,
                ContentKind.SERVICE,
                {"code": "id_card_renewal",
                 "aliases": ["ต่อบัตรประชาชน", "บัตรประชาชนหมดอายุ", NEW_ALIAS]},
                EDITOR,
            )
            await editing.publish(s, renewal.id, EDITOR, "คำที่ประชาชนพิมพ์")
            faq = await editing.create_draft(
                s,
                ContentKind.FAQ,
                {"key": "complaint_channels",
                 "question_variants": ["ร้องเรียนที่ไหน", "จะร้องทุกข์ต้องทำอย่างไร", NEW_QUESTION]},
                EDITOR,
            )
            await editing.publish(s, faq.id, EDITOR, "คำถามที่ประชาชนถามบ่อย")
        changed = await export_training.export_training(db, data_root)
    finally:
        await db.dispose()
    assert data_root / TERMS_FILE in changed
    after = _train_and_parse(tmp_path, data_root, "after")
    assert after[0]["entities"] == [["service", "id_card_renewal"]]
    assert after[1]["faq"] == "faq/complaint_channels"
