"""Services: benefit amounts by band and official English pages (issue 12 §2, §7).

Both are nullable JSON lists, so existing rows stay valid and the next seed
fills them. Like 0001 it never imports the models.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("benefits", JSON, nullable=True))
        batch.add_column(sa.Column("english_resources", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.drop_column("english_resources")
        batch.drop_column("benefits")
