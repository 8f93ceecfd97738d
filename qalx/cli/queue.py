"""`qalx queue ...`: watch queues and repair their dead letters, through the API."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
import httpx
from rich.console import Console
from rich.table import Table

from qalx.config import UserConfig
from qalx.errors import QalxConfigError, QalxConfigFileNotFound, QalxConfigProfileNotFound
from qalx_api_client import AuthenticatedClient, models
from qalx_api_client.api.queue import (
    get_queue_stats,
    list_dead_letters,
    list_queues,
    replay_dead_letters,
)
from qalx_api_client.types import Response, Unset

T = TypeVar("T")


@contextmanager
def api(profile: str) -> Iterator[AuthenticatedClient]:
    try:
        config = load_user_config(profile)
        base_url, token = config.base_url, config.token
    except QalxConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if not token:
        raise click.ClickException(
            f"no TOKEN in profile [{profile}]: set QALX_USER_TOKEN or add it to ~/.qalx"
        )
    client = AuthenticatedClient(base_url=base_url, token=token, prefix="Token")
    try:
        with client:
            yield client
    except httpx.TransportError as exc:
        raise click.ClickException(f"cannot reach {base_url}: {exc}") from None


def load_user_config(profile: str) -> UserConfig:
    """Defaults, `QALX_USER_*` and the profile of ~/.qalx. The default profile may be missing
    (with the file itself) when the environment configures everything; a named one may not."""
    config = UserConfig()
    try:
        config.from_inifile(profile)
    except (QalxConfigFileNotFound, QalxConfigProfileNotFound):
        if profile != UserConfig.default:
            raise
    return config


def answer(response: Response[Any], expected: type[T], what: str) -> T:
    """The parsed answer, or a clear error naming what failed and why."""
    parsed = response.parsed
    if not isinstance(parsed, expected):
        detail: object = response.content[:300]
        if isinstance(parsed, models.Error):
            detail = parsed.detail if isinstance(parsed.detail, str) else parsed.to_dict()
        raise click.ClickException(f"{what}: {response.status_code} {detail!s}")
    return parsed


def find_queue(client: AuthenticatedClient, name: str) -> models.Queue:
    page = answer(
        list_queues.sync_detailed(client=client, query=json.dumps({"name": name}), limit=2),
        models.QueueList,
        f"looking up queue {name!r}",
    )
    if not page.data:
        raise click.ClickException(f"no queue named {name!r}")
    return page.data[0]


def _guid(queue: models.Queue) -> uuid.UUID:
    ref = queue.guid
    if isinstance(ref, models.BinaryGuid):  # BSON binary subtype 4, as another server may send
        return uuid.UUID(bytes=base64.b64decode(ref.binary))
    return uuid.UUID(hex=ref.uuid)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


def _when(value: models.OptionalDateTime | models.DateTime | Unset | None) -> str:
    if not isinstance(value, models.OptionalDateTime | models.DateTime):
        return "-"
    import datetime as dt

    return dt.datetime.fromtimestamp(value.date / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


profile_option = click.option(
    "--profile", default=UserConfig.default, show_default=True, help="Profile of ~/.qalx to use."
)


@click.group()
def queue() -> None:
    """Watch queues: depth, messages in flight, dead letters; replay dead letters."""


@queue.command("list")
@profile_option
def list_command(profile: str) -> None:
    """Every queue with its numbers."""
    with api(profile) as client:
        page = answer(
            list_queues.sync_detailed(client=client, limit=1000), models.QueueList, "listing queues"
        )
        table = Table("name", "guid", "depth", "in flight", "dead letters", "oldest")
        for found in page.data:
            stats = answer(
                get_queue_stats.sync_detailed(_guid(found), client=client),
                models.QueueStats,
                "stats",
            )
            table.add_row(
                str(found.name),
                str(_guid(found)),
                str(stats.depth),
                str(stats.in_flight),
                str(stats.dead_letters),
                _age(stats.oldest_age_seconds),
            )
    Console().print(table)


@queue.command("show")
@click.argument("name")
@profile_option
def show(name: str, profile: str) -> None:
    """One queue: its settings, where it lives, and its numbers."""
    with api(profile) as client:
        found = find_queue(client, name)
        stats = answer(
            get_queue_stats.sync_detailed(_guid(found), client=client), models.QueueStats, "stats"
        )
    parameters = found.parameters.to_dict() if not isinstance(found.parameters, Unset) else {}
    info = found.info.to_dict() if not isinstance(found.info, Unset) else {}
    table = Table(show_header=False)
    table.add_row("name", name)
    table.add_row("guid", str(_guid(found)))
    table.add_row("queue url", str(info.get("queue_url", "-")))
    defaults = models.QueueParameters()  # the spec's defaults, what the server applies
    visibility = parameters.get("VisibilityTimeout", defaults.visibility_timeout)
    receives = parameters.get("maxReceiveCount", defaults.max_receive_count)
    table.add_row("visibility timeout", f"{visibility} s")
    table.add_row("max receive count", str(receives))
    table.add_row("depth", str(stats.depth))
    table.add_row("in flight", str(stats.in_flight))
    table.add_row("dead letters", str(stats.dead_letters))
    table.add_row("oldest message", _age(stats.oldest_age_seconds))
    Console().print(table)


def _body(letter: models.DeadLetter) -> dict[str, Any]:
    try:
        parsed = json.loads(letter.body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _failures(letter: models.DeadLetter) -> str:
    """How many failures workers recorded (`-` from a server that does not record them)."""
    return "-" if isinstance(letter.failures, Unset) else str(letter.failures)


def _last_failure(letter: models.DeadLetter) -> str:
    """The newest recorded failure: where and when, then the error itself."""
    last = letter.last_failure
    if isinstance(last, Unset):
        return "-"
    step = "" if isinstance(last.step, Unset) else f"{last.step}, "
    return f"{last.error} ({step}{_when(last.at)})"


@queue.command("dead-letters")
@click.argument("name")
@click.option("--limit", default=100, show_default=True, help="At most this many, oldest first.")
@profile_option
def dead_letters(name: str, limit: int, profile: str) -> None:
    """Messages received too often without being deleted (jobs that kept failing), with how
    often their jobs failed and the last error, where the server records them."""
    with api(profile) as client:
        found = find_queue(client, name)
        letters = answer(
            list_dead_letters.sync_detailed(_guid(found), client=client, limit=limit),
            models.DeadLetterList,
            "listing dead letters",
        ).data
    table = Table(
        "message id",
        "entity",
        "entity guid",
        "received",
        "failures",
        "last error",
        "sent",
        "first received",
    )
    for letter in letters:
        body = _body(letter)
        table.add_row(
            letter.message_id,
            str(body.get("entity_type", "?")),
            str(body.get("entity_guid", "?")),
            str(letter.receive_count),
            _failures(letter),
            _last_failure(letter),
            _when(letter.sent),
            _when(letter.first_received),
        )
    Console().print(table)
    click.echo(f"{len(letters)} dead letter(s) in {name!r}")


@queue.command("replay")
@click.argument("name")
@click.argument("ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Replay every dead letter.")
@profile_option
def replay(name: str, ids: tuple[str, ...], everything: bool, profile: str) -> None:
    """Send dead letters back to their queue: all, or those given by message id or by the
    guid of the entity they carry."""
    if everything == bool(ids):
        raise click.UsageError("give --all or some message ids / entity guids, not both")
    with api(profile) as client:
        found = find_queue(client, name)
        guid = _guid(found)
        if everything:
            body = models.Replay.from_dict({"all": True})
        else:
            letters = answer(
                list_dead_letters.sync_detailed(guid, client=client, limit=1000),
                models.DeadLetterList,
                "listing dead letters",
            ).data
            wanted = set(ids)
            chosen = [
                letter.message_id
                for letter in letters
                if letter.message_id in wanted or _body(letter).get("entity_guid") in wanted
            ]
            if not chosen:
                raise click.ClickException(f"no dead letter in {name!r} matches {', '.join(ids)}")
            body = models.Replay.from_dict({"message_ids": chosen})
        moved = answer(
            replay_dead_letters.sync_detailed(guid, client=client, body=body),
            models.ReplayResult,
            "replay",
        )
    click.echo(f"replayed {len(moved.replayed)} message(s) to {name!r}")
