"""Claims, straight on the database: one holder at a time, and a send whose process died is
failed, never repeated."""

from __future__ import annotations

from qalx_server.notifications import deliveries

from .conftest import Serve, fetch, guid_of, notify


def test_a_claim_is_exclusive_and_an_abandoned_one_fails_rather_than_resends(
    serve: Serve,
) -> None:
    with serve() as tenant:  # no SMTP: no sender of its own to race with
        guid = guid_of(notify(tenant, subject="s", message="m", to=["eng@example.com"]))
        db = tenant.live.server.db
        now = deliveries.now_ms()
        with db.write() as conn:
            claim = deliveries.claim_next(conn, now=now, lease_ms=1000, locks_rows=db.locks_rows)
        assert claim is not None and claim.attempts == 1 and claim.doc["subject"] == "s"
        assert fetch(tenant, guid)["info"]["delivery"]["state"] == "sending"
        with db.write() as conn:
            again = deliveries.claim_next(conn, now=now, lease_ms=1000, locks_rows=db.locks_rows)
            assert again is None
            assert deliveries.abandon_expired(conn, now + 1000) == 0  # the lease still holds

        with db.write() as conn:  # its process died: the lease runs out
            assert deliveries.abandon_expired(conn, now + 1001) == 1
        delivery = fetch(tenant, guid)["info"]["delivery"]
        assert delivery["state"] == "failed"
        assert "may or may not have been delivered" in delivery["last_error"]
        with db.write() as conn:  # the old holder, back after all, cannot record anything
            assert not deliveries.record_sent(conn, claim, now=now, note=None)
            assert deliveries.claim_next(conn, now=now, lease_ms=1000, locks_rows=True) is None
        assert fetch(tenant, guid)["info"]["delivery"]["state"] == "failed"
