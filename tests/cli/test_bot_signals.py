"""`qalx bot-stop`, `bot-resume`, `bot-terminate` and `workers-terminate` on bots made through
the SDK: the state and signal each worker ends up with, which bots qualify, and choosing among
several bots of one name."""

from __future__ import annotations

from typing import Any

import pytest

from qalx.entities import Bot

from .conftest import Company, qalx


def workers(company: Company, bot: Bot) -> list[tuple[str, dict[str, Any]]]:
    """(state, signal) of each worker of `bot`, in the bot's order, read back fresh."""
    fresh = company.session().bot.get(bot.guid)
    return [(w["state"], dict(w["signal"])) for w in fresh.workers]


def bot_state(company: Company, bot: Bot) -> str:
    return str(company.session().bot.get(bot.guid)["state"])


def test_stop_resume_terminate(company: Company) -> None:
    bot = company.bot("calc", workers=2)
    result = qalx("bot-stop", "calc")
    assert result.exit_code == 0, result.output
    assert result.output == "Stopping calc.\n"
    assert workers(company, bot) == [("stopped", {"stop": True})] * 2
    assert bot_state(company, bot) == "stopped"

    again = qalx("bot-stop", "calc")  # nothing left to stop
    assert again.exit_code == 1
    assert "no bot called 'calc' has workers that are neither stopped nor terminated" in (
        again.output
    )

    result = qalx("bot-resume", "calc")
    assert result.exit_code == 0 and result.output == "Resuming calc.\n"
    assert workers(company, bot) == [("idle", {"stop": False})] * 2
    assert bot_state(company, bot) == "idle"
    again = qalx("bot-resume", "calc")
    assert again.exit_code == 1
    assert "has stopped workers that are not terminated" in again.output

    result = qalx("bot-terminate", "calc")
    assert result.exit_code == 0, result.output
    assert "Terminate signal (warm) sent to calc (" in result.output
    assert (
        workers(company, bot)
        == [("terminated", {"stop": False, "terminate": True, "warm": True})] * 2
    )
    assert bot_state(company, bot) == "terminated"
    for command in ("bot-stop", "bot-resume", "bot-terminate"):
        after = qalx(command, "calc")
        assert after.exit_code == 1 and "no bot called 'calc' has" in after.output, command


def test_cold_terminate(company: Company) -> None:
    bot = company.bot("cold", workers=2)
    result = qalx("bot-terminate", "cold", "--cold", "--requeue-job")
    assert result.exit_code == 0, result.output
    assert "(cold, requeueing the job in hand)" in result.output
    assert (
        workers(company, bot)
        == [("terminated", {"terminate": True, "cold": True, "requeue_job": True})] * 2
    )
    other = company.bot("cold2", workers=1)
    assert qalx("bot-terminate", "cold2", "--cold").exit_code == 0
    assert workers(company, other) == [
        ("terminated", {"terminate": True, "cold": True, "requeue_job": False})
    ]


def test_requeue_needs_cold(company: Company) -> None:
    bot = company.bot("warm", workers=1)
    for command in (["bot-terminate", "warm"], ["workers-terminate", "warm", "1"]):
        result = qalx(*command, "--requeue-job")
        assert result.exit_code == 2 and "--requeue-job needs --cold" in result.output
    assert workers(company, bot) == [("idle", {})]


def test_stopped_bots_can_still_be_terminated(company: Company) -> None:
    bot = company.bot("paused", workers=2)
    company.session().bot.stop(bot)
    assert qalx("bot-terminate", "paused").exit_code == 0
    assert [state for state, _ in workers(company, bot)] == ["terminated"] * 2


def test_partly_stopped_bot(company: Company) -> None:
    """A bot qualifies when any one of its workers does."""
    bot = company.bot("half", workers=2)
    company.session().worker.stop(bot.workers[0], bot_entity=bot)
    assert qalx("bot-resume", "half").exit_code == 0
    assert qalx("bot-stop", "half").exit_code == 0
    assert workers(company, bot) == [("stopped", {"stop": True})] * 2


def test_workers_terminate(company: Company) -> None:
    bot = company.bot("pool", workers=3)
    result = qalx("workers-terminate", "pool", "2")
    assert result.exit_code == 0, result.output
    assert result.output == "Terminated worker number 1.\nTerminated worker number 2.\n"
    assert workers(company, bot) == [
        ("terminated", {"terminate": True, "warm": True}),
        ("terminated", {"terminate": True, "warm": True}),
        ("idle", {}),
    ]
    too_many = qalx("workers-terminate", "pool", "4")
    assert too_many.exit_code == 1
    assert "4 is more than the number of workers of pool (3)" in too_many.output
    assert qalx("workers-terminate", "pool", "0").exit_code == 2
    # the bot still has a live worker, so it qualifies; the first three are the ones taken
    result = qalx("workers-terminate", "pool", "3", "--cold")
    assert result.exit_code == 0
    assert workers(company, bot)[2] == ("terminated", {"terminate": True, "cold": True,
                                                       "requeue_job": False})  # fmt: skip
    assert qalx("workers-terminate", "pool", "1").exit_code == 1  # all terminated now


@pytest.mark.parametrize(
    "command",
    [["bot-stop"], ["bot-resume"], ["bot-terminate"], ["workers-terminate", "1"], ["bot-info"]],
)
def test_unknown_bot(company: Company, command: list[str]) -> None:
    company.bot("known", workers=1)
    args = [command[0], "nobody", *command[1:]]
    result = qalx(*args)
    assert result.exit_code == 1
    assert result.output == "Error: no bot called 'nobody'\n"


def test_bots_without_workers_do_not_qualify(company: Company) -> None:
    company.bot("empty")
    result = qalx("bot-terminate", "empty")
    assert result.exit_code == 1
    assert "no bot called 'empty' has workers that are not terminated (1 bot(s)" in result.output
    # with one that has workers, that one is chosen without a question
    live = company.bot("empty", workers=1)
    assert qalx("bot-terminate", "empty").exit_code == 0
    assert workers(company, live) == [("terminated", {"terminate": True, "warm": True})]


# -- several bots of one name -----------------------------------------------------------------
@pytest.fixture
def three(company: Company) -> list[Bot]:
    """Three bots called `twin` with workers, oldest first (as the CLI's table lists them)."""
    return [company.bot("twin", workers=1) for _ in range(3)]


def test_several_matches_without_a_terminal(company: Company, three: list[Bot]) -> None:
    result = qalx("bot-stop", "twin")
    assert result.exit_code == 1
    assert "3 bots called 'twin' can stop: choose one with --index N (1 to 3" in result.output
    # the table to choose from is shown first, one row per bot, in order
    rows = [line for line in result.output.splitlines() if "│ twin " in line]
    assert [row.split("│")[1].strip() for row in rows] == ["1", "2", "3"]
    assert all(workers(company, bot) == [("idle", {})] for bot in three)


def test_several_matches_with_index(company: Company, three: list[Bot]) -> None:
    result = qalx("bot-stop", "twin", "--index", "2")
    assert result.exit_code == 0, result.output
    assert [workers(company, bot) for bot in three] == [
        [("idle", {})],
        [("stopped", {"stop": True})],
        [("idle", {})],
    ]
    # indexes count the bots that qualify: the stopped one is no longer among them
    result = qalx("bot-stop", "twin", "--index", "2")
    assert result.exit_code == 0
    assert workers(company, three[2]) == [("stopped", {"stop": True})]
    result = qalx("bot-stop", "twin", "--index", "2")
    assert result.exit_code == 1
    assert "--index 2: only 1 bot(s) called 'twin' have workers" in result.output
    assert qalx("bot-stop", "twin", "--index", "0").exit_code == 2
    assert qalx("bot-stop", "twin", "--index", "1").exit_code == 0
    assert workers(company, three[0]) == [("stopped", {"stop": True})]


def test_several_matches_prompt(
    company: Company, three: list[Bot], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qalx.cli import bots

    monkeypatch.setattr(bots, "_interactive", lambda: True)
    # no answer: nothing happens, and the exit says so
    result = qalx("bot-stop", "twin", input="")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert all(workers(company, bot) == [("idle", {})] for bot in three)
    # an index out of range is asked again
    result = qalx("bot-terminate", "twin", input="7\n3\n")
    assert result.exit_code == 0, result.output
    assert "Index of the bot to terminate" in result.output
    assert "7 is not in the range 1<=x<=3" in result.output
    assert [workers(company, bot)[0][0] for bot in three] == ["idle", "idle", "terminated"]
    result = qalx("workers-terminate", "twin", "1", input="1\n")
    assert result.exit_code == 0, result.output
    assert [workers(company, bot)[0][0] for bot in three] == ["terminated", "idle", "terminated"]


def test_profiles_from_the_group_option(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    from qalx import UserConfig

    bot = company.bot("profiled", workers=1)
    session = company.session()
    monkeypatch.delenv("QALX_USER_TOKEN")
    monkeypatch.delenv("QALX_USER_BASE_URL")
    UserConfig.configure("work", {"TOKEN": company.token, "BASE_URL": company.live.base_url})
    missing = qalx("bot-stop", "profiled")  # no default profile, no environment
    assert missing.exit_code == 1 and "no TOKEN in the user profile [default]" in missing.output
    named = qalx("-u", "absent", "bot-stop", "profiled")
    assert named.exit_code == 1 and "profile 'absent' not found" in named.output
    result = qalx("-u", "work", "bot-stop", "profiled")
    assert result.exit_code == 0, result.output
    assert [w["state"] for w in session.bot.get(bot.guid).workers] == ["stopped"]
