"""The relational schema. Entities keep their whole JSON document in one column (`doc`);
columns beside it hold what the server needs to index or must never show (file keys)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

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
    # Set for types whose names are unique per company (blueprint, queue); NULLs never clash.
    Column("unique_name", String(255), nullable=True),
    Column("archived", Boolean, nullable=False, default=False),
    # Object key of the entity's file (item `file`, factory `plan`) in the file store.
    Column("file_key", Text, nullable=True),
    Column("doc", Document, nullable=False),
    UniqueConstraint("company_id", "entity_type", "unique_name"),
    Index(None, "company_id", "entity_type", "archived", "id"),
)
