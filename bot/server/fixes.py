"""Two faults of Rasa 3.6.21 that a new user meets on every ``make run``, fixed at their source.

* **DIET retrains on every start.** Before training, Rasa decides which graph
  nodes it can restore from its cache by fingerprinting each node's class,
  inputs and configuration (``rasa/engine/training/components.py``,
  ``FingerprintComponent.run``). It merges the node's configuration over the
  component's defaults with ``{**defaults, **config}``. After the node has
  trained, the cache entry is stored under a fingerprint of the configuration
  the node really ran with, which ``GraphNode`` merges with
  ``rasa.utils.common.override_defaults``: nested dictionaries are merged key by
  key (the fix of RasaHQ/rasa#10391). The two differ for any option that is a
  partly given dictionary: config.yml gives DIET's ``hidden_layers_sizes`` for
  ``text`` only, so the lookup key holds ``{"text": [256, 128]}`` and the stored
  key ``{"text": [256, 128], "label": []}``. The lookup never matches, and DIET
  (1.5 to 3 minutes on two cores) trains again on every ``rasa train``, while
  every component without such an option is restored. We merge the lookup
  configuration the way the node runs: the keys agree, nothing else changes.

* **A spurious warning on every training.** Rasa's recipe validator warns that
  "your NLU configuration does not include a response selector component"
  unless the pipeline holds exactly the class ``ResponseSelector``; ours holds
  its subclass ``FaqResponseSelector`` (bot/nlu/response_selector.py), which
  trains on those examples. The check now accepts subclasses; without any
  response selector the warning still appears, as it should.

* **"Duplicated intents: faq" on every training.** Rasa merges the domain
  with a domain of the retrieval intents that it builds from the domain's own
  entries for them (``ResponsesSyncImporter.get_domain``), so every retrieval
  intent listed in domain.yml, as Rasa's documentation asks, comes back as a
  duplicate of itself. Exactly that warning is ignored during that merge; a
  duplicate between two real domain files still warns.

* **"The utterance 'utter_restart' is not used in any story or rule."**
  Rasa's data validator counts only stories and rules, not its own default
  actions: ``action_restart`` says ``utter_restart``, ``action_default_fallback``
  ``utter_default``, ``action_default_ask_rephrase`` ``utter_ask_rephrase``,
  ``action_back`` ``utter_back``. For exactly those the warning is ignored; a
  response that nothing in Rasa uses still warns (ours used only by custom
  actions and channels among them: Rasa cannot see those callers).

* Rasa's command line sets its warning filters when it starts
  (``rasa.utils.common._filter_warnings``), in front of ours: the library
  warnings of bot/server/library_warnings.py are ignored again after it.
"""
from __future__ import annotations

import re
import warnings
from typing import Any, Optional

import rasa.utils.common
from rasa.core.actions.action import ActionBotResponse, default_actions
from rasa.engine.training import fingerprinting
from rasa.engine.training.components import FingerprintComponent, FingerprintStatus
from rasa.graph_components.validators.default_recipe_validator import DefaultV1RecipeValidator
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.core.domain import Domain
from rasa.shared.importers.importer import ResponsesSyncImporter
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.common import override_defaults
from rasa.validator import Validator

from bot.server import library_warnings

_original_fingerprint_run = FingerprintComponent.run
_original_warn_if_unused = DefaultV1RecipeValidator._warn_if_some_training_data_is_unused
_original_get_domain = ResponsesSyncImporter.get_domain
_original_filter_warnings = rasa.utils.common._filter_warnings
_original_verify_utterances = Validator.verify_utterances_in_stories


def lookup_config(component_class: type, config: dict[str, Any]) -> dict[str, Any]:
    """The configuration a node trains with, as ``GraphNode`` merges it."""
    return override_defaults(component_class.get_default_config(), config)


# ``self`` unannotated: Rasa reads a graph method's annotations as its inputs.
def _fingerprint_run(self, **kwargs: Any) -> FingerprintStatus:  # type: ignore[no-untyped-def]
    fingerprint_key = fingerprinting.calculate_fingerprint_key(
        graph_component_class=self._class_of_replaced_component,
        config=lookup_config(self._class_of_replaced_component,
                             self._config_of_replaced_component),
        inputs=kwargs,
    )
    output_fingerprint = self._cache.get_cached_output_fingerprint(fingerprint_key)
    return FingerprintStatus(is_hit=output_fingerprint is not None,
                             output_fingerprint=output_fingerprint)


# Rasa names the graph method after ``FingerprintComponent.run.__name__``.
_fingerprint_run.__name__ = _fingerprint_run.__qualname__ = "run"


def _warn_if_some_training_data_is_unused(self: DefaultV1RecipeValidator,
                                          training_data: TrainingData) -> None:
    # Rasa asks ``ResponseSelector in component_types`` (the exact class); a
    # subclass trains on the response examples just the same.
    types = self._component_types
    if any(issubclass(component, ResponseSelector) for component in types):
        self._component_types = types | {ResponseSelector}
    try:
        _original_warn_if_unused(self, training_data)
    finally:
        self._component_types = types


def retrieval_duplicates_warning(retrieval_intents: set[str]) -> str:
    """The pattern of Rasa's warning when only retrieval intents are "duplicated"."""
    names = "|".join(re.escape(name) for name in sorted(retrieval_intents)) or "(?!)"
    return (rf"The following duplicated intents have been found across multiple domain "
            rf"files: ({names})(, ({names}))*\Z")


def _get_domain(self: ResponsesSyncImporter) -> Domain:
    retrieval_intents = self._importer.get_nlu_data().retrieval_intents
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=retrieval_duplicates_warning(retrieval_intents))
        return _original_get_domain(self)


def default_action_responses() -> set[str]:
    """The responses Rasa's own default actions say."""
    return {action.utter_action for action in default_actions()
            if isinstance(action, ActionBotResponse)}


def _verify_utterances_in_stories(self: Validator, ignore_warnings: bool = True) -> bool:
    names = "|".join(re.escape(name) for name in sorted(default_action_responses()))
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=rf"The utterance '({names})' is not used in any story or rule\.\Z")
        return _original_verify_utterances(self, ignore_warnings)


def _filter_warnings(log_level: Optional[int], warn_only_once: bool = True) -> None:
    _original_filter_warnings(log_level, warn_only_once)
    library_warnings.ignore()


def apply() -> None:
    """Install the fixes (idempotent: the originals are kept at import)."""
    FingerprintComponent.run = _fingerprint_run  # type: ignore[method-assign]
    DefaultV1RecipeValidator._warn_if_some_training_data_is_unused = (  # type: ignore[method-assign]
        _warn_if_some_training_data_is_unused)
    ResponsesSyncImporter.get_domain = _get_domain  # type: ignore[method-assign]
    rasa.utils.common._filter_warnings = _filter_warnings
    Validator.verify_utterances_in_stories = _verify_utterances_in_stories  # type: ignore[method-assign]
