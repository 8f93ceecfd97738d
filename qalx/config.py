"""Where a user session's settings come from, lowest precedence first: defaults, then
`QALX_USER_*` environment variables, then a profile of the INI file `~/.qalx` (pyqalx's order,
runtime-contract §4.2)."""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path

from qalx.errors import QalxConfigFileNotFound, QalxConfigProfileNotFound

USER_ENV_PREFIX = "QALX_USER_"
USER_CONFIG_FILE = "~/.qalx"
DEFAULT_PROFILE = "default"
DEFAULT_BASE_URL = "https://api.qalx.net/"
USER_DEFAULTS: dict[str, str] = {"BASE_URL": DEFAULT_BASE_URL, "REGION": "eu-west-2"}


def read_profile(path: Path, profile: str) -> dict[str, str]:
    """One section of an INI config file, keys in their own case."""
    if not path.exists():
        raise QalxConfigFileNotFound(f"no config file at {path}")
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    if not parser.has_section(profile):
        found = ", ".join(parser.sections()) or "none"
        raise QalxConfigProfileNotFound(
            f"no profile [{profile}] in {path} (profiles there: {found})"
        )
    return dict(parser[profile])


def user_config(
    profile: str = DEFAULT_PROFILE,
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    require_file: bool = False,
) -> dict[str, str]:
    """The settings of a user session. Without a config file, defaults and environment alone
    are used unless `require_file` (pyqalx's behaviour) or a non-default profile is asked for."""
    environ = os.environ if environ is None else environ
    values = dict(USER_DEFAULTS)
    values.update(
        {k[len(USER_ENV_PREFIX) :]: v for k, v in environ.items() if k.startswith(USER_ENV_PREFIX)}
    )
    path = config_file or Path(os.path.expanduser(USER_CONFIG_FILE))
    try:
        values.update(read_profile(path, profile))
    except QalxConfigFileNotFound:
        if require_file or profile != DEFAULT_PROFILE:
            raise
    except QalxConfigProfileNotFound:
        if profile != DEFAULT_PROFILE:
            raise
    if not values["BASE_URL"].endswith("/"):
        values["BASE_URL"] += "/"
    return values
