"""Companies, users, tokens and entities.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Document = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_companies"),
        sa.UniqueConstraint("guid", name="uq_companies_guid"),
        sa.UniqueConstraint("name", name="uq_companies_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("guid", sa.String(32), nullable=False),
        sa.Column("company_id", RowId, nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_users_company_id_companies",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("guid", name="uq_users_guid"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "tokens",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("company_id", RowId, nullable=False),
        sa.Column("user_id", RowId, nullable=True),
        sa.Column("bot_guid", sa.String(32), nullable=True),
        sa.Column("label", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_tokens_company_id_companies",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("key_hash", name="uq_tokens_key_hash"),
    )
    op.create_index("ix_tokens_bot_guid", "tokens", ["bot_guid"])
    op.create_table(
        "entities",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("company_id", RowId, nullable=False),
        sa.Column("entity_type", sa.String(16), nullable=False),
        sa.Column("guid", sa.String(32), nullable=False),
        sa.Column("unique_name", sa.String(255), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("file_key", sa.Text(), nullable=True),
        sa.Column("doc", Document, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entities"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_entities_company_id_companies",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("guid", name="uq_entities_guid"),
        sa.UniqueConstraint(
            "company_id",
            "entity_type",
            "unique_name",
            name="uq_entities_company_id_entity_type_unique_name",
        ),
    )
    op.create_index(
        "ix_entities_company_id_entity_type_archived_id",
        "entities",
        ["company_id", "entity_type", "archived", "id"],
    )


def downgrade() -> None:
    op.drop_table("entities")
    op.drop_index("ix_tokens_bot_guid", "tokens")
    op.drop_table("tokens")
    op.drop_table("users")
    op.drop_table("companies")
