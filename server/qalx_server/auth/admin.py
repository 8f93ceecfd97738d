"""Operator actions on companies, users and tokens (used by `qalx server ...` and tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import Connection

from qalx_server.guids import new_guid
from qalx_server.store.database import Database
from qalx_server.store.tables import companies, tokens, users

from .tokens import key_hash, mint_key


class AdminError(Exception):
    """An operator request that cannot be done; the message says why."""


@attrs.frozen
class NewUser:
    company: str
    email: str
    guid: str
    token: str


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _company_id(conn: Connection, name: str, create: bool) -> int:
    found = conn.execute(sa.select(companies.c.id).where(companies.c.name == name)).scalar()
    if found is not None:
        return int(found)
    if not create:
        raise AdminError(f"no company named {name!r}")
    inserted = conn.execute(
        companies.insert().values(guid=new_guid(), name=name, created_at=now())
    ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def company_id(db: Database, name: str) -> int:
    """The id of the company named `name` (AdminError if there is none)."""
    with db.read() as conn:
        return _company_id(conn, name, create=False)


def create_user(db: Database, company: str, email: str, *, create_company: bool = True) -> NewUser:
    """A user in `company` (created if needed) with a first token."""
    email = email.strip().lower()
    if "@" not in email:
        raise AdminError(f"{email!r} is not an e-mail address")
    with db.write() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.email == email)).first():
            raise AdminError(f"a user with e-mail {email!r} already exists")
        company_id = _company_id(conn, company, create_company)
        guid = new_guid()
        user_id = conn.execute(
            users.insert().values(guid=guid, company_id=company_id, email=email, created_at=now())
        ).inserted_primary_key
        assert user_id is not None
        token = _insert_token(conn, company_id, user_id=int(user_id[0]), label="first token")
    return NewUser(company, email, guid, token)


def create_token(db: Database, email: str, label: str = "") -> str:
    with db.write() as conn:
        user = conn.execute(
            sa.select(users.c.id, users.c.company_id).where(users.c.email == email.lower())
        ).first()
        if user is None:
            raise AdminError(f"no user with e-mail {email!r}")
        return _insert_token(conn, user.company_id, user_id=user.id, label=label)


def create_bot_token(conn: Connection, company_id: int, bot_guid: str) -> str:
    return _insert_token(conn, company_id, bot_guid=bot_guid, label="bot")


def _insert_token(
    conn: Connection,
    company_id: int,
    *,
    user_id: int | None = None,
    bot_guid: str | None = None,
    label: str,
) -> str:
    key = mint_key()
    conn.execute(
        tokens.insert().values(
            key_hash=key_hash(key),
            prefix=key[:12],
            company_id=company_id,
            user_id=user_id,
            bot_guid=bot_guid,
            label=label,
            created_at=now(),
        )
    )
    return key


def revoke_token(db: Database, prefix: str) -> int:
    """Revoke every live token whose key starts with `prefix` (at least 8 characters)."""
    if len(prefix) < 8:
        raise AdminError("give at least the first 8 characters of the token")
    with db.write() as conn:
        result = conn.execute(
            tokens.update()
            .where(tokens.c.prefix == prefix[:12], tokens.c.revoked_at.is_(None))
            .values(revoked_at=now())
        )
    if result.rowcount == 0:
        raise AdminError(f"no live token starts with {prefix!r}")
    return int(result.rowcount)


def revoke_bot_tokens(conn: Connection, bot_guid: str) -> None:
    conn.execute(
        tokens.update()
        .where(tokens.c.bot_guid == bot_guid, tokens.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )


def list_users(db: Database) -> list[dict[str, Any]]:
    query = (
        sa.select(users.c.email, users.c.guid, companies.c.name.label("company"))
        .join(companies, companies.c.id == users.c.company_id)
        .order_by(companies.c.name, users.c.email)
    )
    with db.read() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def list_tokens(db: Database, email: str | None = None) -> list[dict[str, Any]]:
    query = (
        sa.select(
            tokens.c.prefix,
            tokens.c.label,
            tokens.c.created_at,
            tokens.c.revoked_at,
            users.c.email,
            tokens.c.bot_guid,
        )
        .outerjoin(users, users.c.id == tokens.c.user_id)
        .order_by(tokens.c.id)
    )
    if email:
        query = query.where(users.c.email == email.lower())
    with db.read() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
