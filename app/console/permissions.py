"""Who may read and change what: every rule of the console's scoping, in one place.

The views ask these functions before any repository call; the JSON API, the
CSV import and a guessed id all meet the same checks, so an officer of one
province gets 403 for another province's records however the request is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.errors import ForbiddenError
from app.kb.models import Account, ContentKind, Role
from app.kb.repositories.editing import Editor

ROLE_NAMES_TH = {
    Role.ADMIN: "ผู้ดูแลระบบ",
    Role.CONTENT_EDITOR: "บรรณาธิการเนื้อหาส่วนกลาง",
    Role.ANALYST: "นักวิเคราะห์ข้อมูล",
    Role.PROVINCE_OFFICER: "เจ้าหน้าที่จังหวัด",
    Role.DISTRICT_OFFICER: "เจ้าหน้าที่อำเภอ",
}
ALL_ROLES = frozenset(Role)
EDITING_ROLES = frozenset(
    {Role.ADMIN, Role.CONTENT_EDITOR, Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER}
)
# Fields of their own office a district officer may change: hours, closures,
# phone and location. Everything else about the office is the province's.
DISTRICT_OFFICER_FIELDS = frozenset(
    {"hours", "closures", "phone", "address", "latitude", "longitude", "location_is_approximate",
     "closed_on_public_holidays", "source_agency", "source_title", "source_url", "checked_on"}
)
EDITABLE_KINDS = frozenset(
    {ContentKind.OFFICE, ContentKind.FAQ, ContentKind.SERVICE, ContentKind.SERVICE_NOTE}
)
# Province notes on services: the provinces write them (each its own), the
# ministry's content editors read them to keep the national facts consistent;
# analysts and district officers have no use for them.
NOTE_READERS = frozenset({Role.ADMIN, Role.CONTENT_EDITOR, Role.PROVINCE_OFFICER})

FORBIDDEN_PROVINCE = "คุณไม่มีสิทธิ์เข้าถึงข้อมูลของจังหวัดอื่น"
FORBIDDEN_OFFICE = "คุณแก้ไขได้เฉพาะข้อมูลสำนักงานของคุณเอง"
FORBIDDEN_ROLE = "บทบาทของคุณไม่มีสิทธิ์ทำรายการนี้"
FORBIDDEN_NOTE = "เฉพาะเจ้าหน้าที่จังหวัดแก้ไขหมายเหตุของจังหวัดได้"


@dataclass(frozen=True)
class Principal:
    """The signed-in account, as the permission checks see it."""

    username: str
    role: Role
    province_code: str | None = None
    office_code: str | None = None

    @classmethod
    def of(cls, account: Account) -> Principal:
        return cls(account.username, Role(account.role), account.province_code, account.office_code)

    @property
    def is_local(self) -> bool:
        """A provincial or district officer: sees only their own area."""
        return self.role in {Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER}

    def editor(self) -> Editor:
        return Editor(self.username, self.province_code if self.is_local else None)

    def to_json(self) -> dict[str, object]:
        return {
            "username": self.username,
            "role": self.role.value,
            "province_code": self.province_code,
            "office_code": self.office_code,
            "display_role": ROLE_NAMES_TH[self.role],
        }


def require_role(principal: Principal, roles: Iterable[Role]) -> None:
    if principal.role not in set(roles):
        raise ForbiddenError(FORBIDDEN_ROLE)


def can_read_kind(principal: Principal, kind: ContentKind | str) -> bool:
    """Whether ``principal`` may see records of ``kind`` at all (in some scope)."""
    return kind != ContentKind.SERVICE_NOTE or principal.role in NOTE_READERS


def check_read(
    principal: Principal, kind: ContentKind, province_code: str | None, key: str
) -> None:
    """May ``principal`` see this record? National records and services are for all;
    a local officer sees only their province's records (a district officer: their office);
    province notes only the roles of ``NOTE_READERS``."""
    if not can_read_kind(principal, kind):
        raise ForbiddenError(FORBIDDEN_ROLE)
    if not principal.is_local or province_code is None:
        return
    if province_code != principal.province_code:
        raise ForbiddenError(FORBIDDEN_PROVINCE)
    if principal.role is Role.DISTRICT_OFFICER and kind is ContentKind.OFFICE:
        if key != principal.office_code:
            raise ForbiddenError(FORBIDDEN_OFFICE)


def can_edit(
    principal: Principal,
    kind: ContentKind,
    province_code: str | None,
    key: str,
    changed: Iterable[str] = (),
) -> bool:
    try:
        check_edit(principal, kind, province_code, key, changed)
    except ForbiddenError:
        return False
    return True


def check_edit(
    principal: Principal,
    kind: ContentKind,
    province_code: str | None,
    key: str,
    changed: Iterable[str] = (),
) -> None:
    """Raises ``ForbiddenError`` (Thai) unless ``principal`` may change these fields of the record.

    ``province_code`` is the record's, before and after the change (the caller
    checks both when a change would move a record).
    """
    role = principal.role
    if kind not in EDITABLE_KINDS:
        raise ForbiddenError(FORBIDDEN_ROLE)
    if role is Role.ADMIN:
        return
    if role is Role.ANALYST:
        raise ForbiddenError(FORBIDDEN_ROLE)
    if kind is ContentKind.SERVICE_NOTE and role is not Role.PROVINCE_OFFICER:
        raise ForbiddenError(FORBIDDEN_NOTE)
    if role is Role.CONTENT_EDITOR:
        # The ministry's national answers and the service catalogue.
        if kind is ContentKind.SERVICE or (kind is ContentKind.FAQ and province_code is None):
            return
        raise ForbiddenError("บรรณาธิการส่วนกลางแก้ไขได้เฉพาะคำถามที่พบบ่อยระดับประเทศและบริการ")
    if province_code != principal.province_code:
        raise ForbiddenError(FORBIDDEN_PROVINCE)
    if role is Role.PROVINCE_OFFICER:
        if kind in {ContentKind.OFFICE, ContentKind.FAQ, ContentKind.SERVICE_NOTE}:
            return
        raise ForbiddenError(
            "เจ้าหน้าที่จังหวัดแก้ไขได้เฉพาะสำนักงาน คำตอบเฉพาะจังหวัด และหมายเหตุของจังหวัดในบริการ"
        )
    # District officer: their own office's hours, closures, phone and location.
    if kind is not ContentKind.OFFICE or key != principal.office_code:
        raise ForbiddenError(FORBIDDEN_OFFICE)
    extra = sorted(set(changed) - DISTRICT_OFFICER_FIELDS)
    if extra:
        raise ForbiddenError(
            f"เจ้าหน้าที่อำเภอแก้ไขได้เฉพาะเวลาทำการ การปิดทำการชั่วคราว โทรศัพท์ ที่อยู่ และตำแหน่งบนแผนที่ "
            f"(แก้ไม่ได้: {', '.join(extra)})"
        )
