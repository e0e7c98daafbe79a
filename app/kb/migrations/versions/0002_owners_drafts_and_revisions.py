"""Owners, drafts and revisions: content tables hold only published records.

- ``origin`` ('seed' or 'editor') says who owns each record, instead of the
  magic ``updated_by = 'seed'``; ``updated_by`` becomes the editor account
  that published the record, NULL while the seed owns it.
- ``drafts`` and ``revisions`` hold whole records as JSON.
- Rows that had ``status = 'draft'`` move into ``drafts`` (as drafts of new
  records: they were never shown to citizens), then ``status`` goes. A draft
  agency or office type that published rows still point to stays in its
  table too (citizens already saw it through them), so no foreign key breaks.

Like 0001 it never imports the models, which will change after it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIMESTAMP = sa.DateTime(timezone=True)

AUDITED = (
    "provinces",
    "districts",
    "agencies",
    "office_types",
    "services",
    "offices",
    "faqs",
    "public_holidays",
)
# table -> (content kind, natural key columns); province_code scopes faqs and holidays.
CONTENT = {
    "agencies": ("agency", ("code",)),
    "office_types": ("office_type", ("code",)),
    "services": ("service", ("code",)),
    "offices": ("office", ("code",)),
    "faqs": ("faq", ("key", "province_code")),
    "public_holidays": ("holiday", ("date", "province_code")),
}
# Columns that are bookkeeping, not content (as app.kb.content.BOOKKEEPING).
BOOKKEEPING = {"id", "version", "origin", "updated_by", "created_at", "updated_at", "status"}
# Partial unique indexes: recreated around batch operations, which may not keep them.
NATIONAL_UNIQUE = {"faqs": "key", "public_holidays": "date"}


# JSON columns of 0001; SQLite hands them back as text to a plain SELECT.
JSON_COLUMNS = {
    "aliases",
    "documents",
    "fees",
    "office_types",
    "question_variants",
    "service_codes",
    "standard_hours",
    "steps",
}


def _json_value(name: str, value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if name in JSON_COLUMNS and isinstance(value, str):
        return json.loads(value)
    return value


def _clock(value: Any) -> str:
    """'08:30' from a time, or from SQLite's text '08:30:00.000000'."""
    return value.strftime("%H:%M") if isinstance(value, time) else str(value)[:5]


def _timestamp(value: Any) -> datetime:
    if value is None:
        return datetime.now(timezone.utc)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _record_key(row: dict[str, Any], key_columns: tuple[str, ...]) -> str:
    parts = []
    for name in key_columns:
        if name == "province_code":
            if row.get(name) is not None:
                parts.append(f"@{row[name]}")
        else:
            parts.append(str(row[name]))
    return "".join(parts)


def _references(connection: sa.Connection, table: str, code: str) -> int:
    if table == "agencies":
        sql = "SELECT count(*) FROM services WHERE agency_code = :code"
    elif table == "office_types":
        sql = "SELECT count(*) FROM offices WHERE office_type = :code"
    else:
        return 0
    return int(connection.execute(sa.text(sql), {"code": code}).scalar_one())


def _move_drafts(connection: sa.Connection, drafts: sa.Table) -> None:
    for table, (kind, key_columns) in CONTENT.items():
        rows = connection.execute(
            sa.text(f"SELECT * FROM {table} WHERE status = 'draft'")  # noqa: S608 (fixed names)
        ).mappings()
        for row in list(rows):
            data = {k: _json_value(k, v) for k, v in row.items() if k not in BOOKKEEPING}
            if table == "offices":
                hours = connection.execute(
                    sa.text(
                        "SELECT weekday, opens, closes FROM opening_hours WHERE office_id = :id"
                    ),
                    {"id": row["id"]},
                )
                data["hours"] = sorted([w, _clock(o), _clock(c)] for w, o, c in hours)
            account = row["updated_by"]
            connection.execute(
                drafts.insert().values(
                    kind=kind,
                    record_key=_record_key(dict(row), key_columns),
                    province_code=row["province_code"],
                    data=data,
                    base_version=None,
                    created_by=account,
                    updated_by=account,
                    created_at=_timestamp(row["created_at"]),
                    updated_at=_timestamp(row["updated_at"]),
                )
            )
            key_column = "id" if "id" in row else "code"
            if _references(connection, table, row[key_column]):
                continue
            if table == "offices":
                connection.execute(
                    sa.text("DELETE FROM opening_hours WHERE office_id = :id"), {"id": row["id"]}
                )
            connection.execute(
                sa.text(f"DELETE FROM {table} WHERE {key_column} = :key"),  # noqa: S608
                {"key": row[key_column]},
            )


def _drop_national_unique(table: str) -> None:
    op.drop_index(f"uq_{table}_{NATIONAL_UNIQUE[table]}_national", table_name=table)


def _create_national_unique(table: str) -> None:
    column = NATIONAL_UNIQUE[table]
    op.create_index(
        f"uq_{table}_{column}_national",
        table,
        [column],
        unique=True,
        sqlite_where=sa.text("province_code IS NULL"),
        postgresql_where=sa.text("province_code IS NULL"),
    )


def upgrade() -> None:
    drafts = op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("record_key", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], name=op.f("fk_drafts_province_code_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("kind", "record_key", name=op.f("uq_drafts_kind_record_key")),
    )
    op.create_index(op.f("ix_drafts_province_code"), "drafts", ["province_code"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("record_key", sa.String(length=200), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("before", JSON, nullable=True),
        sa.Column("after", JSON, nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "origin IN ('seed', 'editor')", name=op.f("ck_revisions_origin")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    )
    op.create_index(op.f("ix_revisions_created_at"), "revisions", ["created_at"])
    op.create_index(op.f("ix_revisions_province_code"), "revisions", ["province_code"])
    op.create_index("ix_revisions_kind_record_key", "revisions", ["kind", "record_key"])

    connection = op.get_bind()
    _move_drafts(connection, drafts)

    for table in AUDITED:
        op.add_column(table, sa.Column("origin", sa.String(length=16), nullable=True))
        op.execute(
            f"UPDATE {table} SET origin = CASE WHEN updated_by = 'seed' "  # noqa: S608
            "THEN 'seed' ELSE 'editor' END"
        )
        if table in NATIONAL_UNIQUE:
            _drop_national_unique(table)
        with op.batch_alter_table(table) as batch:
            batch.alter_column("origin", existing_type=sa.String(length=16), nullable=False)
            batch.alter_column(
                "updated_by", existing_type=sa.String(length=100), nullable=True
            )
            batch.create_check_constraint(
                op.f(f"ck_{table}_origin"), "origin IN ('seed', 'editor')"
            )
            if table in CONTENT:
                batch.drop_constraint(op.f(f"ck_{table}_status"), type_="check")
                batch.drop_column("status")
        # Only now that the column may be NULL: the seed is no longer a user name.
        op.execute(f"UPDATE {table} SET updated_by = NULL WHERE updated_by = 'seed'")  # noqa: S608
        if table in NATIONAL_UNIQUE:
            _create_national_unique(table)


def downgrade() -> None:
    """Back to one table per kind with a status; refuses to drop history.

    0001 has no place for revisions, nor for a draft beside its published
    record: rather than lose any, the downgrade stops while a revision or a
    draft exists and says how many.
    """
    connection = op.get_bind()
    revisions = connection.execute(sa.text("SELECT count(*) FROM revisions")).scalar_one()
    drafts = connection.execute(sa.text("SELECT count(*) FROM drafts")).scalar_one()
    if revisions or drafts:
        raise RuntimeError(
            f"downgrade to 0001 would lose {revisions} revisions and {drafts} drafts: "
            "export the content (python -m app.kb.export) and remove them first"
        )
    for table in AUDITED:
        if table in NATIONAL_UNIQUE:
            _drop_national_unique(table)
        op.execute(f"UPDATE {table} SET updated_by = 'seed' WHERE origin = 'seed'")  # noqa: S608
        # An editor's record with no account (never written by 0002's code) keeps a marker.
        op.execute(f"UPDATE {table} SET updated_by = 'editor' WHERE updated_by IS NULL")  # noqa: S608
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_origin"), type_="check")
            batch.drop_column("origin")
            batch.alter_column(
                "updated_by", existing_type=sa.String(length=100), nullable=False
            )
            if table in CONTENT:
                batch.add_column(
                    sa.Column(
                        "status", sa.String(length=16), nullable=False, server_default="published"
                    )
                )
                batch.create_check_constraint(
                    op.f(f"ck_{table}_status"), "status IN ('published', 'draft')"
                )
        if table in CONTENT:
            with op.batch_alter_table(table) as batch:
                batch.alter_column("status", existing_type=sa.String(length=16), server_default=None)
        if table in NATIONAL_UNIQUE:
            _create_national_unique(table)
    op.drop_table("revisions")
    op.drop_table("drafts")
