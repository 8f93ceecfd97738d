"""Fetching one plan bot's code into a build directory, and checking its `bot_path`."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from qalx.errors import QalxFactoryPackError
from qalx.factories._plan import source_kinds

SourceKind = Literal["path", "url", "pypi"]
GIT_TIMEOUT = 600.0
CHECK_TIMEOUT = 120.0


@dataclasses.dataclass(frozen=True)
class PackedBot:
    """One plan bot, packed: its code's directory (None for pypi bots, which are installed
    from the index at build), the pip requirement of a pypi bot, and any warning."""

    name: str
    source: SourceKind
    directory: Path | None
    requirement: str | None = None
    warning: str | None = None


def pack_bot(name: str, bot: Mapping[str, Any], build_dir: Path) -> PackedBot:
    """Fetch the code of plan bot `name` into `build_dir/name` and check its `bot_path`;
    `QalxFactoryPackError` names the bot and what went wrong."""
    if name in ("", ".", "..") or Path(name).name != name or os.sep in name:
        raise QalxFactoryPackError(f"bot {name!r}: a plan bot's name must be a file name")
    source = {str(k).lower(): v for k, v in bot["source"].items()}
    kind = source_kinds(bot["source"])[0].lower()
    if kind == "pypi":
        version = source.get("version")
        requirement = f"{source['pypi']}=={version}" if version else str(source["pypi"])
        return PackedBot(name, "pypi", None, requirement=requirement)
    target = build_dir / name
    if kind == "path":
        _copy(name, str(source["path"]), target)
    else:
        options = {k: v for k, v in source.items() if k != "url"}
        _clone(name, str(source["url"]), options, target)
    warning = _check_bot_path(name, target, str(bot["bot_path"]))
    return PackedBot(name, "path" if kind == "path" else "url", target, warning=warning)


def _copy(name: str, path: str, target: Path) -> None:
    """A relative `path` is taken from the current directory, as a path on the command
    line would be (and as the CLI puts the current directory on `sys.path`)."""
    origin = Path(path).expanduser()
    if not origin.is_dir():
        raise QalxFactoryPackError(f"bot {name!r}: source path {path!r} is not a directory")
    try:
        shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
    except (OSError, shutil.Error) as exc:
        raise QalxFactoryPackError(f"bot {name!r}: copying {path!r} failed: {exc}") from None


def _clone(name: str, url: str, options: Mapping[str, Any], target: Path) -> None:
    """`git clone` with each other source key as an option (`branch: dev` → `--branch dev`,
    `depth: 1` → `--depth 1`; a true value gives the bare flag). Git never prompts."""
    git = shutil.which("git")
    if git is None:
        raise QalxFactoryPackError(f"bot {name!r}: a url source needs git, which is not on PATH")
    flags: list[str] = []
    for key, value in options.items():
        flag = key.lstrip("-")
        flags.append(f"-{flag}" if len(flag) == 1 else f"--{flag}")
        if value is not True:
            flags.append(str(value))
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    command = [git, "clone", "--quiet", *flags, "--", url, str(target)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=GIT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise QalxFactoryPackError(
            f"bot {name!r}: git clone {url!r} took longer than {GIT_TIMEOUT:.0f} s"
        ) from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip() or f"exit code {done.returncode}"
        raise QalxFactoryPackError(f"bot {name!r}: git clone {url!r} failed: {said}")


def _check_bot_path(name: str, bot_dir: Path, bot_path: str) -> str | None:
    """Import `bot_path` from `bot_dir` in a child process (qalx/factories/_check_bot.py):
    None if it is a Bot, the warning if a module it needs is not installed here."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    with tempfile.TemporaryDirectory(prefix="qalx-check-") as tmp:
        result = Path(tmp) / "result.json"
        command = [sys.executable, "-P", "-m", "qalx.factories._check_bot"]
        try:
            done = subprocess.run(
                [*command, str(bot_dir), bot_path, str(result)],
                cwd=bot_dir,
                env=env,
                capture_output=True,
                text=True,
                timeout=CHECK_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise QalxFactoryPackError(
                f"bot {name!r}: importing {bot_path!r} took longer than {CHECK_TIMEOUT:.0f} s"
            ) from None
        if not result.is_file():
            said = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise QalxFactoryPackError(f"bot {name!r}: checking {bot_path!r} failed: {said[0]}")
        found: dict[str, str] = json.loads(result.read_text())
    if found["status"] == "error":
        raise QalxFactoryPackError(f"bot {name!r}: bot_path {bot_path!r}: {found['message']}")
    return found["message"] if found["status"] == "warning" else None
