"""The relational schema. Entities keep their whole JSON document in one column (`doc`);
columns beside it hold what the server needs to index or must never show (file keys)."""

from __future__ import annotations

import warnings
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import SAWarning

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

RowId = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER keys
Document = JSON().with_variant(JSONB(), "postgresql")

companies = Table(
    "companies",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("guid", String(32), nullable=False, unique=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("guid", String(32), nullable=False, unique=True),
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(320), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(12), nullable=False),
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", RowId, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("bot_guid", String(32), nullable=True, index=True),
    Column("label", String(255), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

entities = Table(
    "entities",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("entity_type", String(16), nullable=False),
    Column("guid", String(32), nullable=False, unique=True),
    # The name, for types whose names are unique per company (blueprint, queue) while not
    # archived; NULL otherwise, and NULLs never clash.
    Column("unique_name", String(255), nullable=True),
    Column("archived", Boolean, nullable=False, default=False),
    # Object key of the entity's file (item `file`, factory `plan`) in the file store.
    Column("file_key", Text, nullable=True),
    Column("doc", Document, nullable=False),
    UniqueConstraint("company_id", "entity_type", "unique_name"),
    Index(None, "company_id", "entity_type", "archived", "id"),
    # PostgreSQL: every path and value of the documents, for the containment tests (`@>`)
    # that filters' equalities compile to (store.query.postgres).
    Index(
        "ix_entities_doc",
        "doc",
        postgresql_using="gin",
        postgresql_ops={"doc": "jsonb_path_ops"},
        info={"dialects": ("postgresql",)},
    ).ddl_if(dialect="postgresql"),
)

# The document paths a company has declared indexes on, per entity type (entities.indexes):
# the database indexes themselves (`ix_q_*`) serve every company that declares the path.
declared_indexes = Table(
    "declared_indexes",
    metadata,
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("entity_type", String(16), nullable=False),
    Column("path", String(512), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("company_id", "entity_type", "path"),
)

# The first successful answer to a create sent with an `Idempotency-Key`, per company and
# key, replayed to repeats until it expires (entities.idempotency). The row is inserted
# before the create, in its transaction, so a concurrent repeat waits on the unique key.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(255), nullable=False),
    # SHA-256 of the operation and the canonical request body.
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=True),
    Column("answer", Document, nullable=True),
    Column("expires_ms", BigInteger, nullable=False, index=True),
    UniqueConstraint("company_id", "key"),
)

# The newest job failure a worker recorded against a queue message, and how many there were
# (entities.failures), per company, queue entity and SQS message id: SQS cannot carry data on
# a released message, so the dead-letter listing joins these by message id, whichever broker.
queue_failures = Table(
    "queue_failures",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("queue_id", RowId, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", String(128), nullable=False),
    Column("failures", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("step", String(64), nullable=True),
    Column("attempt", Integer, nullable=True),
    Column("entity_type", String(16), nullable=True),
    Column("entity_guid", String(32), nullable=True),
    Column("bot_guid", String(32), nullable=True),
    Column("worker_guid", String(32), nullable=True),
    Column("recorded_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False, index=True),
    UniqueConstraint("company_id", "queue_id", "message_id"),
)

# ---- the built-in SQS-compatible broker (qalx_server.broker) ------------------------------
# Times are integer milliseconds since the Unix epoch: exact, compared the same way on SQLite
# and PostgreSQL, and what SQS itself reports (SentTimestamp, ApproximateFirstReceiveTimestamp).

broker_queues = Table(
    "broker_queues",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    # The SQS queue name (`<sanitised qalx name>.fifo`, companions `...-dlq.fifo`).
    Column("name", String(80), nullable=False),
    Column("fifo", Boolean, nullable=False),
    Column("content_based_dedup", Boolean, nullable=False),
    Column("visibility_timeout", Integer, nullable=False),
    # NULL on a dead-letter companion (no redrive policy of its own).
    Column("max_receive_count", Integer, nullable=True),
    Column(
        "dead_letter_queue_id",
        RowId,
        ForeignKey("broker_queues.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("created_ms", BigInteger, nullable=False),
    Column("modified_ms", BigInteger, nullable=False),
    UniqueConstraint("company_id", "name"),
)

broker_messages = Table(
    "broker_messages",
    metadata,
    # Also the FIFO SequenceNumber and the delivery order within a queue.
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("queue_id", RowId, ForeignKey("broker_queues.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", String(36), nullable=False),
    Column("body", Text, nullable=False),
    Column("body_md5", String(32), nullable=False),
    # Message attributes as SQS received them ({name: {DataType, StringValue|BinaryValue}}).
    Column("attributes", Document, nullable=True),
    Column("system_attributes", Document, nullable=True),
    Column("group_id", String(128), nullable=True),
    Column("dedup_id", String(128), nullable=True),
    Column("sent_ms", BigInteger, nullable=False),
    # Not deliverable before this instant (delay, or in flight until its visibility ends).
    Column("visible_ms", BigInteger, nullable=False),
    Column("receive_count", Integer, nullable=False),
    Column("first_received_ms", BigInteger, nullable=True),
    # Random per receive; a receipt handle names it, so older handles go stale.
    Column("receipt_token", String(32), nullable=True),
    # Set while in a dead-letter companion: the queue it came from.
    Column("dead_letter_source_id", RowId, nullable=True),
    Column("dead_lettered_ms", BigInteger, nullable=True),
    Index(None, "queue_id", "visible_ms"),
    Index(None, "queue_id", "group_id"),
)

broker_dedup = Table(
    "broker_dedup",
    metadata,
    Column("queue_id", RowId, ForeignKey("broker_queues.id", ondelete="CASCADE"), primary_key=True),
    Column("dedup_id", String(128), primary_key=True),
    Column("message_id", String(36), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
)

broker_credentials = Table(
    "broker_credentials",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("access_key_id", String(20), nullable=False, unique=True),
    # SHA-256 of the session token; the secret key is derived, never stored (broker.credentials).
    Column("token_hash", String(64), nullable=False),
    Column("company_id", RowId, ForeignKey("companies.id", ondelete="CASCADE"), nullable=False),
    Column("bot_guid", String(32), nullable=True, index=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False, index=True),
    Column("revoked_ms", BigInteger, nullable=True),
)

# ---- notification delivery (qalx_server.notifications) -----------------------------------
# One row per notification entity: where its e-mail is on the way out. Times in ms, as above.

notification_deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column(
        "entity_id",
        RowId,
        ForeignKey("entities.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    # queued | sending | sent | failed | outbox (see qalx_server.notifications.deliveries)
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    # queued/outbox: not to be tried before this instant.
    Column("next_attempt_ms", BigInteger, nullable=True),
    # sending: the claim, and when it counts as abandoned (its process died mid-send).
    Column("claim_token", String(32), nullable=True),
    Column("lease_until_ms", BigInteger, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("sent_ms", BigInteger, nullable=True),
    Index(None, "state", "next_attempt_ms"),
)


DECLARED_INDEX_PREFIX = "ix_q_"
"""Names of the database indexes made for declared index paths."""


def schema_differences(conn: Connection) -> list[Any]:
    """What the database's schema lacks or has beyond these tables (alembic's comparison),
    leaving out what exists on other databases only (`info["dialects"]`)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def here(item: Any, name: Any, kind: str, reflected: bool, compare_to: Any) -> bool:
        if kind == "index" and reflected and str(name).startswith(DECLARED_INDEX_PREFIX):
            return False  # made on demand (entities.indexes), not part of the schema
        dialects = getattr(item, "info", {}).get("dialects")
        return dialects is None or conn.dialect.name in dialects

    context = MigrationContext.configure(conn, opts={"include_object": here})
    with warnings.catch_warnings():
        # SQLAlchemy cannot reflect SQLite's expression indexes, which declared ones are.
        warnings.filterwarnings(
            "ignore", f".*expression-based index {DECLARED_INDEX_PREFIX}", SAWarning
        )
        found: list[Any] = compare_metadata(context, metadata)
    return found
