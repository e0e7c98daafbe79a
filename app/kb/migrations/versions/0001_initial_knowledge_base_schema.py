"""Initial knowledge base schema.

Generated with ``alembic revision --autogenerate`` and rewritten by hand:
the columns every editable record shares come from two helpers, so each
table reads as what is particular to it; model types (``UTCDateTime``, the
JSON/JSONB variant) are spelled as plain SQLAlchemy types so this script never
imports the models, which will change after it.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIMESTAMP = sa.DateTime(timezone=True)


def _audited() -> list[sa.Column]:
    """Source, version (optimistic locking), updated_by and timestamps."""
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("source_agency", sa.String(length=200), nullable=True),
        sa.Column("source_title", sa.String(length=500), nullable=True),
        sa.Column("source_url", sa.String(length=500), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
    ]


def _editable(table: str, *, province_nullable: bool = True) -> list[sa.SchemaItem]:
    """``_audited`` plus the province scope and the publication status."""
    return [
        sa.Column("province_code", sa.String(length=2), nullable=province_nullable),
        sa.Column("status", sa.String(length=16), nullable=False),
        *_audited(),
        sa.CheckConstraint("status IN ('published', 'draft')", name=op.f(f"ck_{table}_status")),
        sa.ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], name=op.f(f"fk_{table}_province_code_provinces")
        ),
    ]


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def _national_unique(table: str, column: str) -> None:
    """One national row (NULL province) per ``column``: UNIQUE treats NULLs as distinct."""
    op.create_index(
        f"uq_{table}_{column}_national",
        table,
        [column],
        unique=True,
        sqlite_where=sa.text("province_code IS NULL"),
        postgresql_where=sa.text("province_code IS NULL"),
    )


def upgrade() -> None:
    op.create_table(
        "provinces",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name_th", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        *_audited(),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_provinces")),
    )
    op.create_table(
        "districts",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("name_th", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("is_bangkok_khet", sa.Boolean(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("point_method", sa.String(length=32), nullable=True),
        *_audited(),
        sa.ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], name=op.f("fk_districts_province_code_provinces")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_districts")),
    )
    _index("districts", "province_code")

    op.create_table(
        "agencies",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_th", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("hotline", sa.String(length=50), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        *_editable("agencies"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agencies")),
    )
    _index("agencies", "province_code")

    op.create_table(
        "office_types",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_th", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("aliases", JSON, nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("standard_hours", JSON, nullable=True),
        sa.Column("hours_note", sa.Text(), nullable=True),
        sa.Column("closed_on_public_holidays", sa.Boolean(), nullable=False),
        sa.Column("has_office_records", sa.Boolean(), nullable=False),
        sa.Column("hotline", sa.String(length=50), nullable=True),
        *_editable("office_types"),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_office_types")),
    )
    _index("office_types", "province_code")

    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name_th", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("category", sa.String(length=50), nullable=False),
        sa.Column("aliases", JSON, nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("office_types", JSON, nullable=False),
        sa.Column("where_note", sa.Text(), nullable=True),
        sa.Column("eligibility", sa.Text(), nullable=True),
        sa.Column("documents", JSON, nullable=True),
        sa.Column("fees", JSON, nullable=True),
        sa.Column("deadline", sa.Text(), nullable=True),
        sa.Column("penalty", sa.Text(), nullable=True),
        sa.Column("processing_time", sa.Text(), nullable=True),
        sa.Column("steps", JSON, nullable=True),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("online_name", sa.String(length=300), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("hotline", sa.String(length=50), nullable=True),
        *_editable("services"),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_services_agency_code_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("code", name=op.f("uq_services_code")),
    )
    _index("services", "agency_code")
    _index("services", "category")
    _index("services", "province_code")

    op.create_table(
        "offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("office_type", sa.String(length=64), nullable=False),
        sa.Column("name_th", sa.String(length=300), nullable=False),
        sa.Column("district_code", sa.String(length=4), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("location_is_approximate", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=True),
        sa.Column("closed_on_public_holidays", sa.Boolean(), nullable=False),
        sa.Column("service_codes", JSON, nullable=False),
        # An office always lies in a province: its scope is never national.
        *_editable("offices", province_nullable=False),
        sa.ForeignKeyConstraint(
            ["district_code"], ["districts.code"], name=op.f("fk_offices_district_code_districts")
        ),
        sa.ForeignKeyConstraint(
            ["office_type"], ["office_types.code"], name=op.f("fk_offices_office_type_office_types")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
    )
    _index("offices", "district_code")
    _index("offices", "office_type")
    _index("offices", "province_code")
    # Bounding-box prefilter of nearest_offices.
    op.create_index("ix_offices_latitude_longitude", "offices", ["latitude", "longitude"])

    op.create_table(
        "opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_opening_hours_range")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_opening_hours_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hours")),
    )
    _index("opening_hours", "office_id")

    op.create_table(
        "faqs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("question_variants", JSON, nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        *_editable("faqs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faqs")),
        sa.UniqueConstraint("key", "province_code", name=op.f("uq_faqs_key_province_code")),
    )
    _index("faqs", "province_code")
    _national_unique("faqs", "key")

    op.create_table(
        "public_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("name_th", sa.String(length=300), nullable=False),
        *_editable("public_holidays"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_holidays")),
        sa.UniqueConstraint(
            "date", "province_code", name=op.f("uq_public_holidays_date_province_code")
        ),
    )
    _index("public_holidays", "province_code")
    _national_unique("public_holidays", "date")

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_pseudonym", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=True),
        sa.Column("channel", sa.String(length=50), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    _index("feedback", "conversation_pseudonym")
    _index("feedback", "created_at")
    _index("feedback", "topic")


def downgrade() -> None:
    # Dependents first; dropping a table drops its indexes with it.
    for table in (
        "feedback",
        "public_holidays",
        "faqs",
        "opening_hours",
        "offices",
        "services",
        "office_types",
        "agencies",
        "districts",
        "provinces",
    ):
        op.drop_table(table)
