"""Every query of the knowledge base: functions that take an ``AsyncSession``.

Lookups by key raise ``app.errors.NotFoundError``. The content tables hold
only published records, which is all citizens' queries can see; drafts and
revisions are read and written through ``editing`` alone.
"""
