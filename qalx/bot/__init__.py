"""The bot runtime: `Bot`, its step decorators and `start`, the `QalxJob` steps are given, and
the worker processes that run them."""

from ._bot import START_METHODS, Bot
from ._job import QalxJob
from ._worker import COLD_EXIT, CONFIG_EXIT, FAILED_EXIT, WARM_EXIT, WorkerProcess

Worker = WorkerProcess
"""pyqalx's name for a worker process (`pyqalx.bot.Worker`)."""

__all__ = [
    "COLD_EXIT",
    "CONFIG_EXIT",
    "FAILED_EXIT",
    "START_METHODS",
    "WARM_EXIT",
    "Bot",
    "QalxJob",
    "Worker",
    "WorkerProcess",
]
