"""Extensions loaded into the Rasa server process (Rasa environment)."""
