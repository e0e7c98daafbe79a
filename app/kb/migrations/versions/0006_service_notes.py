"""Province notes on services (issue 10): one note per service and province.

A new table; like 0001 it never imports the models.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)
TABLE = "service_notes"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=100), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.Column("source_agency", sa.String(length=200), nullable=True),
        sa.Column("source_title", sa.String(length=500), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.CheckConstraint("origin IN ('seed', 'editor')", name=op.f(f"ck_{TABLE}_origin")),
        sa.ForeignKeyConstraint(
            ["service_code"], ["services.code"], name=op.f(f"fk_{TABLE}_service_code_services")
        ),
        sa.ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], name=op.f(f"fk_{TABLE}_province_code_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint(
            "service_code", "province_code", name=op.f(f"uq_{TABLE}_service_code_province_code")
        ),
    )
    op.create_index(op.f(f"ix_{TABLE}_service_code"), TABLE, ["service_code"])
    op.create_index(op.f(f"ix_{TABLE}_province_code"), TABLE, ["province_code"])


def downgrade() -> None:
    op.drop_table(TABLE)
