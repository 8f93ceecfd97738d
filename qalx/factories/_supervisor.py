"""The supervisor of a factory's local bots: one process per factory, detached from the build.

    python -m qalx.factories._supervisor [--detach] SPEC_JSON

It starts each bot's `qalx bot-start` process (SPEC_JSON, written by the local provider, says
how), appends its output to the bot's log, and restarts it with a growing delay when it dies,
but not when it ended because it was asked to (exit 0: its workers exited on a terminate or
KILL_AFTER; or a worker's own exit codes). It writes what it runs to the status file (atomic
JSON) and ends once no bot is left to run, or on SIGTERM/SIGINT.

No orphans: each bot process leads a process group of its own, which holds its workers; when a
bot process ends, whatever is left of its group is killed, and on SIGTERM every group is
terminated (then killed after `STOP_GRACE`). Should the supervisor itself be killed, each bot
process gets SIGTERM from the kernel (Linux `PR_SET_PDEATHSIG`) and passes it on to its
workers, which exit warm.

A restarted bot registers a new bot entity; the dead one's entity (same factory and plan bot
name) is deleted first so workflow lookups still find exactly one. It starts stopped while the
factory is still being built (the build resumes it), running once the factory is `deployed`,
and not at all once the factory is being demolished or gone.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from qalx.bot._bot import EXPECTED_EXITS
from qalx.factories._launch import bot_query

if TYPE_CHECKING:
    from qalx.session import QalxSession

ASKED_TO_END = frozenset({0, *EXPECTED_EXITS})
"""Exit codes of a bot process that ended because it was told to: not restarted."""
POLL_SECONDS = 0.5
RESTART_FIRST = 1.0
RESTART_MAX = 60.0
"""The delay before a restart starts at `RESTART_FIRST` s and doubles up to this."""
STABLE_AFTER = 60.0
"""A bot process that ran this long before dying is restarted after `RESTART_FIRST` again."""
STOP_GRACE = 20.0
"""On SIGTERM, how long bot processes get to exit before they are killed."""
PR_SET_PDEATHSIG = 1

log = logging.getLogger("qalx.factories.supervisor")


def _die_with_parent_hook(parent: int) -> Any:
    """A `preexec_fn` asking the kernel to SIGTERM the child when the supervisor dies (Linux);
    None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def hook() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the supervisor died before the line above
            os._exit(1)

    return hook


def _kill_group(pgid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, number)


class Child:
    """One bot process and its history."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.exits: list[int] = []
        self.ended = False
        self.next_start = 0.0
        self.delay = RESTART_FIRST
        self.started_at = 0.0

    @property
    def name(self) -> str:
        return str(self.spec["plan_bot_name"])

    def start(self, deployed: bool, hook: Any) -> None:
        env = dict(os.environ)
        if self.spec.get("drop_pythonpath"):
            env.pop("PYTHONPATH", None)
        env.update(self.spec.get("set_env") or {})
        argv = self.spec["argv_deployed" if deployed else "argv"]
        with open(self.spec["log"], "ab") as output:
            self.process = subprocess.Popen(
                argv,
                cwd=self.spec["cwd"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                process_group=0,
                preexec_fn=hook,
            )
        self.starts += 1
        self.started_at = time.monotonic()
        log.info("started %s (pid %d, start %d)", self.spec["key"], self.process.pid, self.starts)

    def reap(self) -> int | None:
        """The exit code if the process has just ended (its group killed), else None."""
        if self.process is None:
            return None
        code = self.process.poll()
        if code is None:
            return None
        _kill_group(self.process.pid, signal.SIGKILL)
        self.exits.append(code)
        self.process = None
        log.info("%s exited with %d", self.spec["key"], code)
        return code

    def status(self) -> dict[str, Any]:
        return {
            "plan_bot_name": self.name,
            "pid": self.process.pid if self.process else None,
            "running": self.process is not None,
            "starts": self.starts,
            "exits": self.exits,
            "ended": self.ended,
        }


class Supervisor:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.children = [Child(bot) for bot in spec["bots"]]
        self.pids: list[int] = []
        self.stopping = False
        self.hook = _die_with_parent_hook(os.getpid())
        self._session: QalxSession | None = None

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        self.stopping = True

    # -- the factory, as the API has it ----------------------------------------------------------
    def session(self) -> QalxSession:
        if self._session is None:
            from qalx.errors import QalxConfigFileNotFound, QalxConfigProfileNotFound
            from qalx.session import QalxSession

            profile = str(self.spec["user_profile"])
            try:
                self._session = QalxSession(profile_name=profile)
            except (QalxConfigFileNotFound, QalxConfigProfileNotFound):
                self._session = QalxSession(profile_name=profile, skip_ini=True)
        return self._session

    def factory_status(self) -> str | None:
        """The factory's status; None once it is gone."""
        from qalx.errors import QalxAPINotFound

        try:
            found = self.session().factory.get(self.spec["factory_guid"], fields="status")
        except QalxAPINotFound:
            return None
        return str(found.get("status"))

    def forget_dead_bot(self, child: Child) -> None:
        """Delete the bot entities the dead process registered (see the module's docstring)."""
        query = bot_query(str(self.spec["factory_guid"]), child.name)
        bots = self.session().bot
        for bot in list(bots.find_all(query, include_session_tags=False)):
            bots.delete(bot)

    # -- the loop --------------------------------------------------------------------------------
    def write_status(self) -> None:
        path = Path(self.spec["status"])
        body = {
            "supervisor": os.getpid(),
            "stopping": self.stopping,
            "pids": self.pids,
            "bots": {c.spec["key"]: c.status() for c in self.children},
        }
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(body, indent=1))
        os.replace(partial, path)

    def start(self, child: Child, restart: bool) -> None:
        deployed = False
        if restart:
            try:
                status = self.factory_status()
                if status in (None, "deleting"):
                    child.ended = True
                    log.info("not restarting %s: the factory is %s", child.name, status or "gone")
                    return
                deployed = status == "deployed"
                self.forget_dead_bot(child)
            except Exception as exc:  # the API is out of reach: try again later
                log.warning("cannot restart %s yet: %s", child.name, exc)
                child.next_start = time.monotonic() + child.delay
                return
        child.start(deployed, self.hook)
        assert child.process is not None
        self.pids.append(child.process.pid)

    def step(self) -> None:
        now = time.monotonic()
        for child in self.children:
            code = child.reap()
            if code is not None:
                if code in ASKED_TO_END or self.stopping:
                    child.ended = True
                    continue
                if now - child.started_at >= STABLE_AFTER:
                    child.delay = RESTART_FIRST
                child.next_start = now + child.delay
                log.info("restarting %s in %.0f s", child.spec["key"], child.delay)
                child.delay = min(child.delay * 2, RESTART_MAX)
            elif child.process is None and not child.ended and now >= child.next_start:
                self.start(child, restart=True)

    def run(self) -> int:
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, self._on_signal)
        for child in self.children:
            self.start(child, restart=False)
        self.write_status()
        while not self.stopping:
            self.step()
            self.write_status()
            if all(c.ended for c in self.children):
                log.info("every bot has ended")
                return 0
            time.sleep(POLL_SECONDS)
        self.stop()
        return 0

    def stop(self) -> None:
        """Terminate every bot's group, wait `STOP_GRACE`, then kill what is left."""
        log.info("stopping")
        running = [c for c in self.children if c.process is not None]
        for child in running:
            assert child.process is not None
            _kill_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while any(c.process is not None for c in running) and time.monotonic() < deadline:
            for child in running:
                child.reap()
            time.sleep(POLL_SECONDS / 5)
        for child in running:
            if child.process is not None:
                _kill_group(child.process.pid, signal.SIGKILL)
                child.process.wait()
                child.reap()
            child.ended = True
        self.write_status()
        if self._session is not None:
            self._session.close()


def detach() -> int:
    """Fork a child in a session of its own, print its pid and return: the child outlives the
    build that started it, and init (not the build) reaps it."""
    pid = os.fork()
    if pid:
        print(pid, flush=True)
        os._exit(0)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    return os.getpid()


def main(argv: list[str]) -> int:
    detached = argv[:1] == ["--detach"]
    spec_path = Path(argv[-1])
    spec: dict[str, Any] = json.loads(spec_path.read_text())
    if detached:
        detach()
    output = open(spec["log"], "a", buffering=1)  # noqa: SIM115 (the process's own log)
    os.dup2(output.fileno(), 1)
    os.dup2(output.fileno(), 2)
    logging.basicConfig(
        stream=output, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    return Supervisor(spec).run()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
