"""Starting a sector's bots: the `qalx bot-start` argument list (shared with the local
provider), installing a bot's code into the current environment, and `bootstrap_bots`, which
an AWS instance runs at boot through `qalx factory-bootstrap` (runtime-contract §6.5).

The instance learns everything from AWS and the API: its profiles from the SSM parameters and
secrets named after it, the plan from the factory entity, the code from the factory's items.
boto3, yaml and the session load on first use.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from qalx.errors import QalxFactoryBuildError

if TYPE_CHECKING:
    from qalx.session import QalxSession

BOOTSTRAP_LOG: Final = "bootstrap.log"
"""In the system temporary folder; its first character is the bootstrap's exit code, which
the instance's user data sends to CloudFormation."""

FACTORY_CLASS: Final = "pyqalx.factory"
START_WAIT: Final = 10.0
"""Seconds a started bot is given before a process that has exited counts as a failure."""

log = logging.getLogger("qalx.factories")


def bot_start_args(
    sector_bot_options: Mapping[str, Any] | None,
    workflow_children: Sequence[str],
    factory_meta: Mapping[str, Any],
    bot_path: str,
) -> list[str]:
    """`bot-start ...` for one bot of a sector: its plan options as flags (one letter → `-k`,
    longer → `--key`, leading dashes tolerated, values str()ed; a list or mapping value repeats
    the flag, as `meta` needs), `--skip-ini` for a `skip-ini` key whatever its value, `--stop`,
    one `--workflow` per child in the stage's workflow, the factory's `--meta`, the bot path."""
    args = ["bot-start"]
    skip_ini = False
    for raw_key, value in (sector_bot_options or {}).items():
        key = str(raw_key).lstrip("-")
        if key == "skip-ini":
            skip_ini = True
            continue
        if key == "stop":
            continue  # always given, once
        flag = f"-{key}" if len(key) == 1 else f"--{key}"
        if isinstance(value, Mapping):
            items = [
                f"{k}={json.dumps(v) if not isinstance(v, str) else v}" for k, v in value.items()
            ]
        elif isinstance(value, list | tuple):
            items = [str(v) for v in value]
        else:
            items = [str(value)]
        for item in items:
            args += [flag, item]
    if skip_ini:
        args.append("--skip-ini")
    args.append("--stop")
    for child in workflow_children:
        args += ["--workflow", child]
    pyqalx = json.dumps(dict(factory_meta), separators=(",", ":"), default=str)
    args += ["--meta", f"_class={FACTORY_CLASS}", "--meta", f"pyqalx={pyqalx}", bot_path]
    return args


def workflow_children(tree: Any, bot: str) -> list[str]:
    """The bots that follow `bot` in a workflow tree (a string is a leaf, a mapping maps nodes
    to their successors, a list holds siblings)."""

    def names(node: Any) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, Mapping):
            return [str(k) for k in node]
        if isinstance(node, list):
            return [name for sibling in node for name in names(sibling)]
        return []

    def search(node: Any) -> list[str] | None:
        if isinstance(node, Mapping):
            for key, successors in node.items():
                if key == bot:
                    return names(successors)
                found = search(successors)
                if found is not None:
                    return found
        elif isinstance(node, list):
            for sibling in node:
                found = search(sibling)
                if found is not None:
                    return found
        return None

    return search(tree) or []


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    """pip of this interpreter, so bots install where `qalx` runs (PIP_FIND_LINKS, PIP_INDEX_URL
    and the other PIP_* variables apply as pip reads them)."""
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--upgrade", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def install_bot(bot_name: str, definition: Mapping[str, Any], bot_dir: Path | None) -> None:
    """Install one plan bot into the current environment: a pypi bot by name (and version);
    otherwise, from the bot module's directory up to `bot_dir`, the first directory with a
    pyproject.toml or setup.py is pip-installed, else the first with the requirements file.
    A requirements_path given but nowhere found, or a failed install, is an error; no install
    file at all only warns."""
    source = {str(k).lower(): v for k, v in (definition.get("source") or {}).items()}
    if "pypi" in source:
        version = source.get("version")
        spec = f"{source['pypi']}=={version}" if version else str(source["pypi"])
        done = _pip(spec)
        if done.returncode:
            raise QalxFactoryBuildError(
                f"bot {bot_name}: pip install {spec} failed:\n{done.stderr}"
            )
        return
    if bot_dir is None:
        raise QalxFactoryBuildError(f"bot {bot_name}: no code to install")
    requirements = str(definition.get("requirements_path") or "requirements.txt")
    module = str(definition.get("bot_path", "")).partition(":")[0]
    start = bot_dir.joinpath(*module.split(".")).parent if module else bot_dir
    if not start.is_dir() or not start.resolve().is_relative_to(bot_dir.resolve()):
        start = bot_dir
    here = start
    while True:
        if (here / "pyproject.toml").exists() or (here / "setup.py").exists():
            done, what = _pip(str(here)), f"pip install {here}"
            break
        if (here / requirements).exists():
            done, what = (
                _pip("-r", str(here / requirements)),
                f"pip install -r {here / requirements}",
            )
            break
        if here.resolve() == bot_dir.resolve():
            if definition.get("requirements_path"):
                raise QalxFactoryBuildError(f"bot {bot_name}: no {requirements} in its code")
            log.warning("bot %s: nothing to install (no pyproject.toml, setup.py, %s)", bot_name,
                        requirements)  # fmt: skip
            return
        here = here.parent
    if done.returncode:
        raise QalxFactoryBuildError(f"bot {bot_name}: {what} failed:\n{done.stderr}")


def qalx_command() -> list[str]:
    """The `qalx` console script of this environment (beside the interpreter), else on PATH."""
    beside = Path(sys.executable).with_name("qalx.exe" if os.name == "nt" else "qalx")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("qalx")
    if found:
        return [found]
    raise QalxFactoryBuildError("no `qalx` command beside this Python or on PATH")


def start_bot(
    args: Sequence[str], bot_dir: Path | None, log_path: Path, wait: float = START_WAIT
) -> subprocess.Popen[bytes]:
    """Run `qalx <args>` as its own process with the bot's code on PYTHONPATH, its output to
    `log_path` (the bootstrap exits; a pipe would outlive its reader). After `wait` seconds, a
    process that has already exited is a `QalxFactoryBuildError` carrying its output."""
    env = dict(os.environ)
    paths = [p for p in sys.path if p]
    if bot_dir is not None:
        paths.append(str(bot_dir))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            [*qalx_command(), *args],
            cwd=bot_dir,
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
            f"{' '.join([*args[:1], *args[-1:]])} exited ({process.returncode}) on start:\n"
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
    """The code item build made for `bot_name` (its factory guid stored as a UUID or a str)."""
    query = {
        "meta._class": FACTORY_CLASS,
        "meta.pyqalx.factory_guid": {"$in": [factory_guid, str(factory_guid)]},
        "meta.pyqalx.plan_bot_name": bot_name,
    }
    found = session.item.find(query, limit=1).data
    if not found:
        raise QalxFactoryBuildError(f"no code item for bot {bot_name} of factory {factory_guid}")
    return found[0]


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
            stage = plan["stages"][stage_name]
            sector = stage[sector_name]
            tree = (
                (plan.get("workflows") or {}).get(stage.get("workflow"))
                if stage.get("workflow")
                else None
            )
            where = build_dir or Path(session.config.factory_pack_dir) / f"builds_{guid}"
            shutil.rmtree(where, ignore_errors=True)
            where.mkdir(parents=True)
            for bot_name, options in (sector.get("bots") or {}).items():
                definition = plan["bots"][bot_name]
                item = _code_item(session, guid, bot_name)
                bot_dir: Path | None = None
                if (item.get("file") or {}).get("url"):
                    archive = session.files.save(item["file"], where / f"{bot_name}.zip")
                    bot_dir = where / bot_name
                    with zipfile.ZipFile(archive) as code:
                        code.extractall(bot_dir)
                install_bot(bot_name, definition, bot_dir)
                args = bot_start_args(
                    {**(options or {}), "skip-ini": True},
                    workflow_children(tree, bot_name) if tree else [],
                    {"stage": stage_name, "factory_guid": str(guid), "plan_bot_name": bot_name},
                    str(definition["bot_path"]),
                )
                started.append(start_bot(args, bot_dir, where / f"{bot_name}.log", start_wait))
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
    "bot_start_args",
    "install_bot",
    "load_instance_environment",
    "start_bot",
    "workflow_children",
]
