"""Serve without importing TensorFlow, which a NumPy-scored model never calls.

Rasa imports TensorFlow wherever it might need it: the server's own import
chain reaches it through the entity extractors' training utilities
(``rasa.utils.train_utils`` -> ``rasa.utils.tensorflow.callback``), and the
model classes of DIET, TED and the response selector subclass Keras classes
when their modules are imported. Importing it took 5 s and 570 MB resident
(370 MB of it its shared libraries), more than half of the server's memory.
With DIET and the FAQ selector scored by NumPy from their own weight files
(bot/nlu/sentence_inference.py), no turn calls it.

:func:`install` (``python -m bot run`` only, bot/__main__.py) puts an import
hook in front of the others: ``import tensorflow`` (or keras, or a submodule)
gives a placeholder module whose attributes are placeholders too, and a class
that subclasses a Keras class at import gets an empty stand-in base. Type
hints, default arguments and ``from ... import`` hold placeholders without
loading anything, and ``isinstance(x, tf.Tensor)`` is False without loading:
nothing can be an instance of a class that was never imported.

Any real use (calling a TensorFlow function, instantiating a class built on a
stand-in, iterating a placeholder) means that this process needs TensorFlow
after all: a model trained before the NumPy weight files, a TED policy, a
dense featurizer, diagnostic data. Placeholders and stand-ins cannot turn into
the real thing, so the process then starts itself again, same pid and
arguments, with TensorFlow imported as Rasa does (``BOT_TENSORFLOW=import``),
after logging which use asked for it. Behaviour is Rasa's either way; only the
cost differs. tests/bot/server/test_deferred_tensorflow.py runs the server
on the trained model and checks that TensorFlow stays out.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import logging
import os
import sys
import traceback
import types
from typing import Any, NoReturn

logger = logging.getLogger(__name__)

# BOT_TENSORFLOW=import: import TensorFlow as Rasa does (set on the restart).
ENVIRONMENT_VARIABLE = "BOT_TENSORFLOW"
IMPORT = "import"
DEFERRED_PACKAGES = frozenset({
    "tensorflow", "keras", "tensorflow_addons", "tensorflow_estimator", "tensorflow_hub",
    "tensorflow_text", "tensorboard", "tensorflow_io_gcs_filesystem",
})

_installed = False
_restarting = False


def deferred(name: str) -> bool:
    return name.partition(".")[0] in DEFERRED_PACKAGES


def needed(what: str) -> NoReturn:
    """TensorFlow is used for real: start this process again with it imported."""
    global _restarting
    if _restarting or os.environ.get(ENVIRONMENT_VARIABLE) == IMPORT:
        # A use during the restart itself, or a process restarted already
        # that deferred it again: never a loop of restarts.
        raise RuntimeError(f"TensorFlow was deferred and is needed by {what}")
    _restarting = True
    caller = "".join(traceback.format_stack(limit=8)[:-2])
    logger.warning("TensorFlow is needed after all (%s): restarting this process with it "
                   "imported. Called from:\n%s", what, caller)
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, sys.orig_argv, {**os.environ, ENVIRONMENT_VARIABLE: IMPORT})


class _StandInMeta(type):
    def __getattr__(cls, name: str) -> Any:
        # An attribute the real base class would have had.
        if name.startswith("__"):
            raise AttributeError(name)
        needed(f"{cls.__qualname__}.{name}")


def _stand_in_new(cls: type, *args: Any, **kwargs: Any) -> NoReturn:
    needed(f"an instance of {cls.__qualname__}")


class Placeholder:
    """A name under a deferred package, e.g. ``tf.keras.layers.Dense``."""

    __slots__ = ("_bot_path",)
    _stand_ins: dict[str, type] = {}

    def __init__(self, path: str) -> None:
        object.__setattr__(self, "_bot_path", path)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder(f"{self._bot_path}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        needed(f"a call of {self._bot_path}")

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        stand_in = self._stand_ins.get(self._bot_path)
        if stand_in is None:
            stand_in = _StandInMeta(f"StandIn[{self._bot_path}]", (),
                                    {"__new__": _stand_in_new, "__module__": __name__})
            self._stand_ins[self._bot_path] = stand_in
        return (stand_in,)

    def __instancecheck__(self, instance: Any) -> bool:
        return False

    def __subclasscheck__(self, subclass: Any) -> bool:
        return False

    def __iter__(self) -> Any:
        needed(f"iterating {self._bot_path}")

    def __getitem__(self, key: Any) -> Any:
        needed(f"{self._bot_path}[{key!r}]")

    def __len__(self) -> int:
        needed(f"len({self._bot_path})")

    def __repr__(self) -> str:
        return f"<deferred {self._bot_path}>"


class PlaceholderModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return Placeholder(f"{self.__name__}.{name}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not deferred(fullname):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = PlaceholderModule(spec.name)
        module.__path__ = []  # a package: submodules come here too
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


def install() -> bool:
    """Defer TensorFlow in this process; False if it was imported already."""
    global _installed
    if _installed:
        return True
    if any(deferred(name) for name in sys.modules):
        return False
    sys.meta_path.insert(0, _Finder())
    _installed = True
    return True


def installed() -> bool:
    return _installed


def imported() -> bool:
    """Whether the real TensorFlow is in this process."""
    module = sys.modules.get("tensorflow")
    return module is not None and not isinstance(module, PlaceholderModule)
