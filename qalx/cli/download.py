"""`qalx download GUID`: save an item's file, or a factory's plan (runtime-contract §7).

Where qalx differs from pyqalx 0.19.2, on purpose: `DOWNLOAD_DIR` is made when it is missing
(pyqalx meant to and never did), and a missing entity or file ends with exit 1.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import click

from qalx.cli._common import user_session
from qalx.errors import QalxAPIResponseError, QalxError


@click.command("download")
@click.argument("guid")
@click.option(
    "-d",
    "--directory",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="The directory to save into (default: the profile's DOWNLOAD_DIR).",
)
@click.option(
    "-e",
    "--entity-type",
    type=click.Choice(["item", "factory"], case_sensitive=False),
    default="item",
    show_default=True,
    help="The kind of entity the file belongs to.",
)
@click.pass_context
def download(ctx: click.Context, guid: str, directory: str | None, entity_type: str) -> None:
    """Save the file of the item (or factory plan) GUID to a directory."""
    try:
        wanted = uuid.UUID(guid)
    except ValueError:
        raise click.BadParameter(f"{guid!r} is not a guid", param_hint="GUID") from None
    entity_type = entity_type.lower()
    with user_session(ctx) as session:
        target = directory if directory is not None else session.config.download_dir
        try:
            Path(target).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.ClickException(f"cannot make the directory {target}: {exc}") from None
        adapter = session.item if entity_type == "item" else session.factory
        try:
            entity = adapter.get(wanted)
        except QalxAPIResponseError as exc:
            if str(exc.status_code) == "404":
                raise click.ClickException(f"no {entity_type} with guid {wanted}") from None
            raise
        try:
            saved = entity.save_file_to_disk(target)
        except QalxError as exc:
            if not entity.get(entity._file_key):
                raise click.ClickException(f"{entity_type} {wanted} has no file") from None
            raise click.ClickException(f"downloading the file of {wanted}: {exc}") from None
    click.echo(f"Saved {saved}")


COMMANDS = [download]
