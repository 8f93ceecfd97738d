"""The local provider: a stage's `local` sectors run on this machine (runtime-contract §6.4).

Each bot's code is installed into a virtualenv of its own (`_venv`; pyqalx's shared
environment with `shared_environment=True`), then one supervisor process (`_supervisor`),
detached from the build, runs every bot's `qalx bot-start` and restarts those that die. The
build returns once every bot has registered with the API and has its workers; a bot process
that ends before that fails the build with the end of its log.

What demolish needs is recorded on the factory entity's meta under `qalx.local`: the
supervisor's pid and host, its spec and status files, and the log directory (which demolish
keeps: `<log dir>/factory_<guid>/`, one `<sector>.<bot>.log` per bot and `supervisor.log`).
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from qalx.errors import QalxFactoryBuildError, QalxFactoryDemolishError
from qalx.factories._install import install_bot
from qalx.factories._launch import bot_start_args, qalx_command, registered
from qalx.factories._provider import Context, Sector, SectorBot
from qalx.factories._venv import BotEnvironment, bot_venv, default_venv_root, shared_environment

INSTALL_WORKERS = 5
"""Bots installed at once (as pyqalx has it)."""
START_TIMEOUT = 180.0
"""How long the build waits for every bot to register and have workers."""
POLL_SECONDS = 0.5
SUPERVISOR_STOP_TIMEOUT = 40.0
"""How long demolish waits for the supervisor to end after SIGTERM (it gives its bots
`_supervisor.STOP_GRACE` first), before killing it."""
LOG_TAIL = 3000
SUPERVISOR_MODULE = "qalx.factories._supervisor"


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-LOG_TAIL:].strip()
    except OSError:
        return "(no log)"


class LocalProvider:
    kind = "local"

    # -- build -----------------------------------------------------------------------------------
    def build(self, context: Context, sectors: Sequence[Sector]) -> None:
        work = [(sector, bot) for sector in sectors for bot in sector.bots]
        environments = self._install(context, work)
        local_dir = context.build_dir / "local"
        local_dir.mkdir(exist_ok=True)
        log_dir = Path(context.session.config.log_file_path).parent / (
            f"factory_{context.factory_guid}"
        )
        log_dir.mkdir(parents=True, exist_ok=True)
        spec = {
            "factory_guid": context.factory_guid,
            "user_profile": context.user_profile,
            "status": str(local_dir / "status.json"),
            "log": str(log_dir / "supervisor.log"),
            "bots": [
                self._bot_spec(context, sector, bot, environments[(sector.name, bot.name)], log_dir)
                for sector, bot in work
            ],
        }
        spec_path = local_dir / "supervisor.json"
        spec_path.write_text(json.dumps(spec, indent=1))
        pid = self._start_supervisor(spec_path)
        record = {
            "supervisor_pid": pid,
            "node": platform.node(),
            "spec": str(spec_path),
            "status": spec["status"],
            "log_dir": str(log_dir),
        }
        context.record(self.kind, record)
        context.progress(f"supervisor started (pid {pid}); logs in {log_dir}")
        self._wait_up(context, record, [bot for _, bot in work])

    def _install(
        self, context: Context, work: list[tuple[Sector, SectorBot]]
    ) -> dict[tuple[str, str], BotEnvironment]:
        """Every bot's environment, made and installed a few at a time; every failure is
        reported at once."""
        found: dict[tuple[str, str], BotEnvironment] = {}
        failures: list[str] = []
        by_bot: dict[str, BotEnvironment] = {}
        unique = {bot.name: bot for _, bot in work}
        with ThreadPoolExecutor(INSTALL_WORKERS, thread_name_prefix="qalx-install") as pool:
            futures = {
                pool.submit(self._environment, context, bot): name for name, bot in unique.items()
            }
            for future in as_completed(futures):
                name = futures[future]
                try:
                    by_bot[name] = future.result()
                except QalxFactoryBuildError as exc:
                    failures.append(str(exc))
                except Exception as exc:
                    failures.append(f"bot {name!r}: {type(exc).__name__}: {exc}")
        if failures:
            raise QalxFactoryBuildError("\n".join(["installing failed:", *sorted(failures)]))
        for sector, bot in work:
            found[(sector.name, bot.name)] = by_bot[bot.name]
        return found

    def _environment(self, context: Context, bot: SectorBot) -> BotEnvironment:
        run_dir = self._run_dir(context, bot)
        run_dir.mkdir(parents=True, exist_ok=True)
        warnings: list[str] = []

        def install(environment: BotEnvironment) -> None:
            warning = install_bot(environment, bot.packed, bot.bot_path, bot.requirements_path)
            if warning:
                warnings.append(warning)

        if context.shared_environment:
            environment = shared_environment(run_dir)
            install(environment)
            done = "installed into this environment"
        else:
            identity = bot.code_hash or f"pypi:{bot.packed.requirement}"
            root = context.venv_root or default_venv_root()
            environment = bot_venv(root, identity, install)
            done = f"{'reused' if environment.reused else 'made'} venv {environment.venv}"
        context.progress(f"bot {bot.name}: {done}")
        for warning in warnings:
            context.progress(f"bot {bot.name}: warning: {warning}")
        return environment

    @staticmethod
    def _run_dir(context: Context, bot: SectorBot) -> Path:
        """Where the bot process runs (its code's directory, put on `sys.path` by the CLI)."""
        return bot.packed.directory or context.build_dir / bot.name

    def _bot_spec(
        self,
        context: Context,
        sector: Sector,
        bot: SectorBot,
        environment: BotEnvironment,
        log_dir: Path,
    ) -> dict[str, Any]:
        command = qalx_command(environment.python, context.user_profile, context.bot_profile)

        def argv(stop: bool) -> list[str]:
            args = bot_start_args(
                bot.options,
                stage=context.stage,
                factory_guid=context.factory_guid,
                plan_bot_name=bot.name,
                bot_path=bot.bot_path,
                workflow=bot.workflow,
                stop=stop,
            )
            return [*command, "bot-start", *args]

        return {
            "key": f"{sector.name}/{bot.name}",
            "plan_bot_name": bot.name,
            "argv": argv(stop=True),
            "argv_deployed": argv(stop=False),
            "cwd": str(self._run_dir(context, bot)),
            "set_env": dict(environment.set_env),
            "drop_pythonpath": environment.drop_pythonpath,
            "log": str(log_dir / f"{sector.name}.{bot.name}.log"),
        }

    @staticmethod
    def _start_supervisor(spec_path: Path) -> int:
        """Start the supervisor detached; its pid."""
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        command = [sys.executable, "-m", SUPERVISOR_MODULE, "--detach", str(spec_path)]
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        try:
            return int(done.stdout.strip())
        except ValueError:
            said = (done.stderr or done.stdout).strip()[-LOG_TAIL:]
            raise QalxFactoryBuildError(f"the supervisor did not start: {said}") from None

    def _wait_up(self, context: Context, record: Mapping[str, Any], bots: list[SectorBot]) -> None:
        """Until every bot is registered with workers; a bot process that ended, or the
        supervisor's end, fails the build."""
        wanted = {bot.name for bot in bots}
        deadline = time.monotonic() + START_TIMEOUT
        up: set[str] = set()
        while True:
            status = self._status(record)
            for key, bot in status.get("bots", {}).items():
                if bot.get("exits"):
                    raise QalxFactoryBuildError(
                        f"bot {bot['plan_bot_name']!r} ({key}) exited with"
                        f" {bot['exits'][0]} while starting; its log ends:\n"
                        + _tail(Path(record["log_dir"]) / (key.replace("/", ".") + ".log"))
                    )
            if not alive(int(record["supervisor_pid"])):
                raise QalxFactoryBuildError(
                    "the supervisor ended while starting the bots; its log ends:\n"
                    + _tail(Path(record["log_dir"]) / "supervisor.log")
                )
            for name in wanted - up:
                if registered(context.session, context.factory_guid, name):
                    up.add(name)
                    context.progress(f"bot {name}: up")
            if up == wanted:
                return
            if time.monotonic() > deadline:
                missing = ", ".join(sorted(wanted - up))
                raise QalxFactoryBuildError(
                    f"bots not up after {START_TIMEOUT:.0f} s: {missing} (logs in"
                    f" {record['log_dir']})"
                )
            time.sleep(POLL_SECONDS)

    @staticmethod
    def _status(record: Mapping[str, Any]) -> dict[str, Any]:
        try:
            found: dict[str, Any] = json.loads(Path(record["status"]).read_text())
        except (OSError, ValueError):
            return {}
        return found

    # -- demolish --------------------------------------------------------------------------------
    def wait_stopped(
        self, context: Context, record: Mapping[str, Any], names: Sequence[str], timeout: float
    ) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            bots = self._status(record).get("bots", {}).values()
            running = sorted(
                {b["plan_bot_name"] for b in bots if b["plan_bot_name"] in names and b["running"]}
            )
            if not running or time.monotonic() > deadline:
                return running
            if not alive(int(record["supervisor_pid"])):
                return []
            time.sleep(POLL_SECONDS)

    def demolish(self, context: Context, record: Mapping[str, Any]) -> None:
        """Stop the supervisor (which stops whatever bot is still running)."""
        pid = int(record["supervisor_pid"])
        if record.get("node") != platform.node():
            raise QalxFactoryDemolishError(
                f"the supervisor (pid {pid}) runs on {record.get('node')!r}, not here: stop it"
                " there"
            )
        if not _is_supervisor(pid, str(record["spec"])):
            return  # ended already (its pid may name another process by now)
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + SUPERVISOR_STOP_TIMEOUT
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS / 5)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _is_supervisor(pid: int, spec: str) -> bool:
    """Whether `pid` is still the supervisor of this spec."""
    if not alive(pid):
        return False
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc: trust the record
    return SUPERVISOR_MODULE.encode() in words and spec.encode() in words
