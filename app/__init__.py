"""The modern environment (``.venv/app``, Python 3.11) outside the action server.

``app.kb`` (knowledge base), ``app.webchat`` (web chat page server),
``app.launcher`` and ``app.run`` (starting everything), ``app.settings``
(the one settings module of this environment) and ``app.errors``. Never
imports Rasa or ``bot``; Rasa is reached over HTTP and the event broker.
"""
