"""Declared indexes: the document paths a company has indexed, per entity type.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "declared_indexes",
        sa.Column("company_id", RowId, nullable=False),
        sa.Column("entity_type", sa.String(16), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "entity_type", "path", name="pk_declared_indexes"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_declared_indexes_company_id_companies",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("declared_indexes")
