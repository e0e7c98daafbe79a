"""Rasa channel connectors (Rasa server environment)."""
