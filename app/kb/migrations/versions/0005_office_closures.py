"""Offices: temporary closures and special hours for a date range (issue 10).

A nullable JSON list, so existing rows stay valid. Like 0001 it never imports
the models.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("offices") as batch:
        batch.add_column(sa.Column("closures", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("offices") as batch:
        batch.drop_column("closures")
