"""Long polling: a waiting receive returns as soon as a message can be delivered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from mypy_boto3_sqs import SQSClient
from mypy_boto3_sqs.type_defs import MessageTypeDef

from .conftest import SqsTarget, Tenant, sqs_client
from .helpers import receive, send


class Waiting:
    """A ReceiveMessage with WaitTimeSeconds running in another thread."""

    def __init__(self, sqs: SQSClient, url: str, wait: int = 20) -> None:
        self.messages: list[MessageTypeDef] = []
        self.returned_at = 0.0
        self._thread = threading.Thread(target=self._run, args=(sqs, url, wait))
        self._thread.start()

    def _run(self, sqs: SQSClient, url: str, wait: int) -> None:
        self.messages = receive(sqs, url, WaitTimeSeconds=wait)
        self.returned_at = time.monotonic()

    def join(self) -> None:
        self._thread.join(30)
        assert not self._thread.is_alive()


def _wake_latency(waiting: Waiting, act: Callable[[], object]) -> float:
    time.sleep(0.3)  # the receive is now waiting on the server
    assert waiting.returned_at == 0.0
    act()
    acted = time.monotonic()
    waiting.join()
    return waiting.returned_at - acted


def test_a_send_wakes_a_waiting_receive_at_once(target: SqsTarget) -> None:
    url = target.queue()
    sender = target.client()
    with target.only_wakeups():  # only the wake-up can end the wait early
        waiting = Waiting(target.sqs, url)
        latency = _wake_latency(waiting, lambda: send(sender, url, "wake up"))
    print(f"\n[{target.name}] long-poll wake-up after send returned: {latency * 1000:.1f} ms")
    assert [m["Body"] for m in waiting.messages] == ["wake up"]
    assert latency < 1.0


def test_a_send_through_another_server_process_is_seen(tenant: Tenant, sqs: SQSClient) -> None:
    url = tenant.queue()
    with tenant.live.another_process() as other_base:
        other = sqs_client(other_base, tenant.credentials())
        try:
            waiting = Waiting(sqs, url)
            latency = _wake_latency(waiting, lambda: send(other, url, "from afar"))
        finally:
            other.close()
    print(f"\n[{tenant.live.backend}] cross-process send seen after: {latency * 1000:.1f} ms")
    assert [m["Body"] for m in waiting.messages] == ["from afar"]
    assert latency < 2.0  # the periodic re-read (0.5 s) finds it


def test_a_visibility_timeout_running_out_ends_a_wait(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "comes back")
    (first,) = receive(sqs, url, VisibilityTimeout=1)
    started = time.monotonic()
    (again,) = receive(sqs, url, WaitTimeSeconds=10)
    assert again["MessageId"] == first["MessageId"]
    assert time.monotonic() - started < 2.5


@pytest.mark.moto_differs(
    "moto snapshots the in-flight FIFO groups when a long poll starts, so a message released "
    "during the wait is not delivered to it"
)
def test_released_visibility_wakes_a_waiting_receive(target: SqsTarget) -> None:
    sqs = target.sqs
    url = target.queue()
    send(sqs, url, "released")
    (held,) = receive(sqs, url, VisibilityTimeout=600)
    waiting = Waiting(target.client(), url, wait=5)  # short: on moto it runs out
    latency = _wake_latency(
        waiting,
        lambda: sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=held["ReceiptHandle"], VisibilityTimeout=0
        ),
    )
    assert [m["MessageId"] for m in waiting.messages] == [held["MessageId"]]
    assert latency < 1.0


def test_an_empty_wait_lasts_its_wait_time(target: SqsTarget) -> None:
    url = target.queue()
    started = time.monotonic()
    assert receive(target.sqs, url, WaitTimeSeconds=1) == []
    assert 0.95 <= time.monotonic() - started < 2.0
