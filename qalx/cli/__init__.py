"""The `qalx` command line: `configure`, `generate-encryption`, `download`, the `bot-*`
commands, `workers-terminate` and the `factory-*` commands (pyqalx's,
runtime-contract §7), `queue` and `server`.

The group options `-u/--user-profile` and `-b/--bot-profile` choose the profiles of ~/.qalx
and ~/.bots for the command after them (`qalx -u dev bot-info calc`). Unlike pyqalx's, the
group is not chained (it holds the `queue` and `server` groups, which click cannot chain): run
one command per invocation. Command modules import only click and `qalx` at the top, so
`qalx --help` stays fast; sessions, rich tables and keys load when a command runs.
"""

from __future__ import annotations

import importlib
from typing import cast

import click

from qalx import __version__
from qalx.cli._common import Profiles

# Commands that live in optional parts of the distribution, imported only when invoked.
# `qalx server` is the one place the SDK and the server meet in code.
LAZY_COMMANDS = {"server": ("qalx_server.cli", "server", "qalx[server]")}


class QalxGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in LAZY_COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, attribute, extra = LAZY_COMMANDS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise click.ClickException(
                f"`qalx {cmd_name}` needs the optional parts: pip install '{extra}' ({exc})"
            ) from None
        return cast(click.Command, getattr(module, attribute))


@click.group(cls=QalxGroup)
@click.option(
    "-u",
    "--user-profile",
    default=Profiles.user,
    show_default=True,
    help="Profile (section) of ~/.qalx for the commands to use.",
)
@click.option(
    "-b",
    "--bot-profile",
    default=Profiles.bot,
    show_default=True,
    help="Profile (section) of ~/.bots for the commands to use.",
)
@click.version_option(__version__, prog_name="qalx")
@click.pass_context
def main(ctx: click.Context, user_profile: str, bot_profile: str) -> None:
    """qalx: store engineering data and files, queue them, and run bots over them."""
    ctx.obj = Profiles(user=user_profile, bot=bot_profile)


def _register() -> None:
    from qalx.cli import bots, configure, download, factory, factory_bootstrap
    from qalx.cli.queue import queue

    main.add_command(queue)
    for module in (bots, configure, download, factory, factory_bootstrap):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
