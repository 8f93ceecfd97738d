"""The exceptions of the qalx SDK: pyqalx's names and meanings, so existing handlers keep
working (runtime-contract §5)."""

from __future__ import annotations

from typing import Any


class QalxError(Exception):
    """The base of every qalx error."""


class QalxConfigError(QalxError):
    """A configuration value or source is wrong; the message names the key."""


class QalxConfigFileNotFound(QalxConfigError):
    """The config file (`~/.qalx` or `~/.bots`) does not exist."""


class QalxConfigProfileNotFound(QalxConfigError):
    """The config file has no section for the profile asked for."""


class QalxAPIResponseError(QalxError):
    """The API answered with a status of 400 or more, or could not be reached."""

    def __init__(self, message: str, *, status_code: int | str = "", errors: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.errors = errors if errors is not None else []
