"""Log files of qalx sessions and workers (pyqalx's `pyqalx.core.log`, runtime-contract §4.5-4.6).

Each session or worker logs through its own logger, `qalx.<name>` (`qalx.user.<profile>`,
`qalx.bot.<profile>`, `qalx.worker.<index>`), to a size-rotated file, one line per record:

    2024-05-01 12:00:00,123 qalx.user.default INFO     4242 saved item
    ... Entity Type: `item` Entity GUID: `0b7e...`      (when the record carries both extras)

Where qalx differs from pyqalx 0.19.2, on purpose:

* Logger names start with `qalx.` (`LOGGER_NAME_PREFIX`), not `pyqalx.`.
* A new handler appends to an existing log file; pyqalx asked for mode "w", truncating the
  shared file whenever a process set up its logging.
* Any `OSError` during rotation (not only `PermissionError`) is swallowed, so a log that cannot
  be rotated keeps growing and logging goes on.
* Importing qalx never replaces `sys.excepthook`; `install_exception_hook()` does, on request.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from logging.handlers import RotatingFileHandler
from types import TracebackType
from typing import Any

from qalx.config import BotConfig, Config, UserConfig
from qalx.errors import QalxConfigError, QalxError

__all__ = [
    "BACKUP_COUNT",
    "LOGGER_NAME_PREFIX",
    "LOG_FORMAT",
    "MAX_BYTES",
    "QalxLogFormatter",
    "QalxRotatingFileHandler",
    "configure_logging",
    "exception_hook",
    "get_logger",
    "install_exception_hook",
    "session_logging_suffix",
]

#: The first part of the name of every logger qalx configures (pyqalx used "pyqalx").
LOGGER_NAME_PREFIX = "qalx"
#: A log file is rotated once it would grow past this many bytes...
MAX_BYTES = 10 * 1024 * 1024
#: ... keeping this many older files (`<file>.1` the newest).
BACKUP_COUNT = 10
#: The layout of a line: time, logger name, level, process id, message.
LOG_FORMAT = "%(asctime)s %(name)-12s %(levelname)-8s %(process)d %(message)s"
#: Added to the layout when a record carries `entity_type` and `entity_guid` extras.
ENTITY_FORMAT = " Entity Type: `%(entity_type)s` Entity GUID: `%(entity_guid)s`"

ExcInfoHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


class QalxRotatingFileHandler(RotatingFileHandler):
    """A file handler with qalx's settings: appends to the file, rotates it at 10 MiB keeping
    10 backups, and keeps logging (to the unrotated file) when rotation fails, as it can when
    several processes share a log."""

    def __init__(
        self,
        filename: str | os.PathLike[str],
        mode: str = "a",
        maxBytes: int = MAX_BYTES,
        backupCount: int = BACKUP_COUNT,
        encoding: str | None = None,
        delay: bool = False,
        errors: str | None = None,
    ) -> None:
        super().__init__(
            filename,
            mode=mode,
            maxBytes=maxBytes,
            backupCount=backupCount,
            encoding=encoding,
            delay=delay,
            errors=errors,
        )

    def rotate(self, source: str, dest: str) -> None:
        """Move `source` to `dest`, ignoring a failure (the file then grows past the limit
        until a later rotation succeeds)."""
        with contextlib.suppress(OSError):
            super().rotate(source, dest)

    def doRollover(self) -> None:
        """Rotate the files; if moving the older backups fails, keep writing to the current
        file rather than losing the record."""
        try:
            super().doRollover()
        except OSError:
            if self.stream is None and not self.delay:
                self.stream = self._open()


class QalxLogFormatter(logging.Formatter):
    """qalx's line layout (`LOG_FORMAT`), ending with the entity's type and guid when the record
    carries both as extras. `style` is accepted for pyqalx's signature; the layout is fixed."""

    def __init__(self, style: str = "%", datefmt: str | None = None) -> None:
        super().__init__(fmt=LOG_FORMAT, datefmt=datefmt, style="%")
        self.style = style
        self._entity_style = logging.PercentStyle(LOG_FORMAT + ENTITY_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        fields = record.__dict__
        if "entity_type" in fields and "entity_guid" in fields:
            return self._entity_style.format(record)
        return super().formatMessage(record)


def _level(level: str | int) -> int | str:
    if isinstance(level, str):
        name = level.strip().upper()
        if name not in logging.getLevelNamesMapping():
            raise QalxConfigError(f"logging level {level!r} is not a level name")
        return name
    return level


def configure_logging(
    name: str, filename: str | os.PathLike[str], level: str | int
) -> logging.Logger:
    """The logger `qalx.<name>`, writing to `filename` at `level` (a level name in any case, or
    a number). Calling it again for the same name adds no second handler: the first handler is
    kept (with its file) and the level updated."""
    logger = logging.getLogger(f"{LOGGER_NAME_PREFIX}.{name}")
    resolved = _level(level)
    handler = next((h for h in logger.handlers if isinstance(h, QalxRotatingFileHandler)), None)
    if handler is None:
        handler = QalxRotatingFileHandler(filename)
        handler.setFormatter(QalxLogFormatter())
        logger.addHandler(handler)
    handler.setLevel(resolved)
    logger.setLevel(resolved)
    return logger


def session_logging_suffix(config: Config | type[Config]) -> str:
    """The middle of a config's prefix, lower-case: `user` for `QALX_USER_`, `bot` for
    `QALX_BOT_`; sessions log to `qalx.<suffix>.<profile>`."""
    parts = config.key_prefix.split("_")
    if len(parts) < 2 or not parts[1]:
        raise QalxConfigError(f"config prefix {config.key_prefix!r} has no session kind")
    return parts[1].lower()


def get_logger() -> logging.Logger:
    """The logger an unhandled error is best reported to: a user session's if one is set up
    (the longest-named), else a bot session's, else the root logger."""
    names = [
        name
        for name, found in logging.root.manager.loggerDict.items()
        if isinstance(found, logging.Logger)
    ]
    for config_class in (UserConfig, BotConfig):
        stem = f"{LOGGER_NAME_PREFIX}.{session_logging_suffix(config_class)}"
        candidates = [n for n in names if n == stem or n.startswith(stem + ".")]
        if candidates:
            return logging.getLogger(max(candidates, key=len))
    return logging.getLogger()


def _report(
    exc_type: type[BaseException],
    exc_value: BaseException,
    exc_traceback: TracebackType | None,
    extra: Mapping[str, object] | None,
    log: logging.Logger | None,
) -> bool:
    """Log an exception; print a qalx error's traceback. True if it was a qalx error."""
    log = log or get_logger()
    exc_info = (exc_type, exc_value, exc_traceback)
    qalx_error = issubclass(exc_type, QalxError)
    if log.hasHandlers():  # else logging's last resort would print the traceback a second time
        message = "Qalx Exception:" if qalx_error else "Unhandled Exception:"
        log.error(message, exc_info=exc_info, extra=extra)
    if qalx_error:
        traceback.print_exception(exc_type, exc_value, exc_traceback, chain=False)
    return qalx_error


def exception_hook(
    exc_type: type[BaseException],
    exc_value: BaseException,
    exc_traceback: TracebackType | None,
    extra: Mapping[str, object] | None = None,
    log: logging.Logger | None = None,
) -> None:
    """Log an exception to `log` (or `get_logger()`). A `QalxError` (the type bots report step
    failures under) is logged as "Qalx Exception:", its traceback printed, and not raised; any
    other exception is logged as "Unhandled Exception:" and raised again. A KeyboardInterrupt
    goes to Python's default hook, unlogged."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc_value, exc_traceback)
        return
    if _report(exc_type, exc_value, exc_traceback, extra, log):
        return
    raise exc_value.with_traceback(exc_traceback)


def _excepthook(
    exc_type: type[BaseException], exc_value: BaseException, exc_traceback: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt) or not _report(
        exc_type, exc_value, exc_traceback, None, None
    ):
        sys.__excepthook__(exc_type, exc_value, exc_traceback)


def install_exception_hook() -> ExcInfoHook:
    """Make uncaught exceptions go through `exception_hook` (logged, then a qalx error's
    traceback printed; any other error shown by Python's default hook as usual). Returns the
    hook it replaced, to put back with `sys.excepthook = previous`. Nothing calls this on
    import."""
    global _replaced_hook
    if sys.excepthook is not _excepthook:
        _replaced_hook = sys.excepthook
        sys.excepthook = _excepthook
    return _replaced_hook


_replaced_hook: ExcInfoHook = sys.__excepthook__
