"""Worker signals (pyqalx's `pyqalx.core.signals`, runtime-contract §2, wire-contract §5.6).

A worker entity carries a `signal` dict of booleans, written by stop/resume/terminate through a
PATCH of the worker and read back by the worker between jobs and steps. `QalxWorkerSignal`
reads such a dict and builds the documents to send:

    stop            {"stop": true}
    resume          {"stop": false}
    warm terminate  {"terminate": true, "warm": true}
    cold terminate  {"terminate": true, "requeue_job": <bool>, "cold": true}

and the exit updates a worker publishes as its status before it exits (`{"update": message,
"code": code}`; `status_document(update)` gives the `{"status": {"message": ...}}` body).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypedDict

from qalx.errors import QalxError

__all__ = ["ExitUpdate", "QalxSignal", "QalxWorkerSignal"]


class ExitUpdate(TypedDict):
    """Why a worker is exiting or changing state: the status message and its code."""

    update: str
    code: int


class QalxSignal:
    """The signal of a worker, read from the entity's `signal` mapping (an entity without one
    reads as no signal at all)."""

    BASE_EXIT_CODE: ClassVar[int] = 72590
    TERMINATE_WARM_CODE: ClassVar[int] = 72591
    TERMINATE_COLD_CODE: ClassVar[int] = 72592
    CONFIG_TERMINATE_CODE: ClassVar[int] = 72593
    RESUME_CODE: ClassVar[int] = 72594
    STOP_CODE: ClassVar[int] = 72595
    COLD_EXIT_KEY: ClassVar[str] = "cold"
    WARM_EXIT_KEY: ClassVar[str] = "warm"
    REQUEUE_JOB_KEY: ClassVar[str] = "requeue_job"
    STOP_KEY: ClassVar[str] = "stop"
    TERMINATE_KEY: ClassVar[str] = "terminate"

    def __init__(self, entity: Mapping[str, Any]) -> None:
        signal = entity.get("signal")
        self.signal: Mapping[str, Any] = signal if isinstance(signal, Mapping) else {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict(self.signal)!r}>"

    # -- reading -------------------------------------------------------------------------------

    @property
    def terminate(self) -> bool:
        """Whether the worker is asked to terminate (warm or cold)."""
        return bool(self.signal.get(self.TERMINATE_KEY))

    @property
    def terminate_cold(self) -> bool:
        """Whether the worker is asked to terminate now, mid-job."""
        return self.terminate and bool(self.signal.get(self.COLD_EXIT_KEY))

    @property
    def terminate_warm(self) -> bool:
        """Whether the worker is asked to terminate once its current job is done."""
        return self.terminate and bool(self.signal.get(self.WARM_EXIT_KEY))

    @property
    def requeue_job(self) -> bool:
        """Whether the job in hand goes back to the queue on a cold terminate."""
        return bool(self.signal.get(self.REQUEUE_JOB_KEY))

    @property
    def stop(self) -> bool:
        """Whether the worker is asked to stop taking jobs (until resumed)."""
        return bool(self.signal.get(self.STOP_KEY))

    # -- signal documents ----------------------------------------------------------------------

    @classmethod
    def build_signal(cls, key: str, value: bool) -> dict[str, bool]:
        """One signal key: `{key: value}`."""
        return {key: value}

    @classmethod
    def stop_signal(cls, stop: bool) -> dict[str, bool]:
        """The signal to stop (`True`) or resume (`False`) a worker."""
        return cls.build_signal(cls.STOP_KEY, bool(stop))

    @classmethod
    def terminate_signal(cls, warm: bool = True, requeue_job: bool = False) -> dict[str, bool]:
        """The signal to terminate: the terminate key alone here; `QalxWorkerSignal` adds how."""
        return cls.build_signal(cls.TERMINATE_KEY, True)

    # -- exit updates --------------------------------------------------------------------------

    @classmethod
    def build_update(cls, update: str, code: int) -> ExitUpdate:
        """A status message with its code."""
        return {"update": update, "code": code}

    @classmethod
    def warm_exit_update(cls) -> ExitUpdate:
        """Published when a worker exits on a warm terminate."""
        return cls.build_update(f"{cls.WARM_EXIT_KEY} exit signal found", cls.TERMINATE_WARM_CODE)

    @classmethod
    def cold_exit_update(cls) -> ExitUpdate:
        """Published when a worker exits on a cold terminate."""
        return cls.build_update(f"{cls.COLD_EXIT_KEY} exit signal found", cls.TERMINATE_COLD_CODE)

    @classmethod
    def config_exit_update(cls) -> ExitUpdate:
        """Published when a worker exits because `KILL_AFTER` empty polls were reached."""
        return cls.build_update("KILL_AFTER reached", cls.CONFIG_TERMINATE_CODE)

    @classmethod
    def stop_or_resume_update(cls, stop: bool) -> ExitUpdate:
        """Logged when a worker notices its stop signal changed."""
        if stop:
            return cls.build_update("stop signal found", cls.STOP_CODE)
        return cls.build_update("resume signal found", cls.RESUME_CODE)

    @staticmethod
    def status_document(update: ExitUpdate | str) -> dict[str, dict[str, str]]:
        """The body that publishes an update as a worker's status: `{"status": {"message": …}}`."""
        message = update if isinstance(update, str) else update["update"]
        return {"status": {"message": message}}

    # pyqalx's names.
    _build_signal = build_signal
    _stop_signal = stop_signal
    _build_update = build_update
    _warm_exit_update = warm_exit_update
    _cold_exit_update = cold_exit_update
    _config_exit_update = config_exit_update
    _stop_or_resume_update = stop_or_resume_update

    @classmethod
    def _terminate_signal(
        cls, warm: bool = True, requeue_job: bool | None = None, **_ignored: object
    ) -> dict[str, bool]:
        # pyqalx's adapters pass their own keyword arguments (bot_entity=...) through.
        return cls.terminate_signal(warm=warm, requeue_job=bool(requeue_job))

    @classmethod
    def _terminate_warm_signal(cls) -> dict[str, bool]:
        return cls.build_signal(cls.WARM_EXIT_KEY, True)


class QalxWorkerSignal(QalxSignal):
    """The signal of one worker, and how to terminate a worker warm or cold."""

    @classmethod
    def terminate_signal(cls, warm: bool = True, requeue_job: bool = False) -> dict[str, bool]:
        """The signal to terminate a worker: warm (after its current job) or cold (now,
        `requeue_job` saying whether the job in hand goes back to the queue). A warm terminate
        cannot requeue: `QalxError`."""
        if warm and requeue_job:
            raise QalxError(
                "a warm terminate lets the current job finish, so it cannot requeue it;"
                " terminate cold to requeue, or add the job to the queue yourself"
            )
        signal = super().terminate_signal()
        if warm:
            return {**signal, **cls.build_signal(cls.WARM_EXIT_KEY, True)}
        return {**signal, **cls.terminate_cold_signal(requeue_job)}

    @classmethod
    def terminate_cold_signal(cls, requeue_job: bool) -> dict[str, bool]:
        """The part of a cold terminate after `terminate`: `requeue_job`, then `cold`."""
        return {
            **cls.build_signal(cls.REQUEUE_JOB_KEY, bool(requeue_job)),
            **cls.build_signal(cls.COLD_EXIT_KEY, True),
        }

    _terminate_cold_signal = terminate_cold_signal
