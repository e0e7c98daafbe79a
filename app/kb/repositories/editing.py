"""Editing content: drafts, publication, revisions and restoring them.

The staff console calls these; the assistant never does (it reads the content
tables, which only ever hold published records). Every function takes the
caller's session and only flushes: the caller's transaction decides, so a
publication and its revision are written together or not at all.

An ``Editor`` is an opaque console account and the province it may edit
(``None``: every province and national records). Accounts are identifiers,
never names, e-mail addresses or phone numbers: they are stored in every
revision an editor leaves.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from app.kb.content import HOURS, KindSpec, spec
from app.kb.models import ContentKind, Draft, DraftStatus, Office, Origin, Revision
from app.kb.models.base import Editable
from common.privacy import contains_personal_data, redact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Editor:
    """A console account and its scope.

    Raises:
        ValidationError: the account is empty or looks like personal data.
    """

    account: str
    province_code: str | None = None

    def __post_init__(self) -> None:
        if not self.account.strip():
            raise ValidationError("an editor needs an account")
        if contains_personal_data(self.account):
            raise ValidationError("an editor account must not be an e-mail or phone number")

    def check_scope(self, province_code: str | None) -> None:
        """Raises ``ForbiddenError`` unless this editor may edit records of ``province_code``."""
        if self.province_code is not None and province_code != self.province_code:
            where = "national records" if province_code is None else f"province {province_code}"
            raise ForbiddenError(f"{self.account} may not edit {where}")


async def _published(session: AsyncSession, kind: KindSpec, key: str) -> Editable | None:
    """The published record of ``kind`` with natural key ``key`` (its row locked)."""
    # Filter in SQL on the key's first field (code, key or date), compare the
    # province scope here: the same on every backend, at most a few rows.
    first = kind.key_fields[0]
    candidates = await session.scalars(
        _loaded(kind, select(kind.model)).where(
            getattr(kind.model, first) == _key_value(kind, key)
        ).with_for_update()
    )
    for record in candidates:
        if kind.key(kind.to_data(record)) == key:
            return record
    return None


def _key_value(kind: KindSpec, key: str) -> Any:
    first = key.split("@", 1)[0]
    values = kind.values({kind.key_fields[0]: first})
    return values[kind.key_fields[0]]


def _loaded(kind: KindSpec, query: Any) -> Any:
    return query.options(selectinload(Office.hours)) if kind.model is Office else query


async def get_draft(session: AsyncSession, draft_id: int) -> Draft:
    """Raises ``NotFoundError`` when there is no such draft."""
    draft = await session.get(Draft, draft_id)
    if draft is None:
        raise NotFoundError(f"draft {draft_id} not found")
    return draft


async def list_drafts(
    session: AsyncSession, editor: Editor, kind: ContentKind | None = None
) -> list[Draft]:
    """The drafts ``editor`` may work on, oldest first."""
    query = select(Draft).order_by(Draft.created_at, Draft.id)
    if kind is not None:
        query = query.where(Draft.kind == kind)
    if editor.province_code is not None:
        query = query.where(Draft.province_code == editor.province_code)
    return list(await session.scalars(query))


async def create_draft(
    session: AsyncSession, kind: ContentKind, data: Mapping[str, Any], editor: Editor
) -> Draft:
    """The draft of a new record, or of a change to the published record ``data`` names.

    For a published record, ``data`` holds only the fields that change; the
    rest is copied from the published version, which stays what citizens see.
    A province's first answer to a national FAQ starts from the national one.

    Raises:
        ConflictError: the record already has a draft.
        ForbiddenError: the record is outside the editor's province.
        ValidationError: an unknown field, or a new record missing a required one.
    """
    content = spec(kind)
    key = content.key(data)
    published = await _published(session, content, key)
    full = {**await _starting_point(session, content, key, published), **data}
    content.values(full)  # unknown fields and bad dates fail now, not at publication
    if published is None:
        missing = sorted(n for n in content.required if full.get(n) in (None, ""))
        if missing:
            raise ValidationError(f"{kind}: {', '.join(missing)} required")
    editor.check_scope(full.get("province_code"))
    if published is not None:
        editor.check_scope(published.province_code)
    return await _add_draft(session, content, key, full, published, editor)


async def _starting_point(
    session: AsyncSession, content: KindSpec, key: str, published: Editable | None
) -> dict[str, Any]:
    """What a draft starts from: the published record; for a province's first
    answer to a FAQ, the national FAQ (as the seed's overrides inherit it)."""
    if published is not None:
        return content.to_data(published)
    national_key, _, province = key.partition("@")
    if content.kind is ContentKind.FAQ and province:
        national = await _published(session, content, national_key)
        if national is not None:
            return {**content.to_data(national), "province_code": province}
    return {}


async def _add_draft(
    session: AsyncSession,
    content: KindSpec,
    key: str,
    data: dict[str, Any],
    published: Editable | None,
    editor: Editor,
) -> Draft:
    existing = await session.scalar(
        select(Draft).where(Draft.kind == content.kind, Draft.record_key == key)
    )
    if existing is not None:
        raise ConflictError(f"{content.kind} {key} already has draft {existing.id}")
    draft = Draft(
        kind=content.kind.value,
        record_key=key,
        province_code=data.get("province_code"),
        data=data,
        base_version=published.version if published is not None else None,
        created_by=editor.account,
        updated_by=editor.account,
    )
    session.add(draft)
    await session.flush()
    return draft


async def update_draft(
    session: AsyncSession, draft_id: int, changes: Mapping[str, Any], editor: Editor
) -> Draft:
    """Change fields of a draft; its natural key (code, key, date, province) stays.

    Raises:
        NotFoundError: no such draft.
        ForbiddenError: the draft is outside the editor's province.
        ValidationError: an unknown field, or a change to the key.
    """
    draft = await get_draft(session, draft_id)
    editor.check_scope(draft.province_code)
    content = spec(draft.kind)
    data = {**draft.data, **changes}
    content.values(data)
    if content.key(data) != draft.record_key:
        raise ValidationError(f"a draft cannot change its record's key {draft.record_key}")
    # A new dict, so the JSON column sees the change.
    draft.data = data
    draft.updated_by = editor.account
    # A changed draft is no longer what was scheduled or sent for approval.
    draft.status = DraftStatus.DRAFT
    draft.publish_at = None
    draft.requested_by = None
    await session.flush()
    return draft


async def discard_draft(session: AsyncSession, draft_id: int, editor: Editor) -> None:
    """Drop a draft; the published record is untouched.

    Raises:
        NotFoundError: no such draft.
        ForbiddenError: the draft is outside the editor's province.
    """
    draft = await get_draft(session, draft_id)
    editor.check_scope(draft.province_code)
    await session.delete(draft)
    await session.flush()


async def publish(
    session: AsyncSession, draft_id: int, editor: Editor, reason: str
) -> Revision:
    """Make the draft the published record and store the revision; the draft goes.

    One transaction (the caller's): the record, its revision and the draft's
    removal are committed together. The record becomes the editors' own
    (``Origin.EDITOR``), so the seed never overwrites it again.

    Raises:
        NotFoundError: no such draft.
        ForbiddenError: the draft is outside the editor's province.
        ConflictError: the record was published again since the draft started.
        ValidationError: no reason given, or the record breaks a rule of the
            database (an unknown agency, office type or province, a duplicate).
    """
    if not reason.strip():
        raise ValidationError("publishing needs a reason")
    draft = await get_draft(session, draft_id)
    editor.check_scope(draft.province_code)
    content = spec(draft.kind)
    published = await _published(session, content, draft.record_key)
    current = published.version if published is not None else None
    if current != draft.base_version:
        raise ConflictError(
            f"{draft.kind} {draft.record_key} was published again (version {current}) "
            f"since draft {draft.id} started from version {draft.base_version}"
        )
    before = content.to_data(published) if published is not None else None
    try:
        async with session.begin_nested():
            if published is None:
                published = content.new(draft.data)
                if isinstance(published, Office) and HOURS not in draft.data:
                    published.hours = []
                session.add(published)
            else:
                content.apply(published, draft.data)
            published.origin = Origin.EDITOR
            published.updated_by = editor.account
            await session.flush()
    except IntegrityError as exc:
        raise ValidationError(f"{draft.kind} {draft.record_key}: {exc.orig}") from exc
    revision = Revision(
        kind=draft.kind,
        record_key=draft.record_key,
        province_code=published.province_code,
        before=before,
        after=content.to_data(published),
        origin=Origin.EDITOR.value,
        author=editor.account,
        # Free text typed in the console: a citizen's phone number quoted in
        # it is not kept.
        reason=redact(reason.strip()),
    )
    session.add(revision)
    await session.delete(draft)
    await session.flush()
    return revision


async def list_revisions(
    session: AsyncSession, kind: ContentKind, record_key: str
) -> list[Revision]:
    """Every revision of one record, newest first."""
    result = await session.scalars(
        select(Revision)
        .where(Revision.kind == kind, Revision.record_key == record_key)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
    )
    return list(result)


async def get_revision(session: AsyncSession, revision_id: int) -> Revision:
    """Raises ``NotFoundError`` when there is no such revision."""
    revision = await session.get(Revision, revision_id)
    if revision is None:
        raise NotFoundError(f"revision {revision_id} not found")
    return revision


async def restore(session: AsyncSession, revision_id: int, editor: Editor) -> Draft:
    """A new draft holding the record as that revision published it.

    Publishing the draft (with a reason) brings that version back; until
    then citizens keep the current one.

    Raises:
        NotFoundError: no such revision.
        ConflictError: the record already has a draft.
        ForbiddenError: the record is outside the editor's province.
        ValidationError: the revision removed the record (nothing to restore).
    """
    revision = await get_revision(session, revision_id)
    if revision.after is None:
        raise ValidationError(f"revision {revision_id} removed the record: restore an earlier one")
    editor.check_scope(revision.province_code)
    content = spec(revision.kind)
    published = await _published(session, content, revision.record_key)
    return await _add_draft(
        session, content, revision.record_key, dict(revision.after), published, editor
    )


# --- The staff console: listing, scheduled and approved publication, audit search ---

# A national service's facts whose change needs a second content editor.
NATIONAL_SERVICE_FACTS = ("documents", "fees", "deadline")


@dataclass(frozen=True)
class Published:
    """A published record as JSON, with its version and scope."""

    data: dict[str, Any]
    version: int
    province_code: str | None


async def published_record(
    session: AsyncSession, kind: ContentKind, key: str
) -> Published | None:
    """The published record of ``kind`` named ``key``, or None."""
    content = spec(kind)
    try:
        record = await _published_unlocked(session, content, key)
    except ValidationError:
        return None  # a key that cannot name a record (a bad date, say)
    if record is None:
        return None
    return Published(content.to_data(record), record.version, record.province_code)


async def _published_unlocked(session: AsyncSession, kind: KindSpec, key: str) -> Editable | None:
    first = kind.key_fields[0]
    candidates = await session.scalars(
        _loaded(kind, select(kind.model)).where(
            getattr(kind.model, first) == _key_value(kind, key)
        )
    )
    for record in candidates:
        if kind.key(kind.to_data(record)) == key:
            return record
    return None


def _text_filter(kind: KindSpec, q: str) -> Any:
    pattern = f"%{q.strip()}%"
    columns = [getattr(kind.model, n) for n in ("code", "key", "name_th", "title") if hasattr(kind.model, n)]
    return or_(*(func.lower(c).like(pattern.lower()) for c in columns))


async def list_published(
    session: AsyncSession,
    kind: ContentKind,
    *,
    province_code: str | None = None,
    include_national: bool = False,
    record_key: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Published], int]:
    """Published records of ``kind`` (one page) and how many match in all.

    ``province_code``: only that province's records (with the national ones
    too when ``include_national``); ``record_key``: only that record (a
    district officer's office).
    """
    content = spec(kind)
    model: Any = content.model
    where: list[Any] = []
    if province_code is not None:
        scope = model.province_code == province_code
        where.append(or_(scope, model.province_code.is_(None)) if include_national else scope)
    if record_key is not None:
        where.append(getattr(model, content.key_fields[0]) == record_key)
    if q:
        where.append(_text_filter(content, q))
    total = await session.scalar(select(func.count()).select_from(model).where(*where))
    order = [getattr(model, n) for n in content.key_fields if n != "province_code"]
    if hasattr(model, "province_code") and "province_code" in content.key_fields:
        order.append(model.province_code.is_not(None))
        order.append(model.province_code)
    query = _loaded(content, select(model).where(*where).order_by(*order).limit(limit).offset(offset))
    records = await session.scalars(query)
    items = [Published(content.to_data(r), r.version, r.province_code) for r in records]
    return items, int(total or 0)


async def list_drafts_scoped(
    session: AsyncSession,
    *,
    kind: ContentKind | None = None,
    status: str | None = None,
    province_code: str | None = None,
    record_key: str | None = None,
) -> list[Draft]:
    """Drafts by kind and status; ``province_code``/``record_key`` narrow them to an officer's."""
    query = select(Draft).order_by(Draft.created_at, Draft.id)
    if kind is not None:
        query = query.where(Draft.kind == kind)
    if status is not None:
        query = query.where(Draft.status == status)
    if province_code is not None:
        query = query.where(Draft.province_code == province_code)
    if record_key is not None:
        query = query.where(Draft.record_key == record_key)
    return list(await session.scalars(query))


def needs_approval(draft: Draft, published: Published | None) -> bool:
    """A national service whose documents, fees or deadline the draft changes."""
    if draft.kind != ContentKind.SERVICE or draft.province_code is not None:
        return False
    before = published.data if published is not None else {}
    return any(draft.data.get(f) != before.get(f) for f in NATIONAL_SERVICE_FACTS)


async def request_publication(
    session: AsyncSession,
    draft_id: int,
    editor: Editor,
    reason: str,
    *,
    publish_at: datetime | None,
    approval: bool,
) -> Draft:
    """Mark a draft to be published later: at ``publish_at``, or once a second editor approves.

    Raises:
        NotFoundError, ForbiddenError: as ``publish``.
        ValidationError: no reason given.
    """
    if not reason.strip():
        raise ValidationError("publishing needs a reason")
    draft = await get_draft(session, draft_id)
    editor.check_scope(draft.province_code)
    draft.status = DraftStatus.AWAITING_APPROVAL if approval else DraftStatus.SCHEDULED
    draft.publish_at = publish_at
    draft.publish_reason = redact(reason.strip())
    draft.requested_by = editor.account
    await session.flush()
    return draft


async def approve(
    session: AsyncSession, draft_id: int, approver: Editor, reason: str, now: datetime
) -> Revision | Draft:
    """A second editor's approval: publishes the draft, or schedules it when its time is later.

    Raises:
        ValidationError: the draft is not awaiting approval, or no reason.
        ForbiddenError: the approver wrote or asked to publish the draft.
    """
    if not reason.strip():
        raise ValidationError("approving needs a reason")
    draft = await get_draft(session, draft_id)
    if draft.status != DraftStatus.AWAITING_APPROVAL:
        raise ValidationError(f"draft {draft_id} is not awaiting approval")
    if approver.account in {draft.created_by, draft.updated_by, draft.requested_by}:
        raise ForbiddenError("the approval must come from a second editor")
    author = Editor(draft.requested_by or draft.created_by, None)
    combined = f"{draft.publish_reason or ''} (approved by {approver.account}: {reason.strip()})"
    if draft.publish_at is not None and draft.publish_at > now:
        draft.status = DraftStatus.SCHEDULED
        draft.publish_reason = redact(combined.strip())
        await session.flush()
        return draft
    return await publish(session, draft_id, author, combined)


async def publish_due(session: AsyncSession, now: datetime) -> list[Revision]:
    """Publish every scheduled draft whose time has come, each on its own savepoint.

    A draft that can no longer be published (the record changed since, say)
    goes back to ``draft`` status, so an editor sees it and decides.
    """
    due = list(
        await session.scalars(
            select(Draft)
            .where(Draft.status == DraftStatus.SCHEDULED, Draft.publish_at <= now)
            .order_by(Draft.publish_at, Draft.id)
        )
    )
    revisions = []
    for draft in due:
        author = Editor(draft.requested_by or draft.created_by, None)
        try:
            async with session.begin_nested():
                revisions.append(
                    await publish(session, draft.id, author, draft.publish_reason or "scheduled")
                )
        except (ConflictError, ValidationError) as exc:
            logger.warning("scheduled draft %s not published: %s", draft.id, exc)
            draft.status = DraftStatus.DRAFT
            draft.publish_at = None
            await session.flush()
    return revisions


async def search_revisions(
    session: AsyncSession,
    *,
    kind: ContentKind | None = None,
    exclude_kinds: Sequence[ContentKind] = (),
    record_key: str | None = None,
    account: str | None = None,
    province_code: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Revision], int]:
    """The audit log, newest first, filtered; one page and the total."""
    where: list[Any] = []
    if kind is not None:
        where.append(Revision.kind == kind)
    if exclude_kinds:
        where.append(Revision.kind.not_in([k.value for k in exclude_kinds]))
    if record_key is not None:
        where.append(Revision.record_key == record_key)
    if account is not None:
        where.append(Revision.author == account)
    if province_code is not None:
        where.append(Revision.province_code == province_code)
    if since is not None:
        where.append(Revision.created_at >= since)
    if until is not None:
        where.append(Revision.created_at < until)
    total = await session.scalar(select(func.count()).select_from(Revision).where(*where))
    rows = await session.scalars(
        select(Revision)
        .where(*where)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total or 0)
