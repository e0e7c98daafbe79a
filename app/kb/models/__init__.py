"""Every model of the knowledge base; importing this registers them all on ``Base``."""
from __future__ import annotations

from app.kb.models.accounts import Account, ConsoleSession, Role
from app.kb.models.base import Base, Origin
from app.kb.models.faqs import Faq
from app.kb.models.feedback import Feedback
from app.kb.models.geo import BANGKOK, District, Province
from app.kb.models.holidays import PublicHoliday
from app.kb.models.offices import Office, OpeningHours
from app.kb.models.revisions import ContentKind, Draft, DraftStatus, Revision
from app.kb.models.service_notes import ServiceNote
from app.kb.models.services import Agency, OfficeType, Service

__all__ = [
    "BANGKOK",
    "Account",
    "ConsoleSession",
    "Role",
    "Agency",
    "Base",
    "ContentKind",
    "District",
    "Draft",
    "DraftStatus",
    "Faq",
    "Feedback",
    "Office",
    "OfficeType",
    "OpeningHours",
    "Origin",
    "Province",
    "PublicHoliday",
    "Revision",
    "Service",
    "ServiceNote",
]
