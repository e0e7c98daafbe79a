"""Custom actions of the assistant, served by ``python -m rasa_sdk --actions actions``.

One module per domain (services, offices, faq, feedback, fallback). Every
action that reads the knowledge base derives from ``actions.base.KnowledgeAction``,
which is given the adapter (``actions.kb.KnowledgeBase``) and hands it to the
helpers as a parameter.
"""
