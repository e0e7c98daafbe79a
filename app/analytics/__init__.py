"""Analytics store: what citizens ask and how the assistant answers, with nothing personal.

Rasa's event stream (already redacted by the tracker store, bot/server/) is
redacted once more, mapped to the tables of ANALYTICS_TABLES.md
(``models``) by ``projection`` and written by ``worker`` (production:
RabbitMQ to PostgreSQL) or ``ingest`` (embedded default: HTTP to SQLite).
``python -m app.analytics`` runs them and the data-subject commands.
"""
