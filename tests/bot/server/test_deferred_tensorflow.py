"""The server runs without TensorFlow, and anything that needs it gets it (bot/server/deferred_tensorflow.py).

Each check runs in a fresh interpreter: this one imported TensorFlow long ago.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from common.paths import ROOT
from tests.conftest import require_model

MODEL = ROOT / "models" / "thai-assistant.tar.gz"
# Messages with an intent, an FAQ, an office, small talk and nonsense.
MESSAGES = ["สวัสดีค่ะ", "ต่อบัตรประชาชนใช้เอกสารอะไรบ้างคะ", "แล้วค่าธรรมเนียมเท่าไหร่คะ",
            "สำนักงานเขตบางรักอยู่ที่ไหน", "ทำใบขับขี่หายต้องทำยังไง", "ขั้นตอนทำเค้ก", "ขอบคุณค่ะ"]


def _run(script: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2",
           "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("BOT_TENSORFLOW", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_server_imports_every_module_of_a_turn_without_tensorflow() -> None:
    result = _run("""
        from bot.server import deferred_tensorflow
        assert deferred_tensorflow.install()
        from bot.server import patches
        patches.apply()
        import rasa.cli.run, rasa.core.run, rasa.core.agent
        import bot.nlu.sentence_inference, bot.nlu.response_selector, bot.nlu.intent_blend
        import bot.nlu.tokenizer, bot.nlu.entity_extractor, bot.nlu.gazetteer_featurizer
        import bot.nlu.domain_vocabulary, bot.server.tracker_store, bot.channels.rest
        import tensorflow as tf
        print(deferred_tensorflow.imported(), isinstance(1.0, tf.Tensor), issubclass(int, tf.Tensor))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False"]


def test_a_real_use_restarts_the_process_with_tensorflow_imported() -> None:
    result = _run("""
        import os
        from bot.server import deferred_tensorflow
        if os.environ.get("BOT_TENSORFLOW") == "import":
            import tensorflow as tf
            print("restarted", deferred_tensorflow.imported(), int(tf.constant(2).numpy()))
            raise SystemExit(0)
        deferred_tensorflow.install()
        import tensorflow as tf
        print("deferred", deferred_tensorflow.imported(), flush=True)
        tf.constant(1)
        print("not reached")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["deferred", "False", "restarted", "True", "2"]
    assert "TensorFlow is needed after all (a call of tensorflow.constant)" in result.stderr


def test_a_class_built_on_a_keras_class_restarts_the_process_when_instantiated() -> None:
    result = _run("""
        import os
        from bot.server import deferred_tensorflow
        if os.environ.get("BOT_TENSORFLOW") == "import":
            print("restarted")
            raise SystemExit(0)
        deferred_tensorflow.install()
        from tensorflow.keras.layers import Layer

        class Scale(Layer):
            pass

        print("defined", flush=True)
        Scale()
        print("not reached")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["defined", "restarted"]
    assert "an instance of Scale" in result.stderr


def test_install_refuses_once_tensorflow_is_imported() -> None:
    result = _run("""
        import tensorflow
        from bot.server import deferred_tensorflow
        print(deferred_tensorflow.install(), deferred_tensorflow.imported())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.model
def test_the_model_answers_as_with_tensorflow_and_never_imports_it() -> None:
    require_model(MODEL)
    script = f"""
        import asyncio, json, sys
        from bot.server import deferred_tensorflow
        deferred_tensorflow.install()
        from bot.server import patches
        patches.apply()
        from rasa.core.agent import Agent

        async def main():
            agent = Agent.load({str(MODEL)!r})
            parsed = [await agent.parse_message(text) for text in {MESSAGES!r}]
            return parsed

        parsed = asyncio.run(main())
        assert not deferred_tensorflow.imported(), "TensorFlow was imported"
        print(json.dumps([{{"intent": p["intent"], "ranking": p["intent_ranking"],
                            "faq": p.get("response_selector")}} for p in parsed]))
    """
    result = _run(script)
    assert result.returncode == 0, result.stderr
    assert "TensorFlow is needed after all" not in result.stderr
    deferred = json.loads(result.stdout.strip().splitlines()[-1])

    import asyncio

    from rasa.core.agent import Agent

    from bot.nlu.sentence_inference import SentenceInferenceMixin

    agent = Agent.load(str(MODEL))

    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in MESSAGES]

    with pytest.MonkeyPatch.context() as patch:  # Rasa's TensorFlow path
        patch.setattr(SentenceInferenceMixin, "_inference", lambda self: None)
        reference = asyncio.run(parse_all())
    for text, ours, rasa in zip(MESSAGES, deferred, reference):
        assert ours["intent"]["name"] == rasa["intent"]["name"], text
        ours_scores = {r["name"]: r["confidence"] for r in ours["ranking"]}
        rasa_scores = {r["name"]: r["confidence"] for r in rasa["intent_ranking"]}
        assert ours_scores.keys() == rasa_scores.keys(), text
        assert max(abs(ours_scores[k] - rasa_scores[k]) for k in rasa_scores) < 1e-4, text
        ours_faq = (ours["faq"] or {}).get("faq", {}).get("response", {})
        rasa_faq = (rasa.get("response_selector") or {}).get("faq", {}).get("response", {})
        assert ours_faq.get("intent_response_key") == rasa_faq.get("intent_response_key"), text
