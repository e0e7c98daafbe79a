"""The model server: serves the published Rasa model to every Rasa replica.

Rasa's own mechanism (``models:`` in endpoints.production.yml): each replica
asks ``GET /models/current`` every ``wait_time_between_pulls`` seconds with
``If-None-Match: <the ETag of the model it has>`` and gets 304 until another
model is published. ``store`` keeps the published models; ``app`` serves them.
"""
