"""Every model of the knowledge base; importing this registers them all on ``Base``."""
from __future__ import annotations

from app.kb.models.base import DRAFT, PUBLISHED, SEED_USER, STATUSES, Base
from app.kb.models.faqs import Faq
from app.kb.models.feedback import Feedback
from app.kb.models.geo import BANGKOK, District, Province
from app.kb.models.holidays import PublicHoliday
from app.kb.models.offices import Office, OpeningHours
from app.kb.models.services import Agency, OfficeType, Service

__all__ = [
    "BANGKOK",
    "DRAFT",
    "PUBLISHED",
    "SEED_USER",
    "STATUSES",
    "Agency",
    "Base",
    "District",
    "Faq",
    "Feedback",
    "Office",
    "OfficeType",
    "OpeningHours",
    "Province",
    "PublicHoliday",
    "Service",
]
