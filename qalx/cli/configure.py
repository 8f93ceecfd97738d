"""`qalx configure` and `qalx generate-encryption` (runtime-contract §7).

Where qalx differs from pyqalx 0.19.2, on purpose: an existing profile is replaced after a
confirmation (`--yes` skips it) where pyqalx refused; the token is typed hidden; `TOKEN`,
`REGION` or `KEYFILE` given as `KEY=value` are not asked for; `generate-encryption --path`
writes without a prompt, and neither command ever replaces a key file (pyqalx asked again).
"""

from __future__ import annotations

import os
from typing import Any

import click

from qalx.cli._common import KEY_VALUE, profiles, sdk_errors
from qalx.config import BotConfig, Config, UserConfig, _user_data_dir
from qalx.errors import QalxConfigError, QalxConfigFileNotFound, QalxConfigProfileNotFound


def default_key_path() -> str:
    """Where pyqalx put a generated key: `<user data dir>/qalx.key`."""
    return os.path.join(_user_data_dir(), "qalx.key")


def write_key(path: str) -> str:
    """Write a new Fernet key to `path` (mode 0600, parent directories made), never replacing
    a file; return the absolute path."""
    from cryptography.fernet import Fernet

    target = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(target):
        raise click.ClickException(f"{target} exists already: give a path that does not")
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(Fernet.generate_key())
    except OSError as exc:
        raise click.ClickException(f"cannot write the key file {target}: {exc}") from None
    return target


def _ask_key_path() -> str:
    path: str = click.prompt("Where should the key file be saved?", default=default_key_path())
    return path


def _profile_exists(config_class: type[Config], profile: str) -> bool:
    try:
        config_class._load_inifile(profile)
    except (QalxConfigFileNotFound, QalxConfigProfileNotFound):
        return False
    except QalxConfigError as exc:
        raise click.ClickException(str(exc)) from None
    return True


@click.command("configure")
@click.option("--user/--no-user", default=True, show_default=True, help="Write ~/.qalx.")
@click.option("--bot/--no-bot", default=True, show_default=True, help="Write ~/.bots.")
@click.option("-y", "--yes", is_flag=True, help="Replace existing profiles without asking.")
@click.argument("extra", nargs=-1, type=KEY_VALUE)
@click.pass_context
def configure(
    ctx: click.Context, user: bool, bot: bool, yes: bool, extra: tuple[tuple[str, Any], ...]
) -> None:
    """Write the user profile (-u, ~/.qalx) and the bot profile (-b, ~/.bots).

    The user profile asks for the token (hidden), the region and an encryption key file (yours,
    or a new one). EXTRA items KEY=value go into the user profile too, keys upper-cased and
    values that parse as JSON stored parsed: for a self-hosted server, BASE_URL=https://...
    The bot profile is written empty (its settings have defaults). An existing profile is
    replaced, after you confirm (or with --yes).

    \b
    qalx configure                          both default profiles
    qalx -u dev configure --no-bot          the dev user profile only
    qalx configure --no-bot BASE_URL=http://localhost:8000/
    """
    if not user and not bot:
        raise click.UsageError("--no-user with --no-bot leaves nothing to configure")
    chosen = profiles(ctx)
    wanted: list[tuple[type[Config], str]] = []
    if user:
        wanted.append((UserConfig, chosen.user))
    if bot:
        wanted.append((BotConfig, chosen.bot))
    for config_class, profile in wanted:
        if _profile_exists(config_class, profile) and not yes:
            click.confirm(
                f"Profile [{profile}] exists in {config_class.config_path()}: replace it?",
                abort=True,
            )
    if user:
        items = {key.upper(): value for key, value in extra}
        _ask_user_items(items)
        with sdk_errors():
            UserConfig.configure(chosen.user, items)
        click.echo(f"Wrote profile [{chosen.user}] to {UserConfig.config_path()}")
    if bot:
        with sdk_errors():
            BotConfig.configure(chosen.bot)
        click.echo(f"Wrote profile [{chosen.bot}] to {BotConfig.config_path()}")


def _ask_user_items(items: dict[str, Any]) -> None:
    """Fill in TOKEN, REGION and, if wanted, KEYFILE, asking for what `items` lacks."""
    if items.get("TOKEN") in (None, ""):
        items["TOKEN"] = click.prompt("qalx token", hide_input=True)
    regions = UserConfig.REGION_MAPPING["aws"]
    if "REGION" not in items:
        region = click.prompt(
            "Region",
            default=UserConfig.DEFAULT_REGION,
            type=click.Choice(sorted(regions)),
        )
        items["REGION"] = regions[region]
    elif items["REGION"] in regions:
        items["REGION"] = regions[items["REGION"]]
    if "KEYFILE" in items:
        return
    if click.confirm("Do you have an encryption key file?", default=False):
        items["KEYFILE"] = click.prompt(
            "Path of the key file", type=click.Path(exists=True, dir_okay=False)
        )
    elif click.confirm("Do you want to generate an encryption key file?", default=False):
        items["KEYFILE"] = write_key(_ask_key_path())


@click.command("generate-encryption")
@click.option(
    "--path",
    default=None,
    help="Where to write the key (asked for when not given; never replaces a file).",
)
def generate_encryption(path: str | None) -> None:
    """Write a new encryption (Fernet) key file, for KEYFILE= in a profile of ~/.qalx."""
    written = write_key(path if path is not None else _ask_key_path())
    click.echo(
        f"The encryption key file has been written to {written}. To use it, add this line to"
        f" your profile in {UserConfig.config_path()}:\n\nKEYFILE={written}"
    )


COMMANDS = [configure, generate_encryption]
