"""Knowledge base: services, offices, FAQs and holidays behind repository functions.

Modern environment only (SQLAlchemy 2 async). Actions and web services read it
through ``app.kb.repositories``; nothing outside this package builds SQL.
"""
