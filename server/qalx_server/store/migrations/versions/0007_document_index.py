"""PostgreSQL: a GIN index (jsonb_path_ops) over every entity's document, which serves the
containment tests that filters' equalities and `$in` compile to.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_entities_doc ON entities USING gin (doc jsonb_path_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_entities_doc")
