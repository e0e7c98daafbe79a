"""Thai NLU components of the Rasa pipeline (normaliser, gazetteer, tokenizer, extractor).

Rasa-server side: imports only Rasa, PyThaiNLP, spaCy and the standard library.
"""
