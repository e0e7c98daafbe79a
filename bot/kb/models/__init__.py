"""Every model of the knowledge base; importing this registers them all on ``Base``."""
from __future__ import annotations

from bot.kb.models.base import DRAFT, PUBLISHED, SEED_USER, STATUSES, Base
from bot.kb.models.faqs import Faq
from bot.kb.models.feedback import Feedback
from bot.kb.models.geo import BANGKOK, District, Province
from bot.kb.models.holidays import PublicHoliday
from bot.kb.models.offices import Office, OpeningHours
from bot.kb.models.services import Agency, OfficeType, Service

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
