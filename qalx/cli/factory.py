"""`qalx factory-validate`, `factory-pack`, `factory-build`, `factory-demolish` and
`factory-info` (runtime-contract §7).

Where qalx differs from pyqalx 0.19.2, on purpose: a failure ends with its message and exit 1
(pyqalx printed it in red and exited 0); `-p` is short for `--plan`; an unknown `--stage` is
named with the stages the plan has; `factory-demolish` takes the factory's guid (or `--name`,
with `--index` when several share it) and `--yes` instead of a prompt; `factory-info` lists
every factory without `--name`; `factory-build --shared-environment` keeps pyqalx's one
environment for every bot (qalx gives each bot's code a virtualenv of its own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from qalx.cli._common import profiles, user_session
from qalx.errors import QalxFactoryError

if TYPE_CHECKING:
    from rich.table import Table

    from qalx.factories import Factory, PackedBot
    from qalx.session import QalxSession

PLAN = click.option(
    "-p",
    "--plan",
    "plan",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The factory plan (YAML) file.",
)
AWS_PROFILE = click.option(
    "-aws",
    "--aws-profile",
    default="default",
    show_default=True,
    help="The AWS profile for aws sectors.",
)


def _factory(ctx: click.Context, session: QalxSession, aws_profile: str) -> Factory:
    from qalx.factories import Factory

    chosen = profiles(ctx)
    return Factory(
        session, user_profile=chosen.user, bot_profile=chosen.bot, aws_profile=aws_profile
    )


@click.command("factory-validate")
@PLAN
@AWS_PROFILE
@click.pass_context
def factory_validate(ctx: click.Context, plan: str, aws_profile: str) -> None:
    """Check a factory plan here and with the API, listing every problem with its line."""
    with user_session(ctx) as session:
        try:
            _factory(ctx, session, aws_profile).validate(plan)
        except QalxFactoryError as exc:
            raise click.ClickException(f"{exc}\nFactory validate failed") from None
    click.echo(f"The plan {plan} is valid.")


@click.command("factory-pack")
@PLAN
@click.option("--stage", default=None, help="The stage whose bots to pack (default: every bot).")
@click.option(
    "--no-delete",
    is_flag=True,
    help="Keep the packed code in FACTORY_PACK_DIR (it is removed by default).",
)
@AWS_PROFILE
@click.pass_context
def factory_pack(
    ctx: click.Context, plan: str, stage: str | None, no_delete: bool, aws_profile: str
) -> None:
    """Validate a plan, then fetch and check the code of its bots (of one stage, or all)."""
    from rich.console import Console

    console = Console(highlight=False)

    def packed(bot: PackedBot) -> None:
        where = bot.requirement if bot.directory is None else bot.directory.name
        console.print(f"  packed {bot.name} ({bot.source}: {where})")
        if bot.warning:
            console.print(f"  [yellow]warning[/yellow]: {bot.name}: {bot.warning}")

    with user_session(ctx) as session:
        factory = _factory(ctx, session, aws_profile)
        try:
            with console.status(f"Packing the bots of {stage or 'every stage'}..."):
                build_dir = factory.pack(plan, stage=stage, delete=not no_delete, on_bot=packed)
        except QalxFactoryError as exc:
            raise click.ClickException(f"{exc}\nFactory pack failed") from None
    if no_delete:
        click.echo(f"Packed into {build_dir}")
    else:
        click.echo(
            "Packed and checked every bot (the packed code was removed; --no-delete keeps it)."
        )


@click.command("factory-build")
@PLAN
@click.option("--stage", required=True, help="The stage of the plan to build.")
@click.option(
    "--shared-environment",
    is_flag=True,
    help="Install every bot into this environment (pyqalx's way) instead of a virtualenv"
    " per bot's code.",
)
@AWS_PROFILE
@click.pass_context
def factory_build(
    ctx: click.Context, plan: str, stage: str, shared_environment: bool, aws_profile: str
) -> None:
    """Build a stage of a factory plan: pack, store and start its bots, then resume them."""
    from rich.console import Console

    console = Console(highlight=False)
    with user_session(ctx) as session:
        factory = _factory(ctx, session, aws_profile)
        try:
            with console.status(f"Building {stage}...") as status:

                def step(line: str) -> None:
                    console.print(f"  {line}")
                    status.update(f"Building {stage}: {line}")

                built = factory.build(
                    plan, stage, shared_environment=shared_environment, on_progress=step
                )
        except QalxFactoryError as exc:
            raise click.ClickException(f"{exc}\nFactory build failed") from None
    click.echo(f"Factory {built.get('name')} ({built.guid}) deployed: stage {stage}.")


@click.command("factory-demolish")
@click.argument("guid", required=False)
@click.option("--name", default=None, help="Find the factory by name instead of by GUID.")
@click.option(
    "--index",
    type=click.IntRange(min=1),
    default=None,
    help="Which of the factories called --name (as factory-info lists them).",
)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def factory_demolish(
    ctx: click.Context, guid: str | None, name: str | None, index: int | None, yes: bool
) -> None:
    """Demolish the factory GUID: terminate its bots, remove what its build made."""
    from rich.console import Console

    if (guid is None) == (name is None):
        raise click.UsageError("give the factory's GUID or --name (one of them)")
    console = Console(highlight=False)
    with user_session(ctx) as session:
        factory = _factory(ctx, session, "default")
        if name is not None:
            found = factory.info(name)
            if not found:
                raise click.ClickException(f"no factory called {name!r}")
            if len(found) > 1 and index is None:
                console.print(_table(found))
                raise click.ClickException(
                    f"{len(found)} factories are called {name!r}: choose one with --index N"
                )
            if index is not None and index > len(found):
                raise click.ClickException(f"--index {index}: only {len(found)} factories")
            guid = str(found[(index or 1) - 1].guid)
        if not yes:
            click.confirm(f"Are you sure you want to demolish factory {guid}?", abort=True)
        try:
            with console.status("Demolishing...") as status:

                def step(line: str) -> None:
                    console.print(f"  {line}")
                    status.update(f"Demolishing: {line}")

                factory.demolish(guid, on_progress=step)
        except QalxFactoryError as exc:
            raise click.ClickException(f"{exc}\nFactory demolish failed") from None
    click.echo(f"Factory {guid} demolished.")


@click.command("factory-info")
@click.option("--name", default=None, help="Only the factories with this name.")
@click.pass_context
def factory_info(ctx: click.Context, name: str | None) -> None:
    """List factories: name, stage, status, guid, when and by whom they were created."""
    from rich.console import Console

    with user_session(ctx) as session:
        found = _factory(ctx, session, "default").info(name)
    if not found and name is not None:
        raise click.ClickException(f"no factory called {name!r}")
    Console(highlight=False).print(_table(found))


def _table(factories: list[Any]) -> Table:
    from rich.table import Table

    from qalx.cli.bots import _created_by, _get, _shown, _when

    table = Table(title="Factories")
    for column in ("Index", "Name", "Stage", "Status", "GUID", "Created On (UTC)", "Created By"):
        table.add_column(column)
    for number, factory in enumerate(factories, start=1):
        table.add_row(
            str(number),
            _shown(factory.get("name")),
            _shown(factory.get("stage")),
            _shown(factory.get("status")),
            str(factory.get("guid")),
            _when(_get(factory, "info", "created", "on")),
            _created_by(factory),
        )
    return table


COMMANDS = [factory_validate, factory_pack, factory_build, factory_demolish, factory_info]
