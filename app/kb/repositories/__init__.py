"""Every query of the knowledge base: functions that take an ``AsyncSession``.

Lookups by key raise ``app.errors.NotFoundError``; citizens' queries only see
``published`` records.
"""
