"""Where training data that comes from content lives: the contract between the
exporter (``app.kb.export_training``, app environment, reads the database) and
the Thai NLU components (``bot.nlu``, Rasa environment, read at training time).

Standard library only: both environments import it.

Under the training data root (``data``):

- ``nlu/content/faq.yml``: Rasa NLU training data, the retrieval intent
  ``faq/<key>`` with each national FAQ's question variants, and
  ``nlu/content/responses/faq.yml`` the ``utter_faq/<key>`` responses (titles
  only: answers are read at run time). Two files, as Rasa reads a file with
  responses as a domain file too. Rasa fingerprints both as training data.
- ``nlu/content/terms.yml``: not Rasa training data (no ``nlu:`` key), read by
  the gazetteer, tokenizer and domain vocabulary: ``services`` and
  ``office_types`` map a code to the names citizens use (name first, then
  aliases); ``domain_texts`` lists every text of the knowledge base but the
  question variants. Its bytes are part of those components' fingerprints.

Both are generated when training and ignored by git: the database is the one
source of content (``app.kb.export`` writes the versioned copy).
"""
from __future__ import annotations

from pathlib import PurePosixPath

CONTENT_DIR = PurePosixPath("nlu/content")
FAQ_FILE = CONTENT_DIR / "faq.yml"
FAQ_RESPONSES_FILE = CONTENT_DIR / "responses" / "faq.yml"
TERMS_FILE = CONTENT_DIR / "terms.yml"

SERVICES = "services"
OFFICE_TYPES = "office_types"
DOMAIN_TEXTS = "domain_texts"
