"""Custom actions of the assistant, served by ``python -m rasa_sdk --actions actions``.

One module per domain (services, offices, faq, feedback, fallback). Every
action that reads the knowledge base derives from ``actions.base.KnowledgeAction``,
which is given the adapter (``actions.kb.KnowledgeBase``) and hands it to the
helpers as a parameter.
"""

from nlp.names import install_log_redaction

# rasa-sdk's command line (``python -m rasa_sdk --actions actions``) is the
# action server's only entry point and imports this package before serving:
# every log record of the process is redacted from here on (issue 11).
install_log_redaction()
