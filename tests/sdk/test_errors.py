"""`qalx.errors`: every exception of pyqalx 0.19.2 (runtime-contract §5), under `QalxError`."""

from __future__ import annotations

import pytest

import qalx.errors as errors

PYQALX_ERRORS = [
    "QalxError",
    "QalxAuthError",
    "QalxNoGUIDError",
    "QalxNoInfoError",
    "QalxConfigProfileNotFound",
    "QalxConfigFileNotFound",
    "QalxQueueError",
    "QalxBotInitialisationFailed",
    "QalxEntityTypeNotFound",
    "QalxEntityNotFound",
    "QalxMultipleEntityReturned",
    "QalxConfigError",
    "QalxAPIResponseError",
    "QalxEntityUnchanged",
    "QalxInvalidSession",
    "QalxNoEntity",
    "QalxIncorrectEntityType",
    "QalxFileError",
    "QalxAlreadyRegistered",
    "QalxCannotUnregister",
    "QalxRegistrationClassNotFound",
    "QalxInvalidBlueprintError",
    "QalxInvalidTagError",
    "QalxStepFunctionNotDefined",
    "QalxFileRetrievalError",
    "QalxFactoryError",
    "QalxFactoryValidationError",
    "QalxFactoryPackError",
    "QalxFactoryBuildError",
    "QalxFactoryDemolishError",
]


@pytest.mark.parametrize("name", PYQALX_ERRORS)
def test_every_pyqalx_error_exists_under_qalx_error(name: str) -> None:
    cls = getattr(errors, name)
    assert issubclass(cls, errors.QalxError) and issubclass(cls, Exception)
    assert cls.__doc__ and cls.__doc__.strip()
    assert cls.__module__ == "qalx.errors"


@pytest.mark.parametrize("name", [n for n in PYQALX_ERRORS if n.startswith("QalxFactory")][1:])
def test_factory_errors_share_a_base(name: str) -> None:
    assert issubclass(getattr(errors, name), errors.QalxFactoryError)


def test_config_file_errors_are_config_errors() -> None:
    assert issubclass(errors.QalxConfigFileNotFound, errors.QalxConfigError)
    assert issubclass(errors.QalxConfigProfileNotFound, errors.QalxConfigError)


def test_api_response_error_keeps_its_fields() -> None:
    error = errors.QalxAPIResponseError("boom", status_code=503, errors=["x"])
    assert (str(error), error.status_code, error.errors) == ("boom", 503, ["x"])
    assert errors.QalxAPIResponseError("b").errors == []
