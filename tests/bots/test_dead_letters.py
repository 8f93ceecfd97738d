"""Issue 8 end to end: a failing step leads to redelivery and, after the queue's receive
limit, a dead letter holding the error and the count; `qalx queue replay` puts it back and the
fixed bot finishes it; nothing is lost. Real server, built-in broker, bots as processes, and
the `qalx` command run as a user runs it."""

from __future__ import annotations

import uuid

from click.testing import CliRunner

from qalx import Item, QalxSession
from qalx.cli import main
from qalx_api_client import AuthenticatedClient, models
from qalx_api_client.api.queue import list_dead_letters
from tests.bots.conftest import BotRunner

KILL_AFTER_STATUS = 72593 % 256


def qalx(bots: BotRunner, *args: str) -> str:
    env = {
        "HOME": str(bots.home),
        "QALX_USER_BASE_URL": bots.company.live.base_url,
        "QALX_USER_TOKEN": bots.company.token,
        "COLUMNS": "250",
    }
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def rows(output: str, guids: list[str]) -> dict[str, list[str]]:
    """The table's cells, by the entity guid each row names."""
    found = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        for guid in guids:
            if guid in cells:
                found[guid] = cells
    return found


def test_failed_jobs_are_dead_lettered_with_their_error_replayed_and_finished(
    session: QalxSession, bots: BotRunner
) -> None:
    queue = session.queue.add("dlq", parameters={"maxReceiveCount": 2})
    items = [session.item.add(data={"n": n}) for n in range(6)]
    odd = [str(i.guid) for i in items if i.data.n % 2]
    Item.add_to_queue(items, queue)

    failing = bots.run("failing", "dlq", processes=2)
    assert failing.exit_codes == [KILL_AFTER_STATUS] * 2, failing.stderr
    after = {i.data.n: session.item.get(i.guid).data for i in items}
    assert all(after[n].ok is True and after[n].runs == 1 for n in (0, 2, 4))
    assert all("ok" not in after[n] for n in (1, 3, 5))

    listed = qalx(bots, "queue", "dead-letters", "dlq")
    assert "3 dead letter(s) in 'dlq'" in listed, listed
    table = rows(listed, odd)
    assert sorted(table) == sorted(odd), listed
    for item in items:
        if str(item.guid) in table:
            cells = table[str(item.guid)]
            received, failures, last_error = cells[4], cells[5], cells[6]
            assert (received, failures) == ("2", "2"), cells  # every attempt's failure counted
            assert last_error.startswith(f"RuntimeError: odd number {item.data.n} (Process, ")

    # Who failed it, as the API says: a worker of this bot.
    bot = session.bot.find(query={"name": "failing bot"}).data[0]
    workers = {str(w.guid) for w in bot.workers}
    client = AuthenticatedClient(
        base_url=bots.company.live.base_url, token=bots.company.token, prefix="Token"
    )
    with client:
        letters = list_dead_letters.sync_detailed(queue.guid, client=client).parsed
    assert isinstance(letters, models.DeadLetterList)
    for letter in letters.data:
        last = letter.to_dict()["last_failure"]
        assert str(uuid.UUID(last["bot"]["$uuid"])) == str(bot.guid)
        assert str(uuid.UUID(last["worker"]["$uuid"])) in workers
        assert last["attempt"] == 2 and last["entity_type"] == "item"

    assert "replayed 3 message(s) to 'dlq'" in qalx(bots, "queue", "replay", "dlq", "--all")
    assert "0 dead letter(s)" in qalx(bots, "queue", "dead-letters", "dlq")

    fixed = bots.run("failing", "dlq", QALX_TEST_FIXED="1")
    assert fixed.exit_codes == [KILL_AFTER_STATUS], fixed.stderr
    final = [session.item.get(i.guid).data for i in items]
    assert [(d.n, d.ok, d.runs) for d in final] == [(n, True, 1) for n in range(6)]
    assert "0 dead letter(s)" in qalx(bots, "queue", "dead-letters", "dlq")
    assert queue.get_messages(max_num_msg=10, visibility=1, waittime=0) == []
