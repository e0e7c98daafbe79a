"""Rasa channel connectors (Rasa server environment).

Keep this file free of imports: the modern environment imports
``bot.channels.line_messages`` (standard library only) for schema tests.
"""
