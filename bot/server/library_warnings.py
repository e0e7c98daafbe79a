"""Warnings from libraries under Rasa that no user of this project can act on.

matplotlib and packaging, which Rasa imports, still call pyparsing's old
camelCase names (``setParseAction``, ``parseString``); pyparsing 3.3 warns
about each, nine lines on every ``rasa train`` and ``rasa run``. The fix
belongs to those libraries; until a release of theirs is pinned
(constraints-rasa.txt), the warnings say nothing about this project. Only
this category is ignored: pyparsing's other warnings still show.
"""
from __future__ import annotations

import importlib
import warnings

# They warn while they load; a library Rasa imports later puts a "once" filter
# for every DeprecationWarning in front of ours, so they are loaded here.
_WARN_AT_IMPORT = ("matplotlib.fontconfig_pattern", "packaging.requirements")


# pyparsing's wording ("'setParseAction' deprecated - use 'set_parse_action'");
# matched by message so that this module imports nothing outside Rasa's own needs.
_PYPARSING_DEPRECATION = r"'[A-Za-z]+' deprecated - use '[a-z_]+'\Z"


def ignore() -> None:
    """Ignore pyparsing's deprecation warnings, and load the modules that raise them."""
    warnings.filterwarnings("ignore", message=_PYPARSING_DEPRECATION, category=DeprecationWarning)
    for module in _WARN_AT_IMPORT:
        importlib.import_module(module)
