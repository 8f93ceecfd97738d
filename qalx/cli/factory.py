"""`qalx factory-validate` and `qalx factory-pack` (runtime-contract §7).

Where qalx differs from pyqalx 0.19.2, on purpose: a failure ends with its message and exit 1
(pyqalx printed it in red and exited 0); `-p` is short for `--plan`; an unknown `--stage` is
named with the stages the plan has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from qalx.cli._common import profiles, user_session
from qalx.errors import QalxFactoryError

if TYPE_CHECKING:
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


COMMANDS = [factory_validate, factory_pack]
