"""`bootstrap_bots`, which an AWS instance runs at boot through `qalx factory-bootstrap`
(runtime-contract §6.5): its sector's bots installed into the instance's environment and
started as the local provider starts them (the command line from `_launch`, the workflow from
`_tree`, the install from `_install`).

The instance learns everything from AWS and the API: its profiles from the SSM parameters and
secrets named after it, the plan from the factory entity, the code from the factory's items.
boto3, yaml and the session load on first use.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from qalx.errors import QalxFactoryBuildError
from qalx.factories._install import install_bot
from qalx.factories._launch import bot_query, bot_start_args, qalx_command
from qalx.factories._pack import PackedBot
from qalx.factories._plan import Plan
from qalx.factories._tree import stage_tree
from qalx.factories._venv import shared_environment

if TYPE_CHECKING:
    from qalx.session import QalxSession

BOOTSTRAP_LOG: Final = "bootstrap.log"
"""In the system temporary folder; its first character is the bootstrap's exit code, which
the instance's user data sends to CloudFormation."""

START_WAIT: Final = 10.0
"""Seconds a started bot is given before a process that has exited counts as a failure."""

log = logging.getLogger("qalx.factories")


def start_bot(
    args: Sequence[str], bot_dir: Path | None, log_path: Path, wait: float = START_WAIT
) -> subprocess.Popen[bytes]:
    """Run `qalx bot-start <args>` (this interpreter's, `_launch.qalx_command`; the profiles
    are moot with `--skip-ini`) as its own process with the bot's code on PYTHONPATH
    (`_venv.shared_environment`, as pyqalx's one environment), its output to `log_path` (the
    bootstrap exits; a pipe would outlive its reader). After `wait` seconds, a process that
    has already exited is a `QalxFactoryBuildError` carrying its output."""
    where = bot_dir or log_path.parent
    env = shared_environment(where).env(os.environ)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            [*qalx_command(sys.executable, "default", "default"), "bot-start", *args],
            cwd=where,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives the boot script's process group
        )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    if process.poll() is not None:
        raise QalxFactoryBuildError(
            f"bot-start {args[-1] if args else ''} exited ({process.returncode}) on start:\n"
            + log_path.read_text(errors="replace")
        )
    return process


def load_instance_environment(
    instance_name: str, profile_name: str | None, region_name: str
) -> dict[str, str]:
    """Set an environment variable for every SSM parameter and secret whose name starts with
    `instance_name`, named after what follows its first underscore (`QALX_USER_TOKEN`); the
    variables set. A `profile_name` this machine has no AWS profile for (the builder's local
    one, on the instance) means the default chain: the instance role."""
    import boto3.session

    profiles = boto3.session.Session().available_profiles
    boto = boto3.session.Session(
        profile_name=profile_name if profile_name in profiles else None, region_name=region_name
    )
    ssm = boto.client("ssm")
    secrets = boto.client("secretsmanager")
    prefix = f"{instance_name}_"
    names = [
        str(p["Name"])
        for page in ssm.get_paginator("describe_parameters").paginate()
        for p in page["Parameters"]
        if str(p.get("Name", "")).startswith(prefix)
    ]
    found: dict[str, str] = {}
    for at in range(0, len(names), 10):
        answer = ssm.get_parameters(Names=names[at : at + 10], WithDecryption=True)
        for parameter in answer["Parameters"]:
            found[str(parameter["Name"])] = str(parameter["Value"])
    for page in secrets.get_paginator("list_secrets").paginate():
        for secret in page["SecretList"]:
            name = str(secret.get("Name", ""))
            if name.startswith(prefix):
                found[name] = str(secrets.get_secret_value(SecretId=name)["SecretString"])
    variables = {name.partition("_")[2]: value for name, value in found.items()}
    os.environ.update(variables)
    return variables


def _code_item(session: QalxSession, factory_guid: uuid.UUID, bot_name: str) -> Any:
    """The code item build made for `bot_name` (found as demolish finds it, its factory guid
    stored as text, as qalx's build stores it, or as a UUID)."""
    query = bot_query(str(factory_guid), bot_name)
    key = next(k for k in query if k.endswith(".factory_guid"))
    query[key] = {"$in": [factory_guid, str(factory_guid)]}
    found = session.item.find(query, limit=1).data
    if not found:
        raise QalxFactoryBuildError(f"no code item for bot {bot_name} of factory {factory_guid}")
    return found[0]


def _packed(session: QalxSession, item: Any, bot_name: str, where: Path) -> PackedBot:
    """The bot's code as build stored it: the item's zip unpacked under `where`, or (no
    file) the pypi requirement build recorded in its data."""
    data = item.get("data") or {}
    if (item.get("file") or {}).get("url"):
        archive = session.files.save(item["file"], where / f"{bot_name}.zip")
        bot_dir = where / bot_name
        with zipfile.ZipFile(archive) as code:
            code.extractall(bot_dir)
        return PackedBot(bot_name, data.get("source") or "path", bot_dir)
    if not data.get("requirement"):
        raise QalxFactoryBuildError(f"bot {bot_name}: its code item has no file nor requirement")
    return PackedBot(bot_name, "pypi", None, requirement=str(data["requirement"]))


def bootstrap_bots(
    factory_guid: uuid.UUID | str,
    sector_name: str,
    profile_name: str | None,
    region_name: str,
    instance_name: str,
    build_dir: Path | None = None,
    start_wait: float = START_WAIT,
) -> list[subprocess.Popen[bytes]]:
    """Start the bots of one AWS sector on this machine, as an instance does at boot: load its
    settings from AWS, the plan and code from the API, install and start each bot (stopped,
    configured from the environment only: `--skip-ini --stop`); the running processes.
    `build_dir` defaults to FACTORY_PACK_DIR/builds_<factory guid>, emptied first."""
    import yaml

    from qalx.session import QalxSession

    guid = factory_guid if isinstance(factory_guid, uuid.UUID) else uuid.UUID(str(factory_guid))
    started: list[subprocess.Popen[bytes]] = []
    try:
        load_instance_environment(instance_name, profile_name, region_name)
        with QalxSession(skip_ini=True) as session:
            factory = session.factory.get(guid)
            plan = yaml.safe_load(session.files.read(factory["plan"]))["factory"]
            stage_name = str(factory["stage"])
            sector = plan["stages"][stage_name][sector_name]
            _roots, children = stage_tree(Plan(Path("plan"), {"factory": plan}, {}), stage_name)
            where = build_dir or Path(session.config.factory_pack_dir) / f"builds_{guid}"
            shutil.rmtree(where, ignore_errors=True)
            where.mkdir(parents=True)
            for bot_name, options in (sector.get("bots") or {}).items():
                definition = plan["bots"][bot_name]
                packed = _packed(session, _code_item(session, guid, bot_name), bot_name, where)
                environment = shared_environment(packed.directory or where)
                warning = install_bot(
                    environment,
                    packed,
                    str(definition["bot_path"]),
                    definition.get("requirements_path"),
                )
                if warning:
                    log.warning("bot %s: %s", bot_name, warning)
                args = bot_start_args(
                    {**(options or {}), "skip-ini": True},
                    stage=stage_name,
                    factory_guid=guid,
                    plan_bot_name=bot_name,
                    bot_path=str(definition["bot_path"]),
                    workflow=children.get(bot_name, []),
                )
                started.append(
                    start_bot(args, packed.directory, where / f"{bot_name}.log", start_wait)
                )
    except Exception as exc:
        for process in started:
            process.terminate()
        if isinstance(exc, QalxFactoryBuildError):
            raise
        raise QalxFactoryBuildError(
            f"bootstrap of sector {sector_name} failed: {type(exc).__name__}: {exc}"
        ) from exc
    return started


__all__ = [
    "BOOTSTRAP_LOG",
    "bootstrap_bots",
    "load_instance_environment",
    "start_bot",
]
