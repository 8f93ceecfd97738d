"""A bot's worker process: it takes jobs from the queue and runs the bot's steps over them.

How it differs from pyqalx's, on purpose (each a promise of the user docs pyqalx's code breaks):
- **No sleeps.** Messages are received by long polls (`MSG_WAITTIMESECONDS`), made by a helper
  thread on the main loop's request, and signals are watched by another thread; the main loop
  waits for whichever comes first, so a new job starts within milliseconds and a signal is
  acted on at once by an idle worker (by a busy one at the next step boundary).
- **A failed job is retried, not deleted.** An exception in a step (or in loading or saving the
  entity) is logged with the entity's type, guid and traceback, counted, written to the
  worker's status with its attempt, recorded against its message on a server that keeps such
  records (so the dead-letter listing says why), and the message is released to reappear;
  after the queue's receive limit the broker moves it to the dead-letter queue.
  `add_step_result(False)` still ends a job cleanly (its message is deleted), as the
  reference has it.
- **A stopped worker never drops a message**: one received as a stop lands is released.
- **Nothing dies silently**: a worker that cannot go on (its `begin` raised, or the API stays
  unreachable) exits non-zero with its reason in its status and log.
- **The worker is seen**: its entity carries `state`, the current `job` (type, guid, since),
  `jobs_done` and `jobs_failed`.
- **A job costs the server its own requests only** (receive, load, save): the worker's state
  reports and the deletes of finished messages are gathered off the main loop (`_background`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import signal as os_signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

from qalx.entities import Bot as BotEntity
from qalx.entities import QalxEntity, Queue, QueueMessage, Worker, as_guid
from qalx.errors import QalxAPIBadRequest, QalxAPINotFound, QalxAPIResponseError, QalxError
from qalx.signals import QalxWorkerSignal

from ._background import MessageDeleter, StateReporter
from ._job import QalxJob

if TYPE_CHECKING:
    from qalx.config import BotConfig, UserConfig
    from qalx.session import QalxSession

    from ._bot import Bot

WARM_EXIT = QalxWorkerSignal.TERMINATE_WARM_CODE
COLD_EXIT = QalxWorkerSignal.TERMINATE_COLD_CODE
CONFIG_EXIT = QalxWorkerSignal.CONFIG_TERMINATE_CODE
FAILED_EXIT = 1
"""A worker that cannot go on (its `begin` raised, or the API stayed unreachable)."""

SIGNAL_WAIT_SECONDS = 20.0
"""The longest a signal read waits for a change (the server's own limit); at least this
often the worker is seen."""
SIGNAL_POLL_SECONDS = 1.0
"""Without long polls: how often a worker reads its signal (at most one request a second)."""
COLD_AFTER_SECONDS = 1.0
"""A second SIGTERM this soon after the first is the same shutdown, not a cold one."""
WORKFLOW_CACHE_SECONDS = 60.0
"""How long a worker keeps the queue of a next bot of its workflow before looking it up again
(a bot that moves to another queue is followed within this time)."""
PREFETCH_AFTER_SECONDS = 0.5
"""A worker prefetches the next job only while its last job took less than this: where the
receive is a large share of a job. A queue of long jobs never has its next message received
early (a message received and given back unworked still counts towards the queue's
`maxReceiveCount`)."""
PREFETCH_HOLD_SECONDS = 1.0
"""How long a prefetched message is held for its worker before it is released for others (a
long job after short ones does not sit on the next)."""
EXIT_SETTLE_SECONDS = 5.0
"""The longest an exiting worker waits for a prefetch under way, to give back what it gets."""
MAX_LOOP_FAILURES = 10
"""Unexpected errors in a row (the API or broker unreachable) before a worker gives up."""
PIPELINE = ("onload", "preprocess", "process", "precompletion", "postprocess")
STEP_NAMES = {
    "begin": "Begin",
    "preload": "PreLoad",
    "onload": "OnLoad",
    "preprocess": "PreProcess",
    "process": "Process",
    "precompletion": "PreCompletion",
    "postprocess": "PostProcess",
    "onwait": "OnWait",
    "ontermination": "OnTerminate",
}


@dataclasses.dataclass(frozen=True)
class WorkerSpec:
    """All a worker process needs, picklable for every start method (`fork`, `spawn`,
    `forkserver`). Step functions travel by reference: they must be importable (module-level).
    (A dataclass, not attrs: `import qalx` must not import attrs.)"""

    bot: Bot
    index: int
    bot_entity: dict[str, Any]
    worker_entity: dict[str, Any]
    queue_name: str
    token: str
    session_class: type[QalxSession]
    bot_config_class: type[BotConfig]
    user_config_class: type[UserConfig]
    bot_profile_name: str
    skip_ini: bool
    config_overrides: dict[str, Any]
    entity_classes: tuple[type[QalxEntity], ...]
    workflow: tuple[str, ...]


def _failed(job: QalxJob) -> bool:
    """The job's last step recorded False: it ends here, cleanly."""
    return job.last_step_result is False


def run_worker(spec: WorkerSpec) -> None:
    """The target of a worker process."""
    worker = WorkerProcess(spec)
    sys.exit(worker.run())


class _Exit(Exception):
    """Ends the worker with `code`; `requeue` releases the job in hand instead of deleting
    it (a cold exit)."""

    def __init__(self, code: int, reason: str, requeue: bool = False) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.requeue = requeue


class SignalWatcher(threading.Thread):
    """Watches the worker's signal and wakes the main loop when it changes. On our server
    it long-polls (one request per `SIGNAL_WAIT_SECONDS`, answered the moment the signal
    changes, which also marks the worker as seen); on a server without that extension it
    reads the signal every `SIGNAL_POLL_SECONDS`. A daemon: it never keeps a worker alive."""

    def __init__(self, worker: WorkerProcess, wake: threading.Event) -> None:
        super().__init__(name="qalx-signal-watcher", daemon=True)
        self.worker = worker
        self.wake = wake
        self.current = QalxWorkerSignal({})
        self.version: int | None = None
        self.long_poll = True
        self.stopped = threading.Event()

    def _changed(self, fresh: QalxWorkerSignal) -> None:
        if dict(fresh.signal) != dict(self.current.signal):
            self.current = fresh
            self.wake.set()

    def read_once(self, wait: float = 0.0) -> None:
        adapter = self.worker.session.worker
        entity, bot = self.worker.entity, self.worker.bot_entity
        if self.long_poll:
            try:
                fresh, self.version = adapter.wait_for_signal(entity, bot, self.version, wait)
            except (QalxAPINotFound, QalxAPIBadRequest):
                if self.version is not None:  # it worked before: a real error
                    raise
                self.long_poll = False  # a server without the long poll (the hosted one)
                self.worker.log.info("the server has no long-polled signals: polling instead")
            else:
                self._changed(fresh)
                return
        self._changed(adapter.get_signal(entity, bot))

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                if self.long_poll:
                    self.read_once(SIGNAL_WAIT_SECONDS)
                else:
                    self.stopped.wait(SIGNAL_POLL_SECONDS)
                    self.read_once()
            except Exception as exc:  # the API unreachable: try again shortly
                self.worker.log.debug("reading the signal failed: %s", exc)
                self.stopped.wait(SIGNAL_POLL_SECONDS)


class Receiver(threading.Thread):
    """Receives from the queue when the main loop asks, so the main loop can wait for a
    message and a signal at once; and, while a short job runs, prefetches the next one, so a
    busy queue of short jobs never makes a worker wait for its receive. A daemon, for the same
    reason as the watcher.

    A prefetch is a short poll (`WaitTimeSeconds=0`: it takes only what is already waiting, so
    it is over in one request and never outlives the worker's exit for long). What it gets is
    held for the main loop (its heartbeat keeps it in flight) for at most
    `PREFETCH_HOLD_SECONDS`, then released for other workers: a long job does not sit on the
    next one. An empty or failed prefetch is not a result (it must not count towards
    `KILL_AFTER`); a receive asked for meanwhile goes ahead as a long poll."""

    def __init__(self, worker: WorkerProcess, wake: threading.Event) -> None:
        super().__init__(name="qalx-receiver", daemon=True)
        self.worker = worker
        self.wake = wake
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._asked = False
        """The main loop waits for a result (a long poll)."""
        self._prefetch = False
        """A short poll is wanted while a job runs."""
        self._in_flight: int | None = None
        """The wait time of the receive under way, if one is."""
        self._result: list[QueueMessage] | BaseException | None = None

    def ask(self) -> None:
        """Ask for messages (a long poll), unless a receive or its result is under way."""
        with self._lock:
            if self._result is None and not self._asked:
                self._asked = True
                self._changed.notify_all()

    def prefetch(self) -> None:
        """Ask for a short poll, unless the receiver is busy already."""
        with self._lock:
            idle = self._result is None and self._in_flight is None
            if idle and not self._asked and not self._prefetch:
                self._prefetch = True
                self._changed.notify_all()

    def take(self) -> list[QueueMessage] | BaseException | None:
        """The result received for the main loop, if there is one yet."""
        with self._lock:
            found, self._result = self._result, None
            if found is not None:
                self._changed.notify_all()
            return found

    def settle(self, timeout: float) -> list[QueueMessage] | BaseException | None:
        """Wait (up to `timeout` s) for a short poll under way, then take what there is: for a
        worker about to exit, so nothing it received stays in flight."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._in_flight == 0 and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
        return self.take()

    def run(self) -> None:
        config = self.worker.config
        while True:
            with self._lock:
                while not (self._asked or self._prefetch):
                    self._changed.wait()
                waittime = config.msg_waittimeseconds if self._asked else 0
                self._prefetch = False
                self._in_flight = waittime
            try:
                got: list[QueueMessage] | BaseException = self.worker.queue.get_messages(
                    max_num_msg=config.q_msgbatchsize,
                    visibility=config.msg_blackoutseconds,
                    waittime=waittime,
                    worker=self.worker,
                )
            except BaseException as exc:
                got = exc
            expired: list[QueueMessage] = []
            with self._lock:
                self._in_flight = None
                self._changed.notify_all()
                if waittime == 0 and not (isinstance(got, list) and got):
                    if isinstance(got, BaseException):
                        self.worker.log.debug("prefetching failed: %s", got)
                    continue  # nothing to hold: a receive asked for meanwhile goes ahead
                self._result, self._asked = got, False
                self.wake.set()
                if waittime == 0:
                    deadline = time.monotonic() + PREFETCH_HOLD_SECONDS
                    while self._result is got and (left := deadline - time.monotonic()) > 0:
                        self._changed.wait(left)
                    if self._result is got:  # the job in hand is a long one
                        self._result = None
                        assert isinstance(got, list)
                        expired = got
            for message in expired:
                message.release()


class WorkerProcess:
    """The main loop of one worker process."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.bot = spec.bot
        self.index = spec.index
        self.queue_name = spec.queue_name
        self.session = spec.session_class(
            profile_name=spec.bot_profile_name,
            config_class=spec.bot_config_class,
            skip_ini=spec.skip_ini,
        )
        self.session._update_config({**spec.config_overrides, "TOKEN": spec.token})
        for cls in spec.entity_classes:
            self.session.register(cls)
        self.config: BotConfig = self.session.config  # type: ignore[assignment]
        self.log = self._configure_logging()
        self.bot_entity = BotEntity(spec.bot_entity)
        self.entity = Worker(spec.worker_entity)
        self.queue: Queue = self.session.queue.get_by_name(spec.queue_name)
        self.wake = threading.Event()
        self.watcher = SignalWatcher(self, self.wake)
        self.receiver = Receiver(self, self.wake)
        self.reporter = StateReporter(self._patch_entity, self.log)
        self.deleter = MessageDeleter(self.queue, self.log)
        self.jobs_done = 0
        self.jobs_failed = 0
        self.records_failures = True
        """False once the server says it has no job failure records (the hosted service)."""
        self.stopped = False
        self.os_signals = 0
        self._first_os_signal = 0.0
        self.job: QalxJob | None = None
        self._workflow_queues: dict[str, tuple[float, Queue]] = {}
        self._last_job_seconds: float | None = None

    def _configure_logging(self) -> logging.Logger:
        from qalx.logging import configure_logging

        directory = Path(self.config.worker_log_file_dir)
        directory.mkdir(parents=True, exist_ok=True)
        name = self.bot.name.replace(os.sep, "_")
        return configure_logging(
            f"worker.{self.index}",
            directory / f".worker_{name}.{self.index}.log",
            self.config.logging_level,
        )

    # -- the API view of the worker ------------------------------------------------------------
    def _report(self, **fields: Any) -> None:
        """Show `fields` on the worker entity (soon: the reporter thread coalesces them)."""
        self.reporter.report(**fields)

    def _patch_entity(self, fields: Mapping[str, Any]) -> None:
        """PATCH the worker entity; a failure to report is logged, never fatal."""
        try:
            self.session.worker._patch(self.entity, self.bot_entity, fields)
        except QalxError as exc:
            self.log.warning("could not update the worker entity: %s", exc)

    # -- signals -----------------------------------------------------------------------------
    def _on_os_signal(self, number: int, frame: FrameType | None) -> None:
        # One shutdown reaches a worker twice at once when its whole process group is
        # signalled (the signal itself, and the starting process relaying it): only a
        # second request a moment later means "cold".
        now = time.monotonic()
        if self.os_signals and now - self._first_os_signal < COLD_AFTER_SECONDS:
            return
        self.os_signals += 1
        self._first_os_signal = now
        self.log.info("got signal %s (%s)", number, "warm" if self.os_signals == 1 else "cold")
        self.wake.set()

    def _signal(self) -> QalxWorkerSignal:
        return self.watcher.current

    def _check_cold(self) -> None:
        if self.os_signals >= 2:  # an operator's second SIGTERM/Ctrl-C: the job goes back
            raise _Exit(COLD_EXIT, "cold exit on a second signal", requeue=True)
        if self._signal().terminate_cold:
            raise _Exit(COLD_EXIT, "cold exit signal found", requeue=self._signal().requeue_job)

    def _check_full(self) -> None:
        self._check_cold()
        current = self._signal()
        if self.os_signals == 1 or current.terminate_warm or current.terminate:
            raise _Exit(WARM_EXIT, "warm exit signal found")
        if current.stop != self.stopped:
            self.stopped = current.stop
            self.log.info(
                "[%s] %s signal found",
                QalxWorkerSignal.STOP_CODE if self.stopped else QalxWorkerSignal.RESUME_CODE,
                "stop" if self.stopped else "resume",
            )

    def _is_stopped(self) -> bool:
        """The stop flag (read through a call: steps and signal checks change it)."""
        return self.stopped

    # -- steps -------------------------------------------------------------------------------
    def _step(self, name: str) -> Callable[[QalxJob], Any] | None:
        function: Callable[[QalxJob], Any] | None = getattr(self.bot, f"{name}_function", None)
        return function

    def _run_step(self, job: QalxJob, name: str) -> None:
        function = self._step(name)
        if function is None:
            return
        job._current_step = STEP_NAMES[name]
        function(job)

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> int:
        """Work until a signal or KILL_AFTER ends the worker; return its exit code."""
        # The starting process relays SIGINT/SIGTERM to its workers as SIGTERM; a terminal's
        # Ctrl-C reaches every process of the group, so workers ignore SIGINT itself (it
        # would count twice, and turn a warm exit cold).
        os_signal.signal(os_signal.SIGTERM, self._on_os_signal)
        os_signal.signal(os_signal.SIGINT, os_signal.SIG_IGN)
        job = self.job = QalxJob(self)
        try:
            try:
                self.watcher.read_once()
            except QalxAPIResponseError as exc:
                raise _Exit(FAILED_EXIT, f"cannot read the worker's signal: {exc}") from exc
            self.watcher.start()
            self.receiver.start()
            self.reporter.start()
            self.deleter.start()
            try:
                self._run_step(job, "begin")
            except _Exit:
                raise
            except Exception as exc:
                self._log_failure("begin", None, exc)
                raise _Exit(FAILED_EXIT, f"begin failed: {type(exc).__name__}: {exc}") from exc
            self._check_full()
            self._report(state="stopped" if self.stopped else "idle", jobs_done=0, jobs_failed=0)
            self._loop(job)
        except _Exit as done:
            return self._exit(done.code, done.reason)
        finally:  # whatever ends the worker, finished jobs are deleted and its state shown
            self.deleter.close()
            self.reporter.close()
        raise AssertionError("unreachable")

    def _loop(self, first_job: QalxJob) -> NoReturn:
        kill_after = self.config.kill_after
        empty = 0
        failures = 0
        job: QalxJob | None = first_job
        while True:
            self._check_full()
            if self.stopped:
                self._release_received()  # a receive in flight as the stop landed
                self._wait(job or QalxJob(self), timeout=self.config.q_waittimeseconds)
                continue
            self.receiver.ask()
            got = self.receiver.take()  # one may have come in while something else woke us
            if got is None:
                self.wake.wait(timeout=self.config.msg_waittimeseconds + 5.0)
                self.wake.clear()
                got = self.receiver.take()
            if got is None:  # a signal woke us: look at it first
                continue
            if isinstance(got, BaseException):
                failures += 1
                self.log.error("receiving from the queue failed (%d in a row): %s", failures, got)
                if failures >= MAX_LOOP_FAILURES:
                    raise _Exit(FAILED_EXIT, f"the queue stayed unreachable: {got}")
                time.sleep(min(30.0, 0.5 * 2**failures))
                continue
            failures = 0
            if not got:
                empty += 1
                self._wait(job or QalxJob(self), timeout=0)
                if kill_after is not None and empty >= kill_after:
                    raise _Exit(CONFIG_EXIT, "KILL_AFTER reached")
                continue
            empty = 0
            for position, message in enumerate(got):
                try:
                    self._check_full()
                except _Exit:
                    for rest in got[position:]:
                        rest.release()
                    raise
                if self._is_stopped():
                    for rest in got[position:]:
                        rest.release()
                    break
                this_job = job if job is not None else QalxJob(self)
                job = None
                if position == len(got) - 1 and self._jobs_are_short():
                    self.receiver.prefetch()  # the next job, received while this one runs
                self._process(this_job, message)

    def _jobs_are_short(self) -> bool:
        """The last job took less than `PREFETCH_AFTER_SECONDS` (unknown before the first)."""
        last = self._last_job_seconds
        return last is not None and last < PREFETCH_AFTER_SECONDS

    def _release_received(self, settle: float = 0.0) -> None:
        """Put back what the receiver got for a worker that will not work on it now (waiting
        up to `settle` s for a prefetch under way)."""
        pending = self.receiver.settle(settle)
        if isinstance(pending, list):
            for message in pending:
                message.release()

    def _wait(self, job: QalxJob, timeout: float) -> None:
        """Run `onwait` (a failure is logged, not fatal), then wait for a signal."""
        job.message = None
        try:
            self._run_step(job, "onwait")
        except Exception as exc:
            self._log_failure("onwait", None, exc)
        if timeout:
            self.wake.wait(timeout=timeout)
            self.wake.clear()
        self._check_cold()

    # -- one job -----------------------------------------------------------------------------
    def _process(self, job: QalxJob, message: QueueMessage) -> None:
        started = time.monotonic()
        try:
            self._process_job(job, message)
        finally:
            self._last_job_seconds = time.monotonic() - started

    def _process_job(self, job: QalxJob, message: QueueMessage) -> None:
        self.job = job
        job.message = message
        entity_type, guid = message.body.get("entity_type"), message.body.get("entity_guid")
        try:
            current: dict[str, Any] | None = {
                "entity_type": entity_type,
                "entity_guid": as_guid(guid),
                "since": dt.datetime.now(dt.UTC),
            }
        except QalxError:
            current = None  # a malformed message: the pipeline deals with it
        self._report(state="active", job=current)
        try:
            outcome = self._pipeline(job, message)
        except _Exit as done:
            if done.code == COLD_EXIT and done.requeue:
                message.release()
            elif done.code == COLD_EXIT:  # a cold terminate without requeue_job, as asked
                self.queue.delete_message(message)
            raise
        except Exception as exc:
            self._fail(job, message, exc)
            return
        if outcome == "released":
            message.release()
            self._report(state="stopped", job=None)
            return
        self.deleter.delete(message)
        self.jobs_done += 1
        self._report(state="idle", job=None, jobs_done=self.jobs_done)

    def _pipeline(self, job: QalxJob, message: QueueMessage) -> str:
        """Run the steps; return "done" (delete the message) or "released" (put it back)."""
        self._run_step(job, "preload")
        self._check_cold()
        if self.stopped:
            return "released"
        if job.last_step_result is False:
            return "done"
        entity_type = message.body.get("entity_type")
        guid = message.body.get("entity_guid")
        if entity_type not in ("item", "set", "group") or not guid:
            self.log.error("a message without an item, set or group: %s", message.body)
            return "done"  # it can never succeed: retrying it only delays the dead letter
        entity = job.get_entity(str(entity_type), guid)
        if entity is None:
            return "done"  # the entity is gone (logged by get_entity)
        job.entity = entity
        for name in PIPELINE:
            if self._is_stopped() or _failed(job):
                break
            self._run_step(job, name)
            self._check_cold()
            if self.config.save_intermittent and job._entity is not None:
                job.save_entity()
        if not self.config.skip_final_save and job._entity is not None:
            job.save_entity()
        if job.do_workflow and job._entity is not None:
            self._workflow(job)
        return "done"

    def _fail(self, job: QalxJob, message: QueueMessage, exc: Exception) -> None:
        """A failed job: logged, counted, recorded against its message (for the dead-letter
        listing), shown in the worker's status with its attempt, and its message released for
        another attempt (the broker's receive limit sends it to the dead letters). The record
        goes first, so records arrive in the order of the attempts."""
        self.jobs_failed += 1
        self._log_failure(job._current_step, message, exc)
        error = f"{type(exc).__name__}: {exc}"
        self._record_failure(job._current_step, message, error)
        message.release()
        entity = f"{message.body.get('entity_type')} {message.body.get('entity_guid')}"
        failure = f"job failed in {job._current_step} ({entity}){self._attempt(message)}: {error}"
        self._report(
            state="idle", job=None, jobs_failed=self.jobs_failed, status={"message": failure}
        )

    def _attempt(self, message: QueueMessage) -> str:
        """`, attempt 2 of 5` (of the queue's receive limit, when it names one), or `""`."""
        if message.receive_count is None:
            return ""
        limit = (self.queue.get("parameters") or {}).get("maxReceiveCount")
        return f", attempt {message.receive_count}" + (f" of {limit}" if limit else "")

    def _record_failure(self, step: str, message: QueueMessage, error: str) -> None:
        """Record the failure against the message, best-effort: a failure to record is
        logged, never fatal; a server without the extension (404/405, as the hosted service)
        is not asked again by this worker."""
        if not self.records_failures:
            return
        try:
            self.session.queue.record_failure(
                self.queue, message, error, step=step, bot=self.bot_entity, worker=self.entity
            )
        except Exception as exc:
            if isinstance(exc, QalxAPIResponseError) and exc.status_code in (404, 405):
                self.records_failures = False
                self.log.info("the server does not record job failures: not sending them")
            else:
                self.log.warning("could not record the job failure: %s", exc)

    def _log_failure(self, step: str, message: QueueMessage | None, exc: BaseException) -> None:
        extra = {}
        if message is not None:
            extra = {
                "entity_type": str(message.body.get("entity_type")),
                "entity_guid": str(message.body.get("entity_guid")),
            }
        self.log.error("step %s failed: %s", step, exc, exc_info=exc, extra=extra)

    # -- workflow ----------------------------------------------------------------------------
    def _workflow(self, job: QalxJob) -> None:
        """Send the finished entity to the queue of each next bot (by name; for a factory
        bot, by its plan name within the same factory)."""
        factory = ((self.bot_entity.get("meta") or {}).get("pyqalx") or {}).get("factory_guid")
        for name in self.spec.workflow:
            target = self._workflow_target(name, factory)
            if target is not None:
                type(job.entity).add_to_queue(job.entity, target)

    def _workflow_target(self, name: str, factory: Any) -> Queue | None:
        """The queue of next bot `name`, looked up once per `WORKFLOW_CACHE_SECONDS` (two
        requests and a new SQS client per job otherwise); None (logged) when there is none."""
        now = time.monotonic()
        cached = self._workflow_queues.get(name)
        if cached is not None and cached[0] > now:
            return cached[1]
        target = self._find_workflow_target(name, factory)
        if target is not None:
            self._workflow_queues[name] = (now + WORKFLOW_CACHE_SECONDS, target)
        return target

    def _find_workflow_target(self, name: str, factory: Any) -> Queue | None:
        query: dict[str, Any] = {"name": name}
        if factory is not None:
            query = {
                "metadata.data._class": "pyqalx.factory",
                "metadata.data.pyqalx.plan_bot_name": name,
                "metadata.data.pyqalx.factory_guid": factory,
            }
        found = self.session.bot.find(query=query, limit=2).data
        if len(found) != 1:
            self.log.warning("workflow: %d bots match %r; skipped", len(found), name)
            return None
        queue_name = (found[0].get("config") or {}).get("queue_name")
        if not queue_name:
            self.log.warning("workflow: bot %r names no queue; skipped", name)
            return None
        return self.session.queue.get_by_name(str(queue_name))

    # -- the end -------------------------------------------------------------------------------
    def _exit(self, code: int, reason: str) -> int:
        job = self.job or QalxJob(self)
        job._current_step = STEP_NAMES["ontermination"]
        try:
            function = self._step("ontermination")
            if function is not None:
                function(job)
        except Exception as exc:
            self._log_failure("ontermination", None, exc)
        self.watcher.stopped.set()
        if self.receiver.is_alive():  # first: other workers can take it meanwhile
            self._release_received(settle=EXIT_SETTLE_SECONDS)
        self.deleter.close()
        self._report(status={"message": reason}, job=None)
        self.reporter.close()
        self.log.info("[%s] %s", code, reason)
        return code
