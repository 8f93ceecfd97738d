"""`qalx factory-bootstrap`: what an AWS factory instance runs at boot (its user data) to start
its sector's bots. The options keep pyqalx's bootstrap script's names.

It writes `bootstrap.log` in the system temporary folder, whose first character is the exit
code (0 started, 1 failed) that the user data reports to CloudFormation, then the outcome.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click


@click.command("factory-bootstrap")
@click.option("--factory_guid", "factory_guid", required=True, help="The factory being built.")
@click.option("--sector_name", "sector_name", required=True, help="This instance's sector.")
@click.option(
    "--profile_name", "profile_name", default=None, help="The AWS profile (else the default chain)."
)
@click.option("--region_name", "region_name", required=True, help="The AWS region.")
@click.option(
    "--instance_name",
    "instance_name",
    required=True,
    help="Prefix of this instance's SSM parameters and secrets.",
)
def factory_bootstrap(
    factory_guid: str,
    sector_name: str,
    profile_name: str | None,
    region_name: str,
    instance_name: str,
) -> None:
    """Start this instance's bots of the factory's sector (run by the instance at boot)."""
    from qalx.errors import QalxError
    from qalx.factories._bootstrap import BOOTSTRAP_LOG, bootstrap_bots

    log = Path(tempfile.gettempdir()) / BOOTSTRAP_LOG
    try:
        started = bootstrap_bots(
            factory_guid, sector_name, profile_name, region_name, instance_name
        )
    except QalxError as exc:
        log.write_text(f"1 {exc}\n")
        raise click.ClickException(str(exc)) from None
    pids = ", ".join(str(p.pid) for p in started)
    log.write_text(f"0 started {len(started)} bots of sector {sector_name}: {pids}\n")
    click.echo(f"Started {len(started)} bots of sector {sector_name} (pids {pids}).")


COMMANDS = [factory_bootstrap]
