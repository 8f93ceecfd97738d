"""Every queue answer issues credentials, so the broker sweeps long-expired ones as it goes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from qalx_server.auth.admin import create_user
from qalx_server.broker import Broker
from qalx_server.broker.credentials import issue_credentials
from qalx_server.store.database import Database
from qalx_server.store.tables import broker_credentials, companies

KEY = b"k" * 32


def test_issuing_sweeps_credentials_expired_over_a_day_ago(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    db.migrate()
    create_user(db, "acme", "ops@acme.test")
    broker = Broker(db, KEY)
    with db.write() as conn:
        company = int(conn.execute(sa.select(companies.c.id)).scalar_one())
        old = issue_credentials(conn, company, key=KEY, lifetime=dt.timedelta(days=-2))
        recent = issue_credentials(conn, company, key=KEY, lifetime=dt.timedelta(hours=-1))
        fresh = broker.issue_credentials(conn, company)  # first issue: sweeps
        later = broker.issue_credentials(conn, company)  # within the hour: no sweep needed
        kept = set(conn.execute(sa.select(broker_credentials.c.access_key_id)).scalars())
    db.dispose()
    assert old.access_key_id not in kept
    assert {recent.access_key_id, fresh.access_key_id, later.access_key_id} <= kept
