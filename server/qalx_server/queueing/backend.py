"""The one interface the REST layer uses for the queues behind queue entities."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

import attrs
from sqlalchemy import Connection

from qalx_server.queue_model import DeadLetter, QueueCredentials, QueueStats


class QueueNotFound(LookupError):
    """The queue entity has no queue behind it (any more)."""


class QueueUnavailable(Exception):
    """The queue service failed; the message names the queue and what went wrong."""


class QueueConflict(Exception):
    """The queue's name is taken by something that is not this company's queue."""


@attrs.frozen
class Company:
    id: int
    guid: str


@attrs.frozen
class QueueAccess:
    """What a queue entity hands out so a client can speak SQS to its queue."""

    queue_url: str
    credentials: QueueCredentials
    endpoint_url: str | None
    """Where to send SQS calls; None means Amazon SQS itself (boto3's default endpoint)."""
    region: str


class QueueBackend(Protocol):
    """Create, reach, watch and repair the queue of a qalx queue entity.

    Every method takes the REST layer's open connection: the built-in broker keeps its queues
    in the same database and joins the entity's transaction; Amazon SQS ignores it.
    """

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
        """Create the queue and its dead-letter companion (or update their settings)."""

    def delete(self, conn: Connection, company: Company, name: str) -> None:
        """Remove the queue, its companion and every message in them."""

    def revoke(self, conn: Connection, *, bot_guid: str) -> None:
        """Stop a deleted bot's queue credentials working, where the backend can."""

    def access(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        bot_guid: str | None,
        base_url: str,
    ) -> QueueAccess:
        """The queue's URL and fresh credentials scoped to this company (and bot)."""

    def access_many(
        self,
        conn: Connection,
        company: Company,
        names: Sequence[str],
        *,
        bot_guid: str | None,
        base_url: str,
    ) -> list[QueueAccess]:
        """`access` for each of `names` (a page of queues), in order; a backend whose
        credentials cover every queue of the company issues them once."""

    def stats(self, conn: Connection, company: Company, name: str) -> QueueStats: ...

    def dead_letters(
        self, conn: Connection, company: Company, name: str, *, limit: int
    ) -> list[DeadLetter]: ...

    def replay(
        self,
        conn: Connection,
        company: Company,
        name: str,
        *,
        message_ids: Collection[str] | None,
    ) -> list[str]:
        """Move dead letters back to the queue: those with `message_ids`, or all (None).
        Returns the ids moved."""
