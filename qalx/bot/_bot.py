"""`Bot`: step functions registered by decorators, and `start`, which makes the bot entity and
its workers through the API and runs one worker process per worker."""

from __future__ import annotations

import multiprocessing
import signal as os_signal
from collections.abc import Callable, Iterable, Mapping
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from qalx.config import BotConfig, UserConfig
from qalx.entities import QalxEntity
from qalx.errors import (
    QalxBotInitialisationFailed,
    QalxError,
    QalxStepFunctionNotDefined,
)

from ._job import QalxJob
from ._worker import COLD_EXIT, CONFIG_EXIT, WARM_EXIT, WorkerSpec, run_worker

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from qalx.session import QalxSession

StepFunction = Callable[[QalxJob], Any]
InitialisationFunction = Callable[["QalxSession"], Any]
S = TypeVar("S", bound=StepFunction)
I = TypeVar("I", bound=InitialisationFunction)  # noqa: E741

START_METHODS = ("fork", "spawn", "forkserver")
EXPECTED_EXITS = frozenset(
    code for exit in (WARM_EXIT, COLD_EXIT, CONFIG_EXIT) for code in (exit, exit % 256)
)
"""How a worker may end: warm, cold or KILL_AFTER exits (POSIX reports them mod 256)."""


class Bot:
    """A bot: reads jobs from a queue and runs its step functions over each.

    The decorators return the function they decorate (pyqalx's return None), so a step stays
    callable and testable by its own name."""

    def __init__(self, bot_name: str) -> None:
        if not isinstance(bot_name, str) or not bot_name.strip():
            raise QalxError(f"a bot needs a name (a non-empty str); got {bot_name!r}")
        self.name = bot_name
        self.initialisation_function: InitialisationFunction | None = None
        self.begin_function: StepFunction | None = None
        self.preload_function: StepFunction | None = None
        self.onload_function: StepFunction | None = None
        self.preprocess_function: StepFunction | None = None
        self.process_function: StepFunction | None = None
        self.precompletion_function: StepFunction | None = None
        self.postprocess_function: StepFunction | None = None
        self.onwait_function: StepFunction | None = None
        self.ontermination_function: StepFunction | None = None
        self.bot_entity: Any = None
        self.worker_exit_codes: list[int | None] = []
        """Each worker process's exit code once `start` returns (72591 warm, 72592 cold,
        72593 KILL_AFTER, 1 a worker that could not go on; a negative one: killed by that
        signal)."""

    def __repr__(self) -> str:
        return f"<Bot {self.name!r}>"

    @property
    def failed_workers(self) -> list[int]:
        """The workers (by index) of the last `start` that did not end by a signal or by
        KILL_AFTER: they crashed, were killed, or could not go on."""
        return [i for i, code in enumerate(self.worker_exit_codes) if code not in EXPECTED_EXITS]

    # -- the steps ---------------------------------------------------------------------------
    def initialisation(self, func: I) -> I:
        """Run once in the starting process, with the user session, before any worker; a
        falsy return stops the start (`QalxBotInitialisationFailed`)."""
        self.initialisation_function = func
        return func

    def begin(self, func: S) -> S:
        """Run once in each worker as it starts."""
        self.begin_function = func
        return func

    def preload(self, func: S) -> S:
        """Run for each job before its entity is loaded."""
        self.preload_function = func
        return func

    def onload(self, func: S) -> S:
        """Run for each job once its entity is loaded."""
        self.onload_function = func
        return func

    def preprocess(self, func: S) -> S:
        """Run for each job before `process`."""
        self.preprocess_function = func
        return func

    def process(self, func: S) -> S:
        """The job's work (required)."""
        self.process_function = func
        return func

    def precompletion(self, func: S) -> S:
        """Run for each job after `process`."""
        self.precompletion_function = func
        return func

    def postprocess(self, func: S) -> S:
        """Run for each job last, before the final save."""
        self.postprocess_function = func
        return func

    def onwait(self, func: S) -> S:
        """Run each time the worker waits: the queue was empty, or the worker is stopped."""
        self.onwait_function = func
        return func

    def ontermination(self, func: S) -> S:
        """Run just before a worker exits on a signal or on KILL_AFTER."""
        self.ontermination_function = func
        return func

    # -- starting ----------------------------------------------------------------------------
    def start(
        self,
        queue_name: str,
        processes: int = 1,
        qalx_session_class: type[QalxSession] | None = None,
        user_config_class: type[UserConfig] | None = None,
        bot_config_class: type[BotConfig] | None = None,
        entity_classes: Iterable[type[QalxEntity]] | None = None,
        user_profile_name: str = "default",
        bot_profile_name: str = "default",
        skip_ini: bool = False,
        stop: bool = False,
        meta: Mapping[str, Any] | None = None,
        workflow: Iterable[str] | None = None,
        *,
        start_method: str | None = None,
    ) -> None:
        """Create the bot and `processes` workers through the API and run them until they
        exit (warm or cold terminate, KILL_AFTER). A first SIGINT/SIGTERM asks every worker
        for a warm exit, a second for a cold one. `start_method` (a qalx addition) picks
        multiprocessing's `fork`, `spawn` or `forkserver`; the platform default otherwise."""
        from qalx.session import QalxSession

        flow = _workflow(workflow)
        if not isinstance(queue_name, str) or not queue_name:
            raise QalxError(f"queue_name must be a non-empty str; got {queue_name!r}")
        if not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
            raise QalxError(f"processes must be an int ≥ 1; got {processes!r}")
        if self.process_function is None:
            raise QalxStepFunctionNotDefined(f"bot {self.name!r} has no `process` step")
        if start_method is not None and start_method not in START_METHODS:
            raise QalxError(f"start_method must be one of {START_METHODS}; got {start_method!r}")
        classes = tuple(entity_classes or ())
        session_class = qalx_session_class or QalxSession
        user_class = user_config_class or UserConfig
        bot_class = bot_config_class or BotConfig
        user = session_class(
            profile_name=user_profile_name, config_class=user_class, skip_ini=skip_ini
        )
        bot_session = session_class(
            profile_name=bot_profile_name, config_class=bot_class, skip_ini=skip_ini
        )
        user.queue.get_or_create(queue_name)
        overrides = {"queue_name": queue_name, "REGION": user.config.region}
        config = {k: v for k, v in {**bot_session.config, **overrides}.items() if k != "TOKEN"}
        bot_entity = user.bot.add(self.name, config=config, meta=dict(meta or {}))
        self.bot_entity = bot_entity
        for cls in classes:
            bot_session.register(cls)
        if self.initialisation_function is not None and not self.initialisation_function(user):
            raise QalxBotInitialisationFailed(
                f"bot {self.name!r}: initialisation returned {False!r}-like; not starting"
            )
        token = bot_entity["info"]["credentials"]["token"]
        bot_session._update_config({**overrides, "TOKEN": token})
        bot_entity = bot_session.bot.replace_workers(bot_entity, processes)
        self.bot_entity = bot_entity
        if stop:
            bot_session.bot.stop(bot_entity)
        context: Any = multiprocessing.get_context(start_method)
        workers: list[BaseProcess] = []
        for index, worker in enumerate(bot_entity.workers):
            spec = WorkerSpec(
                bot=self,
                index=index,
                bot_entity=_plain(bot_entity),
                worker_entity=_plain(worker),
                queue_name=queue_name,
                token=token,
                session_class=session_class,
                bot_config_class=bot_class,
                user_config_class=user_class,
                bot_profile_name=bot_profile_name,
                skip_ini=skip_ini,
                config_overrides=overrides,
                entity_classes=classes,
                workflow=flow,
            )
            workers.append(
                context.Process(target=run_worker, args=(spec,), name=f"{self.name}-{index}")
            )
        user.close()
        bot_session.close()
        self._run(workers)

    def _run(self, workers: list[BaseProcess]) -> None:
        """Start the workers and wait for them all; pass SIGINT/SIGTERM on to them."""
        received = {"count": 0}

        def relay(number: int, frame: FrameType | None) -> None:
            received["count"] += 1
            for process in workers:
                if process.is_alive() and process.pid is not None:
                    try:
                        import os

                        os.kill(process.pid, os_signal.SIGTERM)
                    except ProcessLookupError:
                        pass

        previous = {n: os_signal.signal(n, relay) for n in (os_signal.SIGTERM, os_signal.SIGINT)}
        try:
            for process in workers:
                process.start()
            for process in workers:
                process.join()
        finally:
            for number, handler in previous.items():
                os_signal.signal(number, handler)
        self.worker_exit_codes = [p.exitcode for p in workers]


def _workflow(workflow: Iterable[str] | None) -> tuple[str, ...]:
    if workflow is None:
        return ()
    if isinstance(workflow, str) or not all(isinstance(name, str) for name in workflow):
        raise QalxError(f"workflow must be a list of bot names (str); got {workflow!r}")
    return tuple(workflow)


def _plain(entity: Mapping[str, Any]) -> dict[str, Any]:
    """An entity as plain dicts (pickles the same under every start method)."""
    from qalx.entities import QalxAddict

    if isinstance(entity, QalxAddict):
        return entity.to_dict()
    return dict(entity)
