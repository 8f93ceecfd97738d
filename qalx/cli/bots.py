"""`qalx bot-start`, `bot-stop`, `bot-resume`, `bot-terminate`, `workers-terminate` and
`bot-info` (runtime-contract §7).

Where qalx differs from pyqalx 0.19.2's command line, on purpose: every failure (a bad TARGET
or class option, no bot of that name, a `QalxError` from the SDK or from `Bot.start`) ends with
a message and a non-zero exit code, where pyqalx printed and exited 0; when several bots match,
`--index N` chooses one without a prompt, and without a terminal the command fails naming
`--index` instead of waiting for an answer; every matching bot is read (pyqalx showed pages
of 25); `--meta` values keep their inner spaces (pyqalx removed every space); `bot-info` also
lists each worker.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from qalx.cli._common import KEY_VALUE, ImportPath, profiles, sdk_errors, user_session
from qalx.errors import QalxConfigFileNotFound, QalxConfigProfileNotFound, QalxError
from qalx.signals import QalxSignal

if TYPE_CHECKING:
    from rich.table import Table

    from qalx.entities import Bot
    from qalx.session import QalxSession

DASH = "-"


# -- which bots a command acts on ------------------------------------------------------------
def _can_stop(worker: Mapping[str, Any]) -> bool:
    signal = QalxSignal(worker)
    return not signal.terminate and not signal.stop


def _can_resume(worker: Mapping[str, Any]) -> bool:
    signal = QalxSignal(worker)
    return signal.stop and not signal.terminate


def _can_terminate(worker: Mapping[str, Any]) -> bool:
    return not QalxSignal(worker).terminate


#: verb → (a worker that lets its bot qualify, what qualifying bots have, for messages)
SELECTIONS: dict[str, tuple[Callable[[Mapping[str, Any]], bool], str]] = {
    "stop": (_can_stop, "workers that are neither stopped nor terminated"),
    "resume": (_can_resume, "stopped workers that are not terminated"),
    "terminate": (_can_terminate, "workers that are not terminated"),
}


def _interactive() -> bool:
    """Whether a person can answer a prompt (tests replace this)."""
    return sys.stdin.isatty()


def find_bots(session: QalxSession, name: str) -> list[Bot]:
    """Every bot called `name` (session tags apply), oldest first."""
    return list(session.bot.find_all({"name": name}, sort="info.created.on"))


def choose_bot(session: QalxSession, name: str, verb: str, index: int | None) -> Bot:
    """The bot called `name` that `verb` applies to (see `SELECTIONS`): the only one, the
    `index`-th (from 1, in the order of the table), or the one picked at a prompt."""
    qualifies, having = SELECTIONS[verb]
    every = find_bots(session, name)
    if not every:
        raise click.ClickException(f"no bot called {name!r}")
    bots = [bot for bot in every if any(qualifies(w) for w in bot.workers)]
    if not bots:
        raise click.ClickException(
            f"no bot called {name!r} has {having} ({len(every)} bot(s) of that name)"
        )
    if index is not None:
        if index > len(bots):
            raise click.ClickException(
                f"--index {index}: only {len(bots)} bot(s) called {name!r} have {having}"
            )
        return bots[index - 1]
    if len(bots) == 1:
        return bots[0]
    _print(bots_table(bots, title=f"Bots called {name!r} with {having}"))
    if not _interactive():
        raise click.ClickException(
            f"{len(bots)} bots called {name!r} can {verb}: choose one with --index N"
            f" (1 to {len(bots)}, as in the table)"
        )
    chosen: int = click.prompt(
        f"Index of the bot to {verb}", type=click.IntRange(1, len(bots)), prompt_suffix=": "
    )
    return bots[chosen - 1]


# -- tables ---------------------------------------------------------------------------------
def _print(table: Table) -> None:
    from rich.console import Console

    Console(highlight=False).print(table)


def _when(value: Any) -> str:
    """A time as UTC `YYYY-MM-DD HH:MM:SS`: a datetime (naive ones are taken as UTC), or
    seconds since the epoch; anything else as it is, nothing as `-`."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return str(value.strftime("%Y-%m-%d %H:%M:%S"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return _shown(value)


def _shown(value: Any) -> str:
    return DASH if value is None or value == "" else str(value)


def _get(mapping: Any, *path: str) -> Any:
    """`mapping[path[0]][path[1]]...`, or None where a step is missing."""
    for key in path:
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def _created_by(bot: Mapping[str, Any]) -> str:
    by = _get(bot, "info", "created", "by")
    if not isinstance(by, Mapping):
        return DASH
    return _shown(by.get("email") or by.get("guid"))


def bot_row(index: int, bot: Bot) -> list[str]:
    workers = bot.workers
    active = sum(1 for w in workers if w.get("state") == "active")
    return [
        str(index),
        _shown(bot.get("name")),
        _shown(bot.get("state")),
        _shown(_get(bot, "host", "platform")),
        _shown(_get(bot, "host", "node")),
        f"{active}/{len(workers)}",
        _when(_get(bot, "info", "created", "on")),
        _created_by(bot),
    ]


BOT_COLUMNS = [
    "Index",
    "Name",
    "State",
    "Platform",
    "Node",
    "Workers (active/total)",
    "Created on (UTC)",
    "Created by",
]


def bots_table(bots: list[Bot], title: str | None = None) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(*BOT_COLUMNS, title=title)
    for index, bot in enumerate(bots, start=1):
        table.add_row(*(Text(cell) for cell in bot_row(index, bot)))
    return table


def _job(job: Any) -> tuple[str, str]:
    """(`<entity type> <guid>`, since when) of a worker's current `job`."""
    if not isinstance(job, Mapping):
        return (DASH, DASH) if not job else (str(job), DASH)
    kind, guid = job.get("entity_type"), job.get("entity_guid")
    what = " ".join(str(part) for part in (kind, guid) if part) or DASH
    return what, _when(job.get("since"))


def worker_row(bot_index: int, index: int, worker: Mapping[str, Any]) -> list[str]:
    """One worker: which bot, its index, state (any string, such as `lost`), status message,
    current job and since when, jobs done and failed, last seen. The last five come from the
    worker keys `job` (`{entity_type, entity_guid, since}`), `jobs_done`, `jobs_failed` and
    `last_seen`, shown as `-` when the worker has none."""
    job, since = _job(worker.get("job"))
    return [
        str(bot_index),
        str(index),
        _shown(worker.get("state")),
        _shown(_get(worker, "status", "message")),
        job,
        since,
        _shown(worker.get("jobs_done")),
        _shown(worker.get("jobs_failed")),
        _when(worker.get("last_seen")),
    ]


WORKER_COLUMNS = [
    "Bot",
    "Worker",
    "State",
    "Status",
    "Current job",
    "Since (UTC)",
    "Jobs done",
    "Jobs failed",
    "Last seen (UTC)",
]

_STATE_STYLES = {"active": "green", "stopped": "yellow", "terminated": "dim", "lost": "bold red"}


def workers_table(bots: list[Bot]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(*WORKER_COLUMNS, title="Workers")
    for bot_index, bot in enumerate(bots, start=1):
        for index, worker in enumerate(bot.workers, start=1):
            row = worker_row(bot_index, index, worker)
            cells = [Text(cell) for cell in row]
            cells[2].stylize(_STATE_STYLES.get(row[2], ""))
            table.add_row(*cells)
    return table


# -- commands -------------------------------------------------------------------------------
index_option = click.option(
    "--index",
    type=click.IntRange(min=1),
    default=None,
    help="When several bots match, act on this one (from 1, as in the table) without asking.",
)


@click.command("bot-start")
@click.argument("target", type=ImportPath("qalx.bot:Bot", instance=True))
@click.option(
    "-q", "--queue-name", required=True, help="The queue to read from (made if it is missing)."
)
@click.option(
    "-p",
    "--processes",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many worker processes to run.",
)
@click.option(
    "--skip-ini/--no-skip-ini",
    default=False,
    show_default=True,
    help="Ignore ~/.qalx and ~/.bots: configure from QALX_USER_*/QALX_BOT_* variables only.",
)
@click.option(
    "--qalx-session-class",
    type=ImportPath("qalx:QalxSession"),
    default=None,
    help="A QalxSession subclass to use, as dotted.module:Class.",
)
@click.option(
    "--user-config-class",
    type=ImportPath("qalx:UserConfig"),
    default=None,
    help="A UserConfig subclass to use, as dotted.module:Class.",
)
@click.option(
    "--bot-config-class",
    type=ImportPath("qalx:BotConfig"),
    default=None,
    help="A BotConfig subclass to use, as dotted.module:Class.",
)
@click.option(
    "--entity-class",
    "entity_classes",
    type=ImportPath("qalx:QalxEntity"),
    multiple=True,
    help="A QalxEntity subclass to register, as dotted.module:Class (repeatable).",
)
@click.option("--stop", is_flag=True, help="Start the workers stopped (resume them later).")
@click.option(
    "--meta",
    type=KEY_VALUE,
    multiple=True,
    help="key=value stored in the bot's meta (repeatable); values that parse as JSON are"
    " stored parsed.",
)
@click.option(
    "--workflow",
    multiple=True,
    help="A bot to pass each finished job's entity on to (repeatable, in order).",
)
@click.pass_context
def bot_start(
    ctx: click.Context,
    target: Any,
    queue_name: str,
    processes: int,
    skip_ini: bool,
    qalx_session_class: type[Any] | None,
    user_config_class: type[Any] | None,
    bot_config_class: type[Any] | None,
    entity_classes: tuple[type[Any], ...],
    stop: bool,
    meta: tuple[tuple[str, Any], ...],
    workflow: tuple[str, ...],
) -> None:
    """Start the bot TARGET, given as dotted.module:attribute naming a qalx.bot.Bot (for
    example `calc:bot` for the `bot` of ./calc.py); runs until its workers exit."""
    chosen = profiles(ctx)
    click.echo(f"Starting {target.name} reading from {queue_name} with {processes} workers.")
    try:
        target.start(
            queue_name,
            processes=processes,
            qalx_session_class=qalx_session_class,
            user_config_class=user_config_class,
            bot_config_class=bot_config_class,
            entity_classes=list(entity_classes),
            user_profile_name=chosen.user,
            bot_profile_name=chosen.bot,
            skip_ini=skip_ini,
            stop=stop,
            meta=dict(meta) if meta else None,
            workflow=list(workflow),
        )
    except (QalxConfigFileNotFound, QalxConfigProfileNotFound) as exc:
        raise click.ClickException(
            f"bot start failed: {exc} (write it with `qalx configure`, or give --skip-ini to"
            " configure from QALX_USER_*/QALX_BOT_* variables only)"
        ) from None
    except QalxError as exc:
        raise click.ClickException(f"bot start failed: {exc}") from None
    if target.failed_workers:
        codes = ", ".join(
            f"worker {i}: exit {target.worker_exit_codes[i]}" for i in target.failed_workers
        )
        raise click.ClickException(f"bot {target.name!r}: workers failed ({codes}); see their logs")


@click.command("bot-stop")
@click.argument("name")
@index_option
@click.pass_context
def bot_stop(ctx: click.Context, name: str, index: int | None) -> None:
    """Stop the bot called NAME: its workers finish their job, then take no more until
    resumed. Bots qualify when a worker is neither stopped nor terminated."""
    with user_session(ctx) as session:
        bot = choose_bot(session, name, "stop", index)
        session.bot.stop(bot)
    click.echo(f"Stopping {name}.")


@click.command("bot-resume")
@click.argument("name")
@index_option
@click.pass_context
def bot_resume(ctx: click.Context, name: str, index: int | None) -> None:
    """Resume the bot called NAME: its stopped workers take jobs again. Bots qualify when a
    worker is stopped and not terminated."""
    with user_session(ctx) as session:
        bot = choose_bot(session, name, "resume", index)
        session.bot.resume(bot)
    click.echo(f"Resuming {name}.")


def _terminate_kind(cold: bool, requeue_job: bool) -> str:
    if requeue_job and not cold:
        raise click.UsageError("--requeue-job needs --cold (a warm exit finishes the job)")
    return ("cold, requeueing the job in hand" if requeue_job else "cold") if cold else "warm"


cold_options = [
    click.option(
        "--cold",
        is_flag=True,
        help="Exit at once, mid-job (default: warm, after the job in hand).",
    ),
    click.option(
        "--requeue-job",
        is_flag=True,
        help="With --cold: put the job in hand back on the queue instead of deleting it.",
    ),
]


def _with_cold_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(cold_options):
        command = option(command)
    return command


@click.command("bot-terminate")
@click.argument("name")
@_with_cold_options
@index_option
@click.pass_context
def bot_terminate(
    ctx: click.Context, name: str, cold: bool, requeue_job: bool, index: int | None
) -> None:
    """Terminate the bot called NAME: every worker exits, warm (after its job) unless
    --cold. Bots qualify when a worker is not terminated yet."""
    kind = _terminate_kind(cold, requeue_job)
    with user_session(ctx) as session:
        bot = choose_bot(session, name, "terminate", index)
        session.bot.terminate(bot, warm=not cold, requeue_job=requeue_job)
        platform = _shown(_get(bot, "host", "platform"))
    click.echo(
        f"Terminate signal ({kind}) sent to {name} ({platform}). Workers may take some time"
        " to exit."
    )


@click.command("workers-terminate")
@click.argument("bot_name")
@click.argument("number", type=click.IntRange(min=1))
@_with_cold_options
@index_option
@click.pass_context
def workers_terminate(
    ctx: click.Context,
    bot_name: str,
    number: int,
    cold: bool,
    requeue_job: bool,
    index: int | None,
) -> None:
    """Terminate the first NUMBER workers (in the bot's order) of the bot called BOT_NAME,
    warm unless --cold. Bots qualify as for bot-terminate."""
    _terminate_kind(cold, requeue_job)
    with user_session(ctx) as session:
        bot = choose_bot(session, bot_name, "terminate", index)
        workers = bot.workers
        if number > len(workers):
            raise click.ClickException(
                f"{number} is more than the number of workers of {bot_name} ({len(workers)})"
            )
        for n, worker in enumerate(workers[:number], start=1):
            with sdk_errors(f"terminating worker {n}"):
                session.worker.terminate(
                    worker, bot_entity=bot, warm=not cold, requeue_job=requeue_job
                )
            click.echo(f"Terminated worker number {n}.")


@click.command("bot-info")
@click.argument("name")
@click.pass_context
def bot_info(ctx: click.Context, name: str) -> None:
    """Show every bot called NAME (oldest first), then each of their workers: state, status,
    current job, jobs done and failed, last seen."""
    with user_session(ctx) as session:
        bots = find_bots(session, name)
    if not bots:
        raise click.ClickException(f"no bot called {name!r}")
    _print(bots_table(bots, title=f"Bots called {name!r}"))
    if any(bot.workers for bot in bots):
        _print(workers_table(bots))
    else:
        click.echo("No workers.")


COMMANDS = [bot_start, bot_stop, bot_resume, bot_terminate, workers_terminate, bot_info]
