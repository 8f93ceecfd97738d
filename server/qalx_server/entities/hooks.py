"""What some entity types do beyond storing their document: a queue entity owns a broker
queue, a deleted bot loses its token and its queue credentials, and a notification is
e-mailed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from qalx_server.auth.admin import create_bot_token, revoke_bot_tokens
from qalx_server.auth.principal import Principal
from qalx_server.notifications import InvalidNotification, Notifier, check_notification
from qalx_server.notifications import deliveries as notification_deliveries
from qalx_server.queue_model import DEFAULT_MAX_RECEIVE_COUNT, DEFAULT_VISIBILITY_TIMEOUT
from qalx_server.queueing import Company, QueueAccess, QueueBackend
from qalx_server.store.query import from_python

from .errors import Invalid
from .failures import JobFailures
from .records import Stored
from .seen import Liveness


class Hooks:
    """No extra behaviour (the default for every type)."""

    writes_on_read = False
    """True when answering needs a write (issuing queue credentials)."""

    def inserted(
        self, conn: Connection, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        """Runs in the create's transaction; may return keys for the answer's `info`."""
        return None

    def committed(self, stored: Stored) -> None:
        """Runs after the create's transaction has committed."""

    def updating(
        self,
        conn: Connection,
        who: Principal,
        before: Mapping[str, Any],
        stored: Stored,
        base_url: str,
    ) -> None:
        pass

    def removing(self, conn: Connection, who: Principal, stored: Stored, *, deleting: bool) -> None:
        pass

    def info(
        self, conn: Connection, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        """Keys added to the answer's `info` (computed per answer, never stored)."""
        return None

    def infos(
        self, conn: Connection, who: Principal, page: Sequence[Stored], base_url: str
    ) -> list[Mapping[str, Any] | None]:
        """`info` for each entity of a listed page, in order (a type may answer them at once)."""
        return [self.info(conn, who, stored, base_url) for stored in page]

    def shown(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The document as answered (before any projection); `doc` is the caller's copy."""
        return doc


def _company(who: Principal) -> Company:
    return Company(who.company_id, who.company_guid)


def _backend_error(exc: Exception) -> Invalid:
    return Invalid(f"queue: {exc}")


class QueueHooks(Hooks):
    writes_on_read = True

    def __init__(self, backend: QueueBackend, failures: JobFailures) -> None:
        self.backend = backend
        self.failures = failures

    def _create(
        self, conn: Connection, who: Principal, doc: Mapping[str, Any], base_url: str
    ) -> None:
        parameters = doc.get("parameters") or {}
        try:
            self.backend.create(
                conn,
                _company(who),
                doc["name"],
                visibility_timeout=int(
                    parameters.get("VisibilityTimeout", DEFAULT_VISIBILITY_TIMEOUT)
                ),
                max_receive_count=int(parameters.get("maxReceiveCount", DEFAULT_MAX_RECEIVE_COUNT)),
                base_url=base_url,
            )
        except ValueError as exc:
            raise _backend_error(exc) from None

    def inserted(
        self, conn: Connection, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        self._create(conn, who, stored.doc, base_url)
        return None

    def updating(
        self,
        conn: Connection,
        who: Principal,
        before: Mapping[str, Any],
        stored: Stored,
        base_url: str,
    ) -> None:
        if stored.doc.get("name") != before.get("name"):
            raise Invalid(
                f"name: a queue cannot be renamed (from {before.get('name')!r}); "
                "create a new queue instead"
            )
        if stored.doc.get("parameters") != before.get("parameters"):
            self._create(conn, who, stored.doc, base_url)

    def removing(self, conn: Connection, who: Principal, stored: Stored, *, deleting: bool) -> None:
        # Archiving a queue retires it too: its messages and dead letters go. An archived
        # queue's name may already belong to a new queue, so deleting it later touches nothing.
        if not stored.archived:
            self.backend.delete(conn, _company(who), stored.doc["name"])
            self.failures.forget(conn, who.company_id, stored.id)

    def info(
        self, conn: Connection, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        return self.infos(conn, who, [stored], base_url)[0]

    def infos(
        self, conn: Connection, who: Principal, page: Sequence[Stored], base_url: str
    ) -> list[Mapping[str, Any] | None]:
        """Each live queue's URL and credentials; one request's page shares one set of
        credentials where the backend's cover every queue of the company (the broker's)."""
        live = [stored for stored in page if not stored.archived]
        bot = who.guid if who.is_bot else None
        names = [stored.doc["name"] for stored in live]
        accesses = self.backend.access_many(
            conn, _company(who), names, bot_guid=bot, base_url=base_url
        )
        shown = iter([_shown_access(access) for access in accesses])
        return [None if stored.archived else next(shown) for stored in page]


def _shown_access(access: QueueAccess) -> dict[str, Any]:
    """A queue's `info` keys: where it is and how to reach it."""
    credentials = access.credentials
    extra: dict[str, Any] = {
        "queue_url": access.queue_url,
        "credentials": {
            "ACCESS_KEY_ID": credentials.access_key_id,
            "SECRET_ACCESS_KEY": credentials.secret_access_key,
            "SESSION_TOKEN": credentials.session_token,
            "EXPIRATION": from_python(credentials.expiration),
        },
        "region": access.region,
    }
    if access.endpoint_url is not None:
        extra["endpoint_url"] = access.endpoint_url
    return extra


class BotHooks(Hooks):
    def __init__(self, backend: QueueBackend, liveness: Liveness | None = None) -> None:
        self.backend = backend
        self.liveness = liveness or Liveness()

    def shown(self, doc: dict[str, Any]) -> dict[str, Any]:
        return self.liveness.shown_bot(doc)  # workers not seen for too long read as lost

    def inserted(
        self, conn: Connection, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        # The bot's own token: shown in this answer only (it is stored hashed).
        return {"credentials": {"token": create_bot_token(conn, who.company_id, stored.guid)}}

    def removing(self, conn: Connection, who: Principal, stored: Stored, *, deleting: bool) -> None:
        if deleting:
            revoke_bot_tokens(conn, stored.guid)
            self.backend.revoke(conn, bot_guid=stored.guid)


class NotificationHooks(Hooks):
    """Every notification is checked on each write, gets a delivery row when made, and shows
    it as `info.delivery`; a new one wakes this process's sender."""

    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    @staticmethod
    def _check(doc: Mapping[str, Any]) -> None:
        try:
            check_notification(doc)
        except InvalidNotification as exc:
            errors = [{"field": f"body.{exc.field}", "detail": exc.detail}]
            raise Invalid(str(exc), errors) from None

    def inserted(
        self, conn: Connection, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        self._check(stored.doc)
        notification_deliveries.add(
            conn,
            stored.id,
            outbox=not self.notifier.configured,
            now=notification_deliveries.now_ms(),
        )
        return None

    def committed(self, stored: Stored) -> None:
        self.notifier.wake()

    def updating(
        self,
        conn: Connection,
        who: Principal,
        before: Mapping[str, Any],
        stored: Stored,
        base_url: str,
    ) -> None:
        self._check(stored.doc)

    def info(
        self, conn: Connection, who: Principal, stored: Stored, base_url: str
    ) -> Mapping[str, Any] | None:
        delivery = notification_deliveries.render(conn, stored.id)
        return None if delivery is None else {"delivery": delivery}
