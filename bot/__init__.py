"""What the Rasa server loads (``.venv/rasa``, Python 3.10).

``bot.nlu`` (Thai NLU components), ``bot.channels`` (REST, LINE, socket.io)
and ``bot.server`` (tracker store, lock store, speed-ups). Besides Rasa,
PyThaiNLP, spaCy and the standard library, it imports only ``common``.
Keep this file free of imports.
"""
