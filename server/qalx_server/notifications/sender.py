"""The background sender: one thread per server process that e-mails notifications.

It starts and stops with the app's lifespan (which uvicorn runs by default; an app served
with the lifespan off queues notifications but sends none), and only when SMTP is
configured. A
notification made in this process wakes it at once, after the create commits; it also
re-reads the database every `notification_poll_interval` seconds, and when the next retry
falls due, so it sends notifications made by other processes sharing the database, retries
on time, and, on start, sends what waited in the outbox. It sends one notification at a
time, each over its own SMTP connection.
"""

from __future__ import annotations

import logging
import threading

from qalx_server.settings import Settings
from qalx_server.store.database import Database

from . import deliveries
from .addresses import InvalidNotification, check_notification
from .compose import compose, recipients
from .deliveries import now_ms
from .smtp import SendFailed, SmtpConfig, send

log = logging.getLogger("qalx_server.notifications")


class Notifier:
    """Delivery of this server's notifications: how new ones start out, and the sender."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.smtp = SmtpConfig.from_settings(settings)  # ValueError if half configured
        self.max_attempts = max(1, settings.notification_max_attempts)
        self.retry_delay = settings.notification_retry_delay
        self.retry_max_delay = settings.notification_retry_max_delay
        self.poll_interval = settings.notification_poll_interval
        # Longer than any one send can take (each SMTP step is bounded by the timeout), so a
        # live sender never loses its claim; it only runs out when its process died.
        self.lease_ms = int((60 + 10 * settings.smtp_timeout) * 1000)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def configured(self) -> bool:
        """True when this process can send (new notifications are `queued`, not `outbox`)."""
        return self.smtp is not None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self.smtp is None or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="qalx-notifier", daemon=True)
        self._thread.start()
        log.info("sending notifications through %s:%s", self.smtp.host, self.smtp.port)

    def stop(self) -> None:
        """Stop after the send in progress, if any (each SMTP step is bounded by its timeout;
        a send still going on after that is left to its lease)."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        self._wake.set()
        thread.join(timeout=self.smtp.timeout + 5 if self.smtp else 5)

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th attempt failed."""
        return float(min(self.retry_delay * 2 ** (attempts - 1), self.retry_max_delay))

    # ---- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before looking, so a wake-up during the look is kept
            try:
                if self.send_one():
                    continue
                wait = self._idle_wait()
            except Exception:
                log.exception("the notification sender failed; trying again shortly")
                wait = self.poll_interval
            self._wake.wait(wait)

    def _idle_wait(self) -> float:
        with self.db.read(snapshot=False) as conn:
            due = deliveries.next_due_ms(conn)
        if due is None:
            return self.poll_interval
        return min(self.poll_interval, max(0.0, (due - now_ms()) / 1000))

    def send_one(self) -> bool:
        """Claim one due notification and send it; False when none was due."""
        assert self.smtp is not None
        with self.db.write() as conn:
            now = now_ms()
            deliveries.abandon_expired(conn, now)
            claim = deliveries.claim_next(
                conn, now=now, lease_ms=self.lease_ms, locks_rows=self.db.locks_rows
            )
        if claim is None:
            return False
        try:
            check_notification(claim.doc)  # stored before this server checked, or edited since
            message = compose(claim.doc, sender=self.smtp.sender, guid=claim.guid)
            refused = send(self.smtp, message, recipients(claim.doc))
        except SendFailed as exc:
            self._failed(claim, exc.detail, permanent=exc.permanent)
        except InvalidNotification as exc:
            self._failed(claim, f"cannot be sent: {exc}", permanent=True)
        except Exception as exc:
            log.exception("notification %s could not be sent", claim.guid)
            self._failed(claim, f"cannot be sent: {type(exc).__name__}: {exc}", permanent=True)
        else:
            note = None
            if refused:
                note = "refused: " + "; ".join(f"{rcpt}: {why}" for rcpt, why in refused.items())
            with self.db.write() as conn:
                deliveries.record_sent(conn, claim, now=now_ms(), note=note)
            log.info("notification %s sent", claim.guid)
        return True

    def _failed(self, claim: deliveries.Claim, error: str, *, permanent: bool) -> None:
        retry_at = None
        if not permanent and claim.attempts < self.max_attempts:
            retry_at = now_ms() + int(self.backoff(claim.attempts) * 1000)
        with self.db.write() as conn:
            deliveries.record_failure(conn, claim, error=error, retry_at=retry_at)
        if retry_at is None:
            log.warning(
                "notification %s failed after %d attempt(s): %s", claim.guid, claim.attempts, error
            )
        else:
            log.info("notification %s: attempt %d failed: %s", claim.guid, claim.attempts, error)
