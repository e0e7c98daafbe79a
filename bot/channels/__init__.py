"""Rasa channel connectors (Rasa server environment).

The LINE message builders live in ``common.line_messages`` (standard library
only), so the staff console can render LINE previews with the same code.
"""
