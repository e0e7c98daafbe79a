"""``python -m bot run|train|test|shell|data ...``: Rasa's command line, with this project's patches.

The one way this project starts Rasa (``make``, scripts/test.sh, the launcher,
the benchmarks): the patches of bot/server/patches.py are applied first, then
Rasa's own ``rasa`` command runs with the same arguments. The bare ``rasa``
command would train and serve without them; tests/bot/server/test_entry_point.py
fails if a start path uses it.

``run`` defers TensorFlow (bot/server/deferred_tensorflow.py): a model whose
classifiers NumPy scores serves without it; anything that does need it makes
the process start again with it imported (``BOT_TENSORFLOW=import``).
"""
from __future__ import annotations

import os
import sys

from bot.server import deferred_tensorflow, library_warnings


def main(argv: list[str]) -> None:
    # Rasa must never phone home, whoever starts it and however the shell is
    # set up; with telemetry off it also skips Sentry.
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    # Serving only: training and testing use TensorFlow for real.
    if argv[:1] == ["run"] and os.environ.get(deferred_tensorflow.ENVIRONMENT_VARIABLE) != \
            deferred_tensorflow.IMPORT:
        deferred_tensorflow.install()
        # skops (which loads the intent blend's regression) works out at import
        # which module each NumPy and SciPy ufunc belongs to by searching every
        # module loaded so far, ufunc by ufunc: after Rasa's imports, 3,000 of
        # them, seconds of a start. Before them the search finds the same
        # modules (NumPy's own come first either way) in a quarter of the time.
        import skops.io  # noqa: F401
    library_warnings.ignore()  # before Rasa's import chain reaches matplotlib
    from bot.server import patches

    patches.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["python -m bot", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
