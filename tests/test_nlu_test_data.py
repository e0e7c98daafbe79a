"""The NLU test file is written separately: no copies or near-copies of training data."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
PARTICLES = re.compile(r"(ครับ|ค่ะ|คะ|คับ|จ้า|จ้ะ|นะ|ฮะ|อ่ะ|ป่ะ|มั้ย|ไหม|\s|[?!.,ๆ])+")


def _examples(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts = []
    for block in document.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                texts.append(ANNOTATION.sub(r"\1", line[2:]).strip())
    return texts


def _core(text: str) -> str:
    return PARTICLES.sub("", text.lower())


def _trigrams(text: str) -> set[str]:
    return {text[i:i + 3] for i in range(max(1, len(text) - 2))}


def test_test_examples_are_not_copies_of_training_examples() -> None:
    training = [t for p in sorted((ROOT / "data" / "nlu").rglob("*.yml")) for t in _examples(p)]
    test = _examples(ROOT / "tests" / "data" / "nlu_test.yml")
    assert len(training) > 500 and len(test) > 300
    train_cores = {_core(t) for t in training}
    copies = [t for t in test if _core(t) in train_cores]
    assert not copies, f"{len(copies)} test examples copy training examples: {copies[:10]}"
    train_grams = [(t, _trigrams(_core(t))) for t in training if len(_core(t)) >= 8]
    near = []
    for text in test:
        grams = _trigrams(_core(text))
        if len(_core(text)) < 8:
            continue
        for other, other_grams in train_grams:
            if len(grams & other_grams) / len(grams | other_grams) >= 0.8:
                near.append((text, other))
                break
    assert not near, f"{len(near)} near-copies (3-gram Jaccard >= 0.8): {near[:10]}"
