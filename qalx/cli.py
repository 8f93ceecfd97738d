"""The `qalx` command line."""

from __future__ import annotations

import click

from qalx import __version__


@click.group()
@click.version_option(__version__, prog_name="qalx")
def main() -> None:
    """qalx: store engineering data and files, queue them, and run bots over them."""
