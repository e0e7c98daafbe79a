"""Content records as plain JSON: what drafts, revisions and exports hold.

One ``KindSpec`` per ``ContentKind`` says which model holds it, which of the
model's columns are the record (everything but bookkeeping: id, version,
owner and timestamps) and how to name one record by its natural key. A
record's JSON form uses only JSON types: dates as ``YYYY-MM-DD``, an office's
opening hours as ``[weekday, "HH:MM", "HH:MM"]`` rows.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import Date
from sqlalchemy.orm import Mapper

from app.errors import ValidationError
from app.kb.models import (
    Agency,
    ContentKind,
    Faq,
    Office,
    OfficeType,
    OpeningHours,
    PublicHoliday,
    Service,
    ServiceNote,
)
from app.kb.models.base import Editable

# Columns that describe the row, not the content: never in a record's JSON.
BOOKKEEPING = frozenset({"id", "version", "origin", "updated_by", "created_at", "updated_at"})
HOURS = "hours"

Data = dict[str, Any]


@dataclass(frozen=True)
class KindSpec:
    kind: ContentKind
    model: type[Editable]
    key_fields: tuple[str, ...]  # with province_code last when a province scopes the key

    @property
    def mapper(self) -> Mapper[Any]:
        return self.model.__mapper__

    @property
    def fields(self) -> tuple[str, ...]:
        names = tuple(c.key for c in self.mapper.column_attrs if c.key not in BOOKKEEPING)
        return (*names, HOURS) if self.model is Office else names

    @property
    def required(self) -> frozenset[str]:
        """Fields a new record must have: NOT NULL columns without a default."""
        required = set()
        for attr in self.mapper.column_attrs:
            column = attr.columns[0]
            if attr.key in BOOKKEEPING or column.nullable or column.default is not None:
                continue
            required.add(attr.key)
        return frozenset(required)

    def _date_fields(self) -> frozenset[str]:
        return frozenset(
            a.key for a in self.mapper.column_attrs if isinstance(a.columns[0].type, Date)
        )

    def to_data(self, record: Editable) -> Data:
        """The record as JSON (an office's ``hours`` must be loaded)."""
        dates = self._date_fields()
        data: Data = {}
        for name in self.fields:
            if name == HOURS:
                data[HOURS] = hours_to_data(record.hours)  # type: ignore[attr-defined]
                continue
            value = getattr(record, name)
            data[name] = value.isoformat() if name in dates and value is not None else value
        return data

    def values(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Column values of ``data`` (hours as ``OpeningHours`` rows).

        Raises:
            ValidationError: a field the kind does not have, or a bad date or time.
        """
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise ValidationError(f"{self.kind}: unknown fields {', '.join(unknown)}")
        dates = self._date_fields()
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name == HOURS:
                values[HOURS] = hours_from_data(value)
            elif name in dates and value is not None:
                values[name] = _date(value, f"{self.kind}.{name}")
            else:
                values[name] = value
        return values

    def new(self, data: Mapping[str, Any]) -> Editable:
        """A new record from complete ``data``.

        Raises:
            ValidationError: a required field is missing or empty.
        """
        missing = sorted(n for n in self.required if data.get(n) in (None, ""))
        if missing:
            raise ValidationError(f"{self.kind}: {', '.join(missing)} required")
        return self.model(**self.values(data))

    def apply(self, record: Editable, data: Mapping[str, Any]) -> None:
        """Write ``data`` onto a published record (only what differs)."""
        for name, value in self.values(data).items():
            if name == HOURS:
                if hours_to_data(record.hours) != hours_to_data(value):  # type: ignore[attr-defined]
                    record.hours = value  # type: ignore[attr-defined]
            elif getattr(record, name) != value:
                setattr(record, name, value)

    def key(self, data: Mapping[str, Any]) -> str:
        """The natural key as one string: ``id_card_renewal``, ``thaid_what@10``.

        Raises:
            ValidationError: a key field is missing.
        """
        parts = []
        for name in self.key_fields:
            value = data.get(name)
            if name == "province_code":
                if value is not None:
                    parts.append(f"@{value}")
                continue
            if value in (None, ""):
                raise ValidationError(f"{self.kind}: {name} required")
            parts.append(value.isoformat() if isinstance(value, date) else str(value))
        return "".join(parts)


SPECS: dict[ContentKind, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(ContentKind.AGENCY, Agency, ("code",)),
        KindSpec(ContentKind.OFFICE_TYPE, OfficeType, ("code",)),
        KindSpec(ContentKind.SERVICE, Service, ("code",)),
        KindSpec(ContentKind.OFFICE, Office, ("code",)),
        KindSpec(ContentKind.FAQ, Faq, ("key", "province_code")),
        KindSpec(ContentKind.HOLIDAY, PublicHoliday, ("date", "province_code")),
        KindSpec(ContentKind.SERVICE_NOTE, ServiceNote, ("service_code", "province_code")),
    )
}


def spec(kind: ContentKind | str) -> KindSpec:
    """The spec of ``kind``.

    Raises:
        ValidationError: not a kind of content.
    """
    try:
        return SPECS[ContentKind(kind)]
    except ValueError as exc:
        raise ValidationError(f"{kind!r} is not a kind of content") from exc


def spec_of(model: type[Any]) -> KindSpec | None:
    return next((s for s in SPECS.values() if s.model is model), None)


def hours_to_data(rows: Any) -> list[list[Any]]:
    return sorted(
        [h.weekday, h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M")] for h in rows or []
    )


def hours_from_data(value: Any) -> list[OpeningHours]:
    if not isinstance(value, list):
        raise ValidationError("office.hours: expected [weekday, opens, closes] rows")
    rows = []
    for row in value:
        if isinstance(row, OpeningHours):
            rows.append(row)
            continue
        try:
            weekday, opens, closes = row
            rows.append(
                OpeningHours(
                    weekday=int(weekday), opens=_time(opens), closes=_time(closes)
                )
            )
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"office.hours: {row!r} is not [weekday, opens, closes]") from exc
    return rows


def _time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc
