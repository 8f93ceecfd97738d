"""Two server processes on one database never hand one message to two receivers at once.

Two `qalx server start` processes on different ports share one database (PostgreSQL, where
claims lock rows with SKIP LOCKED; and SQLite, where BEGIN IMMEDIATE serialises them across
processes) and one data directory (so one broker signing key: credentials and receipt handles
issued by either are good at both). Six receiver threads, three per server, receive (1-10
messages at a time, long polling) and delete, with a visibility timeout far longer than the
test, so any message received twice was handed out twice within its visibility. Every receipt
is recorded as (message id, receipt time, receiver).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import boto3
import httpx
import pytest
import sqlalchemy as sa
from mypy_boto3_sqs import SQSClient

from qalx_server.broker import create_queue, qalx_queue_url
from qalx_server.store.database import Database
from qalx_server.store.tables import broker_dedup, broker_queues
from tests.server.broker.helpers import depth, receive, refused
from tests.support.live import free_port
from tests.support.postgres import throwaway_database
from tests.support.queues import NO_RETRIES, client_from_info

from .processes import (
    Company,
    QueueEntity,
    ServerProcess,
    add_company,
    create_queue_entity,
    get_queue_entity,
)

VISIBILITY = 600
RECEIVERS_PER_SERVER = 3
GROUPS = 6
PER_GROUP = 25
SINGLETONS = 150  # pyqalx's pattern: a fresh group per message
STANDARD = 300


@attrs.frozen
class Pair:
    servers: tuple[ServerProcess, ServerProcess]
    company: Company
    database_url: str


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    data_dir: Path = tmp_path_factory.mktemp(f"two-servers-{request.param}") / "data"
    if request.param == "postgresql":
        with throwaway_database() as url:
            yield from _pair(data_dir, url)
    else:
        yield from _pair(data_dir, None)  # both on <data dir>/qalx.db


def _pair(data_dir: Path, url: str | None) -> Iterator[Pair]:
    first, second = ServerProcess(data_dir, url), ServerProcess(data_dir, url)
    try:
        first.start()  # migrates and makes the data directory's keys; the second reuses them
        second.start()
        database_url = first.resolved_database_url
        yield Pair((first, second), add_company(database_url), database_url)
    finally:
        first.stop()
        second.stop()


@attrs.frozen
class Receipt:
    message_id: str
    body: str
    at: float
    position: int
    receiver: str
    group: str | None


@attrs.define
class Plan:
    """A queue seen through both servers, and the bodies to send (in send order)."""

    urls: tuple[str, str]
    clients: tuple[list[SQSClient], list[SQSClient]]
    bodies: list[str]
    groups: dict[str, str | None]


def _fifo_plan(pair: Pair) -> Plan:
    first, second = pair.servers
    entity = create_queue_entity(
        first.base_url,
        pair.company.token,
        f"two-{uuid.uuid4().hex[:6]}",
        visibility_timeout=VISIBILITY,
    )
    seen_by_second = get_queue_entity(second.base_url, pair.company.token, entity.guid)
    groups: dict[str, str | None] = {}
    lanes = [[f"g{g}:{n:02d}" for n in range(PER_GROUP)] for g in range(GROUPS)]
    lanes += [[f"s{n:03d}"] for n in range(SINGLETONS)]
    bodies: list[str] = []
    rng = random.Random(4)
    while lanes:  # interleave the groups, each in its own order
        lane = rng.choice(lanes)
        body = lane.pop(0)
        bodies.append(body)
        groups[body] = body.split(":")[0] if ":" in body else uuid.uuid4().hex
        if not lane:
            lanes.remove(lane)
    return Plan(
        (entity.url, seen_by_second.url),
        _clients(entity, seen_by_second),
        bodies,
        groups,
    )


def _standard_plan(pair: Pair) -> Plan:
    """A standard (non-FIFO) broker queue: queue entities are always FIFO, so it is made
    through the broker's service API; credentials come from a queue entity (they reach every
    queue of the company)."""
    first, second = pair.servers
    name = f"std-{uuid.uuid4().hex[:6]}"
    db = Database(pair.database_url)
    try:
        with db.write() as conn:
            create_queue(
                conn,
                pair.company.id,
                pair.company.guid,
                name,
                base_url=first.base_url,
                visibility_timeout=VISIBILITY,
                fifo=False,
            )
    finally:
        db.dispose()
    entity = create_queue_entity(
        first.base_url, pair.company.token, f"creds-{name}", visibility_timeout=VISIBILITY
    )
    seen_by_second = get_queue_entity(second.base_url, pair.company.token, entity.guid)
    urls = tuple(
        qalx_queue_url(pair.company.guid, name, base_url=s.base_url, fifo=False)
        for s in pair.servers
    )
    bodies = [f"m{n:03d}" for n in range(STANDARD)]
    return Plan((urls[0], urls[1]), _clients(entity, seen_by_second), bodies, dict.fromkeys(bodies))


def _clients(first: QueueEntity, second: QueueEntity) -> tuple[list[SQSClient], list[SQSClient]]:
    return (
        [client_from_info(first.info) for _ in range(RECEIVERS_PER_SERVER)],
        [client_from_info(second.info) for _ in range(RECEIVERS_PER_SERVER)],
    )


def _send(plan: Plan) -> dict[str, str]:
    """Batches of 10, alternately through each server, in order; body -> message id."""
    sent: dict[str, str] = {}
    for k, start in enumerate(range(0, len(plan.bodies), 10)):
        side = k % 2
        entries = []
        for n, body in enumerate(plan.bodies[start : start + 10]):
            entry = {"Id": f"e{n}", "MessageBody": body}
            group = plan.groups[body]
            if group is not None:
                entry |= {"MessageGroupId": group, "MessageDeduplicationId": uuid.uuid4().hex}
            entries.append(entry)
        answer = plan.clients[side][0].send_message_batch(
            QueueUrl=plan.urls[side],
            Entries=entries,  # type: ignore[arg-type]
        )
        assert answer["Failed"] == [], answer["Failed"]
        for done in answer["Successful"]:
            sent[entries[int(done["Id"][1:])]["MessageBody"]] = done["MessageId"]
    return sent


@pytest.mark.parametrize("kind", ["fifo", "standard"])
def test_no_message_goes_to_two_receivers(pair: Pair, kind: str) -> None:
    plan = _fifo_plan(pair) if kind == "fifo" else _standard_plan(pair)
    sent = _send(plan)
    total = len(plan.bodies)
    receipts: list[Receipt] = []
    lock = threading.Lock()
    failures: list[BaseException] = []
    done = threading.Event()
    started = time.monotonic()

    def receive_loop(name: str, sqs: SQSClient, url: str, seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not done.is_set() and time.monotonic() - started < 60:
                got = sqs.receive_message(
                    QueueUrl=url,
                    MaxNumberOfMessages=rng.randint(1, 10),
                    WaitTimeSeconds=1,
                    MessageSystemAttributeNames=["MessageGroupId"],
                ).get("Messages", [])
                at = time.monotonic()
                if not got:
                    continue
                with lock:
                    receipts.extend(
                        Receipt(
                            m["MessageId"],
                            m["Body"],
                            at,
                            i,
                            name,
                            m.get("Attributes", {}).get("MessageGroupId"),
                        )
                        for i, m in enumerate(got)
                    )
                    if len({r.message_id for r in receipts}) >= total:
                        done.set()
                answer = sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(got)
                    ],
                )
                assert answer["Failed"] == [], answer["Failed"]
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)
            done.set()

    threads = [
        threading.Thread(
            target=receive_loop,
            args=(f"server{side}-r{n}", sqs, plan.urls[side], 10 * side + n),
        )
        for side in (0, 1)
        for n, sqs in enumerate(plan.clients[side])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    elapsed = time.monotonic() - started
    try:
        assert not failures, failures
        assert elapsed < VISIBILITY  # so every receipt fell within the first's visibility
        counts = Counter(r.message_id for r in receipts)
        twice = {k: [r for r in receipts if r.message_id == k] for k, v in counts.items() if v > 1}
        assert not twice, twice
        assert set(counts) == set(sent.values())
        assert {r.body: r.message_id for r in receipts} == sent
        by_server = Counter(r.receiver.split("-")[0] for r in receipts)
        assert by_server["server0"] > 0 and by_server["server1"] > 0, by_server
        if kind == "fifo":
            # Within a group, receipt order is send order: a group's next message is only
            # handed out once the one before it is deleted (after it was recorded).
            order: defaultdict[str, list[Receipt]] = defaultdict(list)
            for r in sorted(receipts, key=lambda r: (r.at, r.position)):
                assert r.group is not None
                order[r.group].append(r)
            for g in range(GROUPS):
                bodies = [r.body for r in order[f"g{g}"]]
                assert bodies == [f"g{g}:{n:02d}" for n in range(PER_GROUP)], bodies
        assert depth(plan.clients[0][0], plan.urls[0]) == (0, 0)
        receivers = Counter(r.receiver for r in receipts)
        print(
            f"\n[{pair.database_url.split(':')[0]} {kind}] {total} messages, "
            f"{len(receipts)} receipts in {elapsed:.1f} s; "
            f"per receiver {dict(sorted(receivers.items()))}"
        )
    finally:
        for side in plan.clients:
            for sqs in side:
                sqs.close()


def test_batches_sharing_deduplication_ids_in_opposite_orders_both_succeed(pair: Pair) -> None:
    """Made deterministic: a third transaction holds an uncommitted deduplication id ("gate")
    that the first batch needs after its first entry, until the second batch is waiting on the
    first; then the first needs what the second holds."""
    if not pair.database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): nothing to deadlock on")
    first, second = pair.servers
    entity = create_queue_entity(
        first.base_url, pair.company.token, f"dl-{uuid.uuid4().hex[:6]}", visibility_timeout=60
    )
    via_second = get_queue_entity(second.base_url, pair.company.token, entity.guid)
    x, y, gate = (f"{name}-{uuid.uuid4().hex[:8]}" for name in ("x", "y", "gate"))
    db = Database(pair.database_url)
    answers: dict[str, object] = {}

    def send(side: str, info: dict[str, Any], ids: list[str]) -> None:
        sqs = client_from_info(info)
        entries = [
            {"Id": f"e{n}", "MessageBody": d, "MessageGroupId": "g", "MessageDeduplicationId": d}
            for n, d in enumerate(ids)
        ]
        try:
            answers[side] = sqs.send_message_batch(QueueUrl=entity.url, Entries=entries)  # type: ignore[arg-type]
        except Exception as exc:  # the test reports it
            answers[side] = exc
        finally:
            sqs.close()

    def waiting_on_transactions() -> int:
        with db.read() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'"
                )
            ).scalar()
        return int(found or 0)

    try:
        with db.engine.connect() as holder:
            with holder.begin():
                queue_id = holder.execute(
                    sa.select(broker_queues.c.id).where(
                        broker_queues.c.company_id == pair.company.id,
                        broker_queues.c.name == entity.url.rsplit("/", 1)[1],
                    )
                ).scalar_one()
                holder.execute(
                    broker_dedup.insert().values(
                        queue_id=queue_id,
                        dedup_id=gate,
                        message_id=str(uuid.uuid4()),
                        sequence=0,
                        expires_ms=int(time.time() * 1000) + 300_000,
                    )
                )
                one = threading.Thread(target=send, args=("one", entity.info, [x, gate, y]))
                one.start()  # inserts x, then waits for the holder's gate
                deadline = time.monotonic() + 10
                while waiting_on_transactions() < 1 and time.monotonic() < deadline:
                    time.sleep(0.02)
                two = threading.Thread(target=send, args=("two", via_second.info, [y, x]))
                two.start()  # inserts y, then waits for the first batch's x
                while waiting_on_transactions() < 2 and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert waiting_on_transactions() == 2
            # The holder commits: the first batch takes gate as a duplicate and needs y.
            one.join(30)
            two.join(30)
    finally:
        db.dispose()
    failures = {side: a for side, a in answers.items() if isinstance(a, Exception)}
    assert not failures, failures
    sqs = client_from_info(entity.info)
    try:
        assert sorted(m["Body"] for m in receive(sqs, entity.url)) == [x, y]
    finally:
        sqs.close()


def test_uvicorn_workers_serve_a_fresh_database(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("QALX_SERVER_")}
    env["QALX_SERVER_DATA_DIR"] = str(tmp_path / "data")
    log = (tmp_path / "uvicorn.log").open("wb")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "--factory", "qalx_server.app:app_from_env"),
            *("--workers", "2", "--port", str(port), "--log-level", "warning"),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "openapi.yaml", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert httpx.get(base + "queue", headers={"Authorization": "Token nope"}).status_code == 401
        made_up = boto3.client(
            "sqs",
            endpoint_url=base + "sqs",
            region_name="eu-west-2",
            aws_access_key_id="ASIAUNKNOWNUNKNOWN00",
            aws_secret_access_key="x" * 40,
            aws_session_token="t",
            config=NO_RETRIES,
        )
        try:
            with refused("InvalidClientTokenId", 403):
                made_up.list_queues()
        finally:
            made_up.close()
    finally:
        process.terminate()
        process.wait(10)
        log.close()
