"""The queue facts both backends use agree with the spec the clients are generated from, and the
naming rules keep their promises."""

from __future__ import annotations

from typing import Any

import pytest

from qalx_server import queue_model
from qalx_server.broker import broker_queue_name
from qalx_server.queueing.sqs_names import sqs_names
from qalx_server.spec import load_spec


def _parameters() -> dict[str, Any]:
    found: dict[str, Any] = load_spec()["components"]["schemas"]["QueueParameters"]["properties"]
    return found


def test_the_spec_states_the_same_limits_and_defaults() -> None:
    parameters = _parameters()
    visibility, receives = parameters["VisibilityTimeout"], parameters["maxReceiveCount"]
    assert visibility["maximum"] == queue_model.MAX_VISIBILITY
    assert visibility["default"] == queue_model.DEFAULT_VISIBILITY_TIMEOUT
    assert receives["maximum"] == queue_model.MAX_RECEIVE_COUNT
    assert receives["default"] == queue_model.DEFAULT_MAX_RECEIVE_COUNT


@pytest.mark.parametrize(
    "name", ["jobs", "a" * 71, "a" * 72, "ends-dlq", "spaces and ünïcode", "", "x/y.fifo"]
)
def test_both_backends_name_a_queue_and_its_companion_by_one_rule(name: str) -> None:
    broker = broker_queue_name(name)
    amazon = sqs_names("p-", "0" * 32, name)
    for queue in (broker, amazon.queue):
        assert len(queue_model.dead_letter_name(queue)) <= queue_model.MAX_NAME
        assert queue.endswith(queue_model.FIFO_SUFFIX)
        assert not queue.removesuffix(queue_model.FIFO_SUFFIX).endswith(queue_model.DLQ_SUFFIX)
    assert amazon.dead_letters == queue_model.dead_letter_name(amazon.queue)
    kept = broker.removesuffix(queue_model.FIFO_SUFFIX)  # 71 = 80 - len(".fifo") - len("-dlq")
    assert (kept == name) == (name == "jobs" or name == "a" * 71)


def test_distinct_names_that_sanitise_alike_get_distinct_queues() -> None:
    assert broker_queue_name("a b") != broker_queue_name("a/b")
    assert sqs_names("", "0" * 32, "a b").queue != sqs_names("", "0" * 32, "a/b").queue
