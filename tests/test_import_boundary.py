"""The two environments stay apart (STYLE.md convention 5).

The Rasa-server side may import only Rasa, PyThaiNLP, spaCy, the standard
library and the project's stdlib-only modules; the modern side never imports
Rasa server internals. Checked statically so it runs in either environment.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA_SIDE = ["bot/nlu", "bot/channels", "bot/server"]
MODERN_SIDE = ["bot/kb", "bot/web", "actions", "bot/settings.py", "bot/launcher.py", "bot/run.py"]
# numpy and scipy: Rasa's own feature types (sparse features are scipy matrices);
# threadpoolctl: scikit-learn's (a Rasa dependency), to keep BLAS single-threaded;
# sklearn: the model of Rasa's LogisticRegressionClassifier (bot/nlu/intent_blend.py).
RASA_SIDE_ALLOWED = {"rasa", "pythainlp", "spacy", "sanic", "aiohttp", "yaml", "numpy", "scipy",
                     "threadpoolctl", "sklearn",
                     "bot.privacy", "bot.paths", "bot.nlu", "bot.channels", "bot.server",
                     "jsonschema", "sqlalchemy", "redis"}
STDLIB_ONLY = ["bot/privacy.py", "bot/paths.py"]


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for rel in paths:
        path = ROOT / rel
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _allowed(name: str, allowed: set[str]) -> bool:
    top = name.split(".")[0]
    return (top in sys.stdlib_module_names or top == "__future__"
            or any(name == a or name.startswith(a + ".") for a in allowed) or top in allowed)


@pytest.mark.parametrize("path", _files(RASA_SIDE), ids=lambda p: str(p.relative_to(ROOT)))
def test_rasa_side_imports_only_rasa_thai_nlp_and_stdlib(path: Path) -> None:
    bad = {n for n in _imports(path) if not _allowed(n, RASA_SIDE_ALLOWED)}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _files(MODERN_SIDE), ids=lambda p: str(p.relative_to(ROOT)))
def test_modern_side_never_imports_rasa(path: Path) -> None:
    bad = {n for n in _imports(path) if n == "rasa" or n.startswith("rasa.")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", _files(STDLIB_ONLY), ids=lambda p: str(p.relative_to(ROOT)))
def test_shared_modules_are_stdlib_only(path: Path) -> None:
    bad = {n for n in _imports(path) if not _allowed(n, {"bot.paths"})}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
