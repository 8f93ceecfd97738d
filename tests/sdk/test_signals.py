"""`qalx.signals`: reading a worker's signal, and the documents stop/resume/terminate send
(wire-contract §5.6) and the updates a worker publishes when it exits."""

from __future__ import annotations

from typing import Any

import pytest

from qalx.errors import QalxError
from qalx.signals import QalxSignal, QalxWorkerSignal


def test_codes_and_keys() -> None:
    assert (
        QalxSignal.BASE_EXIT_CODE,
        QalxSignal.TERMINATE_WARM_CODE,
        QalxSignal.TERMINATE_COLD_CODE,
        QalxSignal.CONFIG_TERMINATE_CODE,
        QalxSignal.RESUME_CODE,
        QalxSignal.STOP_CODE,
    ) == (72590, 72591, 72592, 72593, 72594, 72595)
    assert (
        QalxSignal.COLD_EXIT_KEY,
        QalxSignal.WARM_EXIT_KEY,
        QalxSignal.REQUEUE_JOB_KEY,
        QalxSignal.STOP_KEY,
        QalxSignal.TERMINATE_KEY,
    ) == ("cold", "warm", "requeue_job", "stop", "terminate")
    assert issubclass(QalxWorkerSignal, QalxSignal)


def flags(signal: QalxSignal) -> tuple[bool, bool, bool, bool, bool]:
    return (
        signal.terminate,
        signal.terminate_warm,
        signal.terminate_cold,
        signal.requeue_job,
        signal.stop,
    )


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        ({}, (False, False, False, False, False)),
        ({"stop": True}, (False, False, False, False, True)),
        ({"stop": False}, (False, False, False, False, False)),
        ({"terminate": True, "warm": True}, (True, True, False, False, False)),
        ({"terminate": True, "requeue_job": True, "cold": True}, (True, False, True, True, False)),
        (
            {"terminate": True, "requeue_job": False, "cold": True},
            (True, False, True, False, False),
        ),
        # warm/cold alone are not a terminate
        ({"warm": True, "cold": True}, (False, False, False, False, False)),
        ({"terminate": False, "warm": True}, (False, False, False, False, False)),
        ({"stop": True, "terminate": True, "warm": True}, (True, True, False, False, True)),
        ({"stop": 1, "terminate": None}, (False, False, False, False, True)),
    ],
)
def test_reading_a_signal(signal: dict[str, Any], expected: tuple[bool, ...]) -> None:
    for cls in (QalxSignal, QalxWorkerSignal):
        read = cls({"guid": "w", "signal": signal})
        assert flags(read) == expected
        assert all(type(flag) is bool for flag in flags(read))


@pytest.mark.parametrize("entity", [{}, {"signal": None}, {"guid": "w", "state": "idle"}])
def test_no_signal_reads_as_nothing_asked(entity: dict[str, Any]) -> None:
    assert flags(QalxWorkerSignal(entity)) == (False,) * 5


def test_stop_and_resume_documents() -> None:
    assert QalxWorkerSignal.stop_signal(True) == {"stop": True}
    assert QalxWorkerSignal.stop_signal(False) == {"stop": False}
    assert QalxWorkerSignal._stop_signal(True) == {"stop": True}


def test_terminate_documents() -> None:
    assert QalxWorkerSignal.terminate_signal() == {"terminate": True, "warm": True}
    cold = QalxWorkerSignal.terminate_signal(warm=False, requeue_job=True)
    assert cold == {"terminate": True, "requeue_job": True, "cold": True}
    assert list(cold) == ["terminate", "requeue_job", "cold"]  # pyqalx's order on the wire
    assert QalxWorkerSignal.terminate_signal(warm=False) == {
        "terminate": True,
        "requeue_job": False,
        "cold": True,
    }
    # A document written is read back as what was asked.
    assert QalxWorkerSignal({"signal": cold}).terminate_cold
    assert QalxWorkerSignal({"signal": QalxWorkerSignal.terminate_signal()}).terminate_warm


def test_warm_terminate_cannot_requeue() -> None:
    with pytest.raises(QalxError, match="requeue"):
        QalxWorkerSignal.terminate_signal(warm=True, requeue_job=True)
    with pytest.raises(QalxError):
        QalxWorkerSignal._terminate_signal(requeue_job=True)


def test_pyqalx_private_names_take_the_adapters_arguments() -> None:
    bot: dict[str, Any] = {"guid": "b"}
    assert QalxWorkerSignal._terminate_signal(bot_entity=bot) == {"terminate": True, "warm": True}
    assert QalxWorkerSignal._terminate_signal(warm=False, requeue_job=None, bot_entity=bot) == {
        "terminate": True,
        "requeue_job": False,
        "cold": True,
    }
    assert QalxWorkerSignal._terminate_cold_signal(True) == {"requeue_job": True, "cold": True}
    assert QalxSignal._terminate_warm_signal() == {"warm": True}
    assert QalxSignal._build_signal("stop", True) == {"stop": True}


def test_exit_updates() -> None:
    assert QalxSignal.warm_exit_update() == {"update": "warm exit signal found", "code": 72591}
    assert QalxSignal.cold_exit_update() == {"update": "cold exit signal found", "code": 72592}
    assert QalxSignal.config_exit_update() == {"update": "KILL_AFTER reached", "code": 72593}
    assert QalxSignal.stop_or_resume_update(True) == {"update": "stop signal found", "code": 72595}
    assert QalxSignal.stop_or_resume_update(stop=False) == {
        "update": "resume signal found",
        "code": 72594,
    }
    assert QalxSignal._warm_exit_update() == QalxSignal.warm_exit_update()
    assert QalxSignal._cold_exit_update() == QalxSignal.cold_exit_update()
    assert QalxSignal._config_exit_update() == QalxSignal.config_exit_update()
    assert QalxSignal._stop_or_resume_update(True)["code"] == 72595
    assert QalxSignal._build_update("u", 1) == {"update": "u", "code": 1}


def test_status_documents() -> None:
    assert QalxSignal.status_document(QalxSignal.warm_exit_update()) == {
        "status": {"message": "warm exit signal found"}
    }
    assert QalxSignal.status_document("idle again") == {"status": {"message": "idle again"}}


def test_repr_shows_the_signal() -> None:
    assert repr(QalxWorkerSignal({"signal": {"stop": True}})) == "<QalxWorkerSignal {'stop': True}>"
