"""One home per runtime (STYLE.md convention 5), checked in both directions.

| home      | runs in                 | may import besides the standard library        |
|-----------|-------------------------|------------------------------------------------|
| `bot`     | `.venv/rasa`, Python 3.10 | Rasa and its pinned libraries, PyThaiNLP, spaCy, `common` |
| `actions` | `.venv/app`, Python 3.11  | anything installed there but Rasa; `app`, `common` |
| `app`     | `.venv/app`               | the same                                        |
| `common`  | both                      | nothing                                         |
| `nlp`     | both                      | `common`, PyThaiNLP and python-crfsuite (pinned alike in both) |

Tests follow their package: `tests/bot` runs in `.venv/rasa`, every other
test in `.venv/app` (scripts/test.sh). A benchmark or script may run in
either, never both. Checked statically, so it runs in either environment.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOMES = {"bot": "rasa", "actions": "app", "app": "app", "common": "both", "nlp": "both"}
# Folders with Python that are not importable homes: they belong to one
# environment file by file (checked below) or are generated.
NOT_HOMES = {"tests", "bench", "scripts", "web", "data", "models", "var", "node_modules",
             "test-artifacts"}
# numpy and scipy: Rasa's own feature types (sparse features are scipy matrices);
# threadpoolctl: scikit-learn's (a Rasa dependency), to keep BLAS single-threaded;
# sklearn: the model of Rasa's LogisticRegressionClassifier (bot/nlu/intent_blend.py);
# sqlalchemy 1.4, redis, jsonschema, sanic, aiohttp 3.9: what Rasa's stores and server use;
# websockets: python-socketio's, the client of the socket.io channel's tests;
# skops: Rasa's model persistence, imported early by bot/__main__.py.
RASA_THIRD_PARTY = {"rasa", "pythainlp", "spacy", "sanic", "aiohttp", "yaml", "numpy", "scipy",
                    "threadpoolctl", "sklearn", "jsonschema", "sqlalchemy", "redis", "websockets",
                    "skops"}
TEST_TOOLS = {"pytest", "tests", "bench"}
RASA_ONLY = {"rasa", "bot"}
APP_ONLY = {"app", "actions", "rasa_sdk"}


def _python_files(*parts: str) -> list[Path]:
    base = ROOT.joinpath(*parts)
    return sorted(p for p in base.rglob("*.py") if ".venv" not in p.parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _tops(path: Path) -> set[str]:
    """Top-level names imported, less the standard library and sibling helper modules."""
    siblings = {p.stem for p in path.parent.glob("*.py")}
    tops = {name.split(".")[0] for name in _imports(path)}
    return {t for t in tops if t not in sys.stdlib_module_names and t != "__future__"
            and t not in siblings}


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


RASA_FILES = _python_files("bot") + _python_files("tests", "bot")
APP_FILES = (_python_files("actions") + _python_files("app")
             + [p for p in _python_files("tests") if "bot" not in p.relative_to(ROOT / "tests").parts[:1]])


def test_every_top_level_package_is_a_home() -> None:
    tops = {p.relative_to(ROOT).parts[0] for p in ROOT.rglob("*.py")
            if ".venv" not in p.parts and len(p.relative_to(ROOT).parts) > 1}
    assert tops - NOT_HOMES == set(HOMES), "a new top-level package must be a home named in HOMES"


@pytest.mark.parametrize("path", RASA_FILES, ids=_rel)
def test_rasa_side_imports_only_rasa_thai_nlp_and_common(path: Path) -> None:
    bad = _tops(path) - RASA_THIRD_PARTY - TEST_TOOLS - {"bot", "common", "nlp"}
    assert not bad, f"{_rel(path)} (runs in .venv/rasa) imports {sorted(bad)}"


@pytest.mark.parametrize("path", APP_FILES, ids=_rel)
def test_app_side_never_imports_rasa_or_bot(path: Path) -> None:
    bad = _tops(path) & RASA_ONLY
    assert not bad, f"{_rel(path)} (runs in .venv/app) imports {sorted(bad)}"


@pytest.mark.parametrize("path", _python_files("common"), ids=_rel)
def test_common_is_standard_library_only(path: Path) -> None:
    bad = _tops(path) - {"common"}
    assert not bad, f"{_rel(path)} is shared by both environments and imports {sorted(bad)}"


@pytest.mark.parametrize("path", _python_files("nlp"), ids=_rel)
def test_nlp_imports_only_common_and_thai_nlp(path: Path) -> None:
    bad = _tops(path) - {"common", "nlp", "pythainlp", "pycrfsuite"}
    assert not bad, f"{_rel(path)} is shared by both environments and imports {sorted(bad)}"


@pytest.mark.parametrize("path", _python_files("bench") + _python_files("scripts"), ids=_rel)
def test_benchmarks_and_scripts_run_in_one_environment(path: Path) -> None:
    tops = _tops(path)
    assert not (tops & RASA_ONLY and tops & APP_ONLY), f"{_rel(path)} imports both sides: {sorted(tops)}"


def test_the_check_sees_both_sides() -> None:
    # A rename that empties one list would make the checks above pass vacuously.
    assert {"bot/nlu/tokenizer.py", "tests/bot/nlu/test_tokenizer.py"} <= {_rel(p) for p in RASA_FILES}
    assert {"actions/services.py", "app/kb/db.py", "tests/app/kb/test_db.py"} <= {_rel(p) for p in APP_FILES}
