"""The built-in broker behind queue entities: queues and messages in the server's database,
spoken to over SQS at `<server>/sqs`."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection

from qalx_server import broker
from qalx_server.queue_model import DeadLetter, QueueStats

from .backend import Company, QueueAccess, QueueNotFound


@contextmanager
def _known(name: str) -> Iterator[None]:
    try:
        yield
    except broker.UnknownQueue:
        raise QueueNotFound(f"queue {name!r} has no broker queue") from None


class BuiltinQueueBackend:
    def __init__(self, engine: broker.Broker, region: str) -> None:
        self.broker = engine
        self.region = region

    def create(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        visibility_timeout: int,
        max_receive_count: int,
        base_url: str,
    ) -> None:
        broker.create_queue(
            conn,
            company.id,
            company.guid,
            name,
            base_url=base_url,
            visibility_timeout=visibility_timeout,
            max_receive_count=max_receive_count,
        )

    def delete(self, conn: Connection, company: Company, name: str) -> None:
        broker.delete_queue(conn, company.id, name)

    def revoke(self, conn: Connection, *, bot_guid: str) -> None:
        broker.revoke_credentials(conn, bot_guid=bot_guid)

    def access(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        bot_guid: str | None,
        base_url: str,
    ) -> QueueAccess:
        return self.access_many(conn, company, [name], bot_guid=bot_guid, base_url=base_url)[0]

    def access_many(
        self,
        conn: Connection,
        company: Company,
        names: Sequence[str],
        *,
        bot_guid: str | None,
        base_url: str,
    ) -> list[QueueAccess]:
        """One set of credentials for the page: the broker's cover all the company's queues."""
        if not names:
            return []
        credentials = self.broker.issue_credentials(conn, company.id, bot_guid=bot_guid)
        return [
            QueueAccess(
                queue_url=broker.qalx_queue_url(company.guid, name, base_url=base_url),
                credentials=credentials,
                endpoint_url=broker.endpoint_url(base_url),
                region=self.region,
            )
            for name in names
        ]

    def stats(self, conn: Connection, company: Company, name: str) -> QueueStats:
        with _known(name):
            return broker.queue_stats(conn, company.id, name)

    def dead_letters(
        self, conn: Connection, company: Company, name: str, *, limit: int
    ) -> list[DeadLetter]:
        with _known(name):
            return broker.list_dead_letters(conn, company.id, name, limit=limit)

    def replay(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        message_ids: Collection[str] | None,
    ) -> list[str]:
        with _known(name):
            return broker.replay_dead_letters(
                conn, company.id, name, message_ids=message_ids, everything=message_ids is None
            )
