"""Notification delivery: one row per notification entity, claimed by the e-mail sender.

Notifications created before this revision were never e-mailed. They get a `failed` row saying
so, rather than being sent now, perhaps long after they were asked for; an operator can still
send them with `qalx server notifications retry`.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

BEFORE = (
    "created before this server sent e-mail; not sent (`qalx server notifications retry` sends it)"
)


def upgrade() -> None:
    op.create_table(
        "notification_deliveries",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("entity_id", RowId, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger(), nullable=True),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("lease_until_ms", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("sent_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notification_deliveries"),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name="fk_notification_deliveries_entity_id_entities",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("entity_id", name="uq_notification_deliveries_entity_id"),
    )
    op.create_index(
        "ix_notification_deliveries_state_next_attempt_ms",
        "notification_deliveries",
        ["state", "next_attempt_ms"],
    )
    op.execute(
        sa.text(
            "INSERT INTO notification_deliveries (entity_id, state, attempts, last_error, "
            "created_ms) SELECT id, 'failed', 0, :error, :now FROM entities "
            "WHERE entity_type = 'notification'"
        ).bindparams(error=BEFORE, now=time.time_ns() // 1_000_000)
    )


def downgrade() -> None:
    op.drop_index("ix_notification_deliveries_state_next_attempt_ms", "notification_deliveries")
    op.drop_table("notification_deliveries")
