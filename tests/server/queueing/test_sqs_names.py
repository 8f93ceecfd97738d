"""SQS names for qalx queues: valid, at most 80 characters, distinct across names and companies."""

from __future__ import annotations

import re
import uuid

import pytest

from qalx_server.queueing.amazon import (
    FEDERATION_NAME_MAX,
    ROLE_SESSION_NAME_MAX,
    session_name,
    session_policy,
)
from qalx_server.queueing.sqs_names import company_key, sqs_names, validate_prefix

VALID = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
SESSION = re.compile(r"[\w+=,.@-]{2,64}")
GUID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ODD_NAMES = [
    "jobs",
    "my queue",
    "my_queue",
    "my/queue",
    "résumé-jobs",
    "jobs-dlq",
    "jobs.fifo",
    "",
    "x" * 60,
    "x" * 61,
    "x" * 200,
    "y" * 200,
    "🚀",
    "🛸",
]


def test_a_plain_name_is_kept_and_its_companion_follows() -> None:
    names = sqs_names("qalx-", GUID, "jobs")
    assert names.queue == "qalx-0f1e2d3c4b5a-jobs.fifo"
    assert names.dead_letters == "qalx-0f1e2d3c4b5a-jobs-dlq.fifo"


@pytest.mark.parametrize("prefix", ["", "qalx-", "p" * 40])
def test_every_name_is_a_valid_fifo_name_and_all_are_distinct(prefix: str) -> None:
    produced = []
    for name in ODD_NAMES:
        names = sqs_names(prefix, GUID, name)
        for sqs_name in (names.queue, names.dead_letters):
            assert VALID.fullmatch(sqs_name), sqs_name
            assert len(sqs_name) <= 80
            assert sqs_name.startswith(f"{prefix}0f1e2d3c4b5a-")
        produced += [names.queue, names.dead_letters]
    assert len(set(produced)) == len(produced)


def test_sanitised_names_keep_a_readable_stem_and_a_hash() -> None:
    queue = sqs_names("qalx-", GUID, "my queue").queue
    assert re.fullmatch(r"qalx-0f1e2d3c4b5a-my_queue-[0-9a-f]{8}\.fifo", queue)
    assert queue != sqs_names("qalx-", GUID, "my_queue").queue


def test_no_queue_can_take_a_companion_name() -> None:
    companion = sqs_names("qalx-", GUID, "jobs").dead_letters
    assert sqs_names("qalx-", GUID, "jobs-dlq").queue != companion


def test_long_names_are_cut_and_told_apart_by_hash() -> None:
    one, two = (sqs_names("qalx-", GUID, "x" * 100 + tail).queue for tail in ("a", "b"))
    assert one != two
    assert len(one) == len(two) == 80 - len("-dlq")


def test_companies_never_share_names() -> None:
    other = uuid.uuid4().hex
    assert sqs_names("qalx-", GUID, "jobs").queue != sqs_names("qalx-", other, "jobs").queue
    hyphenated = str(uuid.UUID(hex=GUID))
    assert company_key(hyphenated) == company_key(GUID.upper()) == "0f1e2d3c4b5a"
    assert re.fullmatch(r"[0-9a-f]{12}", company_key("not a guid"))
    assert company_key("not a guid") != company_key("not a guid either")


@pytest.mark.parametrize("prefix", ["bad prefix", "p" * 41, "q.fifo"])
def test_bad_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        validate_prefix(prefix)


def test_session_names_identify_company_and_bot_within_sts_limits() -> None:
    bot = uuid.uuid4().hex
    role = session_name(GUID, None, limit=ROLE_SESSION_NAME_MAX)
    assert role == f"qalx-{GUID}"
    with_bot = session_name(str(uuid.UUID(GUID)), bot, limit=ROLE_SESSION_NAME_MAX)
    assert with_bot.startswith(f"qalx-{GUID[:29]}-{bot[:29]}")
    federated = session_name(GUID, bot, limit=FEDERATION_NAME_MAX)
    assert federated == f"qalx-{GUID[:13]}-{bot[:13]}"
    for found, limit in ((role, 64), (with_bot, 64), (federated, 32)):
        assert SESSION.fullmatch(found) and len(found) <= limit


def test_session_policy_allows_only_pyqalx_calls_on_one_queue() -> None:
    arn = "arn:aws:sqs:eu-west-2:123456789012:qalx-0f1e2d3c4b5a-jobs.fifo"
    (statement,) = session_policy(arn)["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == arn
    assert sorted(statement["Action"]) == [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:PurgeQueue",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
    ]
