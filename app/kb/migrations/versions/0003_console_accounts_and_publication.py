"""Staff console: accounts, sessions, and scheduled or approved publication of drafts.

- ``console_accounts``: argon2id password hash, role and scope (province or
  office), TOTP secret, failed sign-ins and lock-out time.
- ``console_sessions``: server-side sessions (hash of the cookie's token,
  CSRF token, expiry), so signing out really ends a session.
- ``drafts`` gains ``status`` (draft | scheduled | awaiting_approval),
  ``publish_at``, ``publish_reason`` and ``requested_by``.

Like 0001 and 0002 it never imports the models.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)
ROLES = ("admin", "content_editor", "analyst", "province_officer", "district_officer")


def upgrade() -> None:
    roles = ", ".join(f"'{r}'" for r in ROLES)
    op.create_table(
        "console_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column("office_code", sa.String(length=100), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTC_TIMESTAMP, nullable=True),
        sa.Column("last_login_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.CheckConstraint(f"role IN ({roles})", name=op.f("ck_console_accounts_role")),
        sa.ForeignKeyConstraint(
            ["province_code"], ["provinces.code"],
            name=op.f("fk_console_accounts_province_code_provinces"),
        ),
        sa.ForeignKeyConstraint(
            ["office_code"], ["offices.code"],
            name=op.f("fk_console_accounts_office_code_offices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_console_accounts_username")),
    )
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["console_accounts.id"],
            name=op.f("fk_console_sessions_account_id_console_accounts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_console_sessions_token_hash")),
    )
    op.create_index(op.f("ix_console_sessions_account_id"), "console_sessions", ["account_id"])
    op.create_index(op.f("ix_console_sessions_expires_at"), "console_sessions", ["expires_at"])
    with op.batch_alter_table("drafts") as batch:
        # Existing drafts are plain drafts; the default stays for older writers.
        batch.add_column(
            sa.Column("status", sa.String(length=24), nullable=False, server_default="draft")
        )
        batch.add_column(sa.Column("publish_at", UTC_TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("publish_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("requested_by", sa.String(length=100), nullable=True))
    op.create_index(op.f("ix_drafts_status"), "drafts", ["status"])
    op.create_index(op.f("ix_drafts_publish_at"), "drafts", ["publish_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_drafts_publish_at"), table_name="drafts")
    op.drop_index(op.f("ix_drafts_status"), table_name="drafts")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_column("requested_by")
        batch.drop_column("publish_reason")
        batch.drop_column("publish_at")
        batch.drop_column("status")
    op.drop_index(op.f("ix_console_sessions_expires_at"), table_name="console_sessions")
    op.drop_index(op.f("ix_console_sessions_account_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_table("console_accounts")
