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


class QalxAuthError(QalxError):
    """No way to authenticate was found, or authentication failed (pyqalx never raises it)."""


class QalxNoGUIDError(QalxError):
    """An entity without a guid was saved or otherwise used where a guid is needed."""


class QalxNoInfoError(QalxError):
    """An entity has no `info` where one is needed (pyqalx never raises it)."""


class QalxQueueError(QalxError):
    """A queue cannot be used as asked: a bad payload, entity type or queue information."""


class QalxBotInitialisationFailed(QalxError):
    """A bot's initialisation function returned a falsy value."""


class QalxEntityTypeNotFound(QalxError):
    """The entity type asked for is not known (pyqalx never raises it)."""


class QalxEntityNotFound(QalxError):
    """A lookup that needs exactly one entity (find_one, get_by_name) matched none."""


class QalxMultipleEntityReturned(QalxError):
    """A lookup that needs exactly one entity (find_one, get_by_name) matched several."""


class QalxEntityUnchanged(QalxError):
    """An entity was saved without having changed (pyqalx never raises it)."""


class QalxInvalidSession(QalxError):
    """An adapter was given something that is not a qalx session."""


class QalxNoEntity(QalxError):
    """An adapter's entity was used before one was set (pyqalx never raises it)."""


class QalxIncorrectEntityType(QalxError):
    """An entity class has no entity type, or not the type its adapter handles."""


class QalxFileError(QalxError):
    """The file given to an entity cannot be used: no name, a bad path, or conflicting options."""


class QalxAlreadyRegistered(QalxError):
    """The entity class is already registered with the session."""


class QalxCannotUnregister(QalxError):
    """The entity class cannot be unregistered (it is a built-in one)."""


class QalxRegistrationClassNotFound(QalxError):
    """The class given to register is not an entity class."""


class QalxInvalidBlueprintError(QalxError):
    """A blueprint is not valid: not a Blueprint, no entity type, or a badly nested set."""


class QalxInvalidTagError(QalxError):
    """The API rejected a tag: the user may not write it."""


class QalxStepFunctionNotDefined(QalxError):
    """A bot step function that is required (`process`) has not been defined."""


class QalxFileRetrievalError(QalxError):
    """A file could not be downloaded from qalx, even after retrying."""


class QalxFactoryError(QalxError):
    """A factory cannot be planned, packed, built or demolished; the base of the four below."""


class QalxFactoryValidationError(QalxFactoryError):
    """A factory plan is missing or was rejected when validated."""


class QalxFactoryPackError(QalxFactoryError):
    """A factory's bots could not be packed."""


class QalxFactoryBuildError(QalxFactoryError):
    """A factory could not be built."""


class QalxFactoryDemolishError(QalxFactoryError):
    """A factory could not be demolished."""


class QalxAPIConnectionError(QalxAPIResponseError):
    """The API could not be reached (refused, reset, DNS) after the retries."""


class QalxAPITimeoutError(QalxAPIConnectionError):
    """The API did not answer within the configured timeout after the retries."""


class QalxAPIBadRequest(QalxAPIResponseError):
    """400 or 422: the request was refused as invalid; the errors say what to fix."""


class QalxAPIAuthError(QalxAPIResponseError):
    """401: the token is missing, unknown or revoked."""


class QalxAPIPermissionError(QalxAPIResponseError):
    """403: the token may not do this (for example a user-only call with a bot token)."""


class QalxAPINotFound(QalxAPIResponseError):
    """404: no such entity, or it belongs to another company."""


class QalxAPIConflict(QalxAPIResponseError):
    """409: the write clashes with what is stored (a name already taken)."""


class QalxAPITooLarge(QalxAPIResponseError):
    """413: the body or file is larger than the server accepts."""


class QalxAPIRateLimited(QalxAPIResponseError):
    """429: still rate limited after the retries."""


class QalxAPIServerError(QalxAPIResponseError):
    """5xx: the server failed, still after the retries."""
