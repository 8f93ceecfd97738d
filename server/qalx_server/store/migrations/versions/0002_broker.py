"""The built-in SQS-compatible broker: queues, messages, deduplication ids and credentials.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Document = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "broker_queues",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("company_id", RowId, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("fifo", sa.Boolean(), nullable=False),
        sa.Column("content_based_dedup", sa.Boolean(), nullable=False),
        sa.Column("visibility_timeout", sa.Integer(), nullable=False),
        sa.Column("max_receive_count", sa.Integer(), nullable=True),
        sa.Column("dead_letter_queue_id", RowId, nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("modified_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_broker_queues"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_broker_queues_company_id_companies",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dead_letter_queue_id"],
            ["broker_queues.id"],
            name="fk_broker_queues_dead_letter_queue_id_broker_queues",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("company_id", "name", name="uq_broker_queues_company_id_name"),
    )
    op.create_table(
        "broker_messages",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("queue_id", RowId, nullable=False),
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_md5", sa.String(32), nullable=False),
        sa.Column("attributes", Document, nullable=True),
        sa.Column("system_attributes", Document, nullable=True),
        sa.Column("group_id", sa.String(128), nullable=True),
        sa.Column("dedup_id", sa.String(128), nullable=True),
        sa.Column("sent_ms", sa.BigInteger(), nullable=False),
        sa.Column("visible_ms", sa.BigInteger(), nullable=False),
        sa.Column("receive_count", sa.Integer(), nullable=False),
        sa.Column("first_received_ms", sa.BigInteger(), nullable=True),
        sa.Column("receipt_token", sa.String(32), nullable=True),
        sa.Column("dead_letter_source_id", RowId, nullable=True),
        sa.Column("dead_lettered_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_broker_messages"),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["broker_queues.id"],
            name="fk_broker_messages_queue_id_broker_queues",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_broker_messages_queue_id_visible_ms", "broker_messages", ["queue_id", "visible_ms"]
    )
    op.create_index(
        "ix_broker_messages_queue_id_group_id", "broker_messages", ["queue_id", "group_id"]
    )
    op.create_table(
        "broker_dedup",
        sa.Column("queue_id", RowId, nullable=False),
        sa.Column("dedup_id", sa.String(128), nullable=False),
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("queue_id", "dedup_id", name="pk_broker_dedup"),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["broker_queues.id"],
            name="fk_broker_dedup_queue_id_broker_queues",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "broker_credentials",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("access_key_id", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("company_id", RowId, nullable=False),
        sa.Column("bot_guid", sa.String(32), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("revoked_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_broker_credentials"),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_broker_credentials_company_id_companies",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("access_key_id", name="uq_broker_credentials_access_key_id"),
    )
    op.create_index("ix_broker_credentials_bot_guid", "broker_credentials", ["bot_guid"])
    op.create_index("ix_broker_credentials_expires_ms", "broker_credentials", ["expires_ms"])


def downgrade() -> None:
    op.drop_index("ix_broker_credentials_expires_ms", "broker_credentials")
    op.drop_index("ix_broker_credentials_bot_guid", "broker_credentials")
    op.drop_table("broker_credentials")
    op.drop_table("broker_dedup")
    op.drop_index("ix_broker_messages_queue_id_group_id", "broker_messages")
    op.drop_index("ix_broker_messages_queue_id_visible_ms", "broker_messages")
    op.drop_table("broker_messages")
    op.drop_table("broker_queues")
