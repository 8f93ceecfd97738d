"""Job failures recorded against queue messages, shown with their dead letters.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "queue_failures",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("company_id", RowId, nullable=False),
        sa.Column("queue_id", RowId, nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=True),
        sa.Column("entity_type", sa.String(16), nullable=True),
        sa.Column("entity_guid", sa.String(32), nullable=True),
        sa.Column("bot_guid", sa.String(32), nullable=True),
        sa.Column("worker_guid", sa.String(32), nullable=True),
        sa.Column("recorded_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_queue_failures"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_queue_failures_company_id_companies",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["entities.id"],
            name="fk_queue_failures_queue_id_entities",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "company_id",
            "queue_id",
            "message_id",
            name="uq_queue_failures_company_id_queue_id_message_id",
        ),
    )
    op.create_index("ix_queue_failures_expires_ms", "queue_failures", ["expires_ms"])


def downgrade() -> None:
    op.drop_index("ix_queue_failures_expires_ms", "queue_failures")
    op.drop_table("queue_failures")
