"""The `qalx` command line."""

from __future__ import annotations

import importlib
from typing import cast

import click

from qalx import __version__

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
@click.version_option(__version__, prog_name="qalx")
def main() -> None:
    """qalx: store engineering data and files, queue them, and run bots over them."""


def _register() -> None:
    from qalx.cli.queue import queue

    main.add_command(queue)


_register()
