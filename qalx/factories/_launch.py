"""How a factory bot is started: the `qalx bot-start` command line built from a sector's
options (runtime-contract §6.4 step 2), in one place, so the local provider and the AWS
bootstrap start bots the same way."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qalx.session import QalxSession

FACTORY_CLASS = "pyqalx.factory"
"""The `_class` meta of every bot and code item a factory makes (pyqalx's value)."""
SKIP_INI = "skip-ini"
"""The sector option that, whatever its value, means `--skip-ini`."""


def factory_meta(stage: str, factory_guid: Any, plan_bot_name: str | None) -> dict[str, Any]:
    """The `pyqalx` meta of a factory's bots and items (`plan_bot_name` None: an item of no
    bot, a stack's template). The guid is kept as text, the form it has once it has been
    through `--meta` (so workflow and demolish lookups by `pyqalx.factory_guid` find bots and
    items alike)."""
    return {"stage": stage, "factory_guid": str(factory_guid), "plan_bot_name": plan_bot_name}


def bot_query(factory_guid: str, plan_bot_name: str | None = None) -> dict[str, Any]:
    """The bots (or code items) of a factory, or of one of its plan bots."""
    query: dict[str, Any] = {
        "metadata.data._class": FACTORY_CLASS,
        "metadata.data.pyqalx.factory_guid": factory_guid,
    }
    if plan_bot_name is not None:
        query["metadata.data.pyqalx.plan_bot_name"] = plan_bot_name
    return query


def registered(session: QalxSession, factory_guid: str, plan_bot_name: str) -> bool:
    """Whether plan bot `plan_bot_name` is up: registered with the API, every bot of that
    name with its workers (what a build waits for, wherever the bot runs)."""
    found = list(
        session.bot.find_all(bot_query(factory_guid, plan_bot_name), include_session_tags=False)
    )
    return bool(found) and all(bot.workers for bot in found)


def option_flag(key: str) -> str:
    """A sector option's flag: one letter → `-k`, longer → `--key`; leading dashes in the plan
    are tolerated (`--queue-name` and `queue-name` are the same)."""
    bare = str(key).lstrip("-")
    return f"-{bare}" if len(bare) == 1 else f"--{bare}"


def _option_values(value: Any) -> list[str]:
    """One text per flag: a scalar's str(), each of a list, `k=v` for each of a mapping (its
    non-text values as JSON, which `--meta` parses back)."""
    if isinstance(value, Mapping):
        return [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def bot_start_args(
    options: Mapping[str, Any] | None,
    *,
    stage: str,
    factory_guid: Any,
    plan_bot_name: str,
    bot_path: str,
    workflow: Sequence[str] = (),
    stop: bool = True,
) -> list[str]:
    """The arguments after `qalx -u U -b B bot-start`: the sector's options (values as text;
    a list, or a mapping as `k=v`, repeats the flag, as `meta` needs; `skip-ini` as the bare
    flag; a `stop` option ignored, `stop` decides), `--stop` (the build resumes every bot
    once all are up), `--workflow` per next bot, the factory meta, then the bot's
    `module:variable`. The local provider and the AWS bootstrap both start bots with it."""
    args: list[str] = []
    skip_ini = False
    for key, value in (options or {}).items():
        bare = str(key).lstrip("-")
        if bare == SKIP_INI:
            skip_ini = True
            continue
        if bare == "stop":
            continue
        for text in _option_values(value):
            args += [option_flag(key), text]
    if skip_ini:
        args.append(f"--{SKIP_INI}")
    if stop:
        args.append("--stop")
    for child in workflow:
        args += ["--workflow", child]
    meta = json.dumps(factory_meta(stage, factory_guid, plan_bot_name), sort_keys=True)
    args += ["--meta", f"_class={FACTORY_CLASS}", "--meta", f"pyqalx={meta}", bot_path]
    return args


def qalx_command(python: str, user_profile: str, bot_profile: str) -> list[str]:
    """`qalx -u U -b B` run by `python` (the bot environment's interpreter)."""
    return [python, "-m", "qalx", "-u", user_profile, "-b", bot_profile]
