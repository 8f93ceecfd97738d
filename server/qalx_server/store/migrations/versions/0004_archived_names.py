"""Archived entities no longer hold their unique name.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE entities SET unique_name = NULL WHERE archived"))


def downgrade() -> None:
    pass  # names held again could clash with entities made since; nothing to restore safely
