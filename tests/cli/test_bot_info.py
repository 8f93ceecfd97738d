"""`qalx bot-info NAME`: what it shows of every bot of that name and of their workers."""

from __future__ import annotations

import datetime as dt
import platform
import uuid
from typing import Any

import pytest

from qalx.entities import Bot

from .conftest import Company, qalx


def rows(output: str, title: str) -> list[list[str]]:
    """The body rows of the table printed under `title` (rich's `│` separated cells)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    found: list[list[str]] = []
    for line in lines[start + 1 :]:
        if line.startswith("└"):
            break
        if line.startswith("│"):
            found.append([cell.strip() for cell in line.strip("│").split("│")])
    return found


def created(bot: Bot) -> str:
    on: dt.datetime = bot["info"]["created"]["on"]
    return on.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def test_bots_and_workers(company: Company) -> None:
    first = company.bot("reporter", workers=3)
    second = company.bot("reporter")
    company.bot("someone-else", workers=1)
    bot_session = company.bot_session(first)
    bot_session.worker.stop(first.workers[1], bot_entity=first)
    bot_session.worker.update_state(first.workers[2], "active", first)
    bot_session.worker.update_status(first.workers[2], first, "working on beam 7")
    bot_session.worker.update_state(first.workers[0], "lost", first)

    result = qalx("bot-info", "reporter")
    assert result.exit_code == 0, result.output
    node, system = platform.node(), platform.platform()
    assert rows(result.output, "Bots called 'reporter'") == [
        ["1", "reporter", "idle", system, node, "1/3", created(first), company.email],
        ["2", "reporter", "idle", system, node, "0/0", created(second), company.email],
    ]
    assert rows(result.output, "Workers") == [
        ["1", "1", "lost", "-", "-", "-", "0", "0", "-"],
        ["1", "2", "stopped", "-", "-", "-", "0", "0", "-"],
        ["1", "3", "active", "working on beam 7", "-", "-", "0", "0", "-"],
    ]
    header = next(line for line in result.output.splitlines() if "Index" in line)
    for column in ("Name", "State", "Platform", "Node", "Workers (active/total)",
                   "Created on (UTC)", "Created by"):  # fmt: skip
        assert column in header


def test_single_bot_is_shown_as_a_table(company: Company) -> None:
    only = company.bot("alone")
    result = qalx("bot-info", "alone")
    assert result.exit_code == 0, result.output
    assert rows(result.output, "Bots called 'alone'")[0][:2] == ["1", "alone"]
    assert created(only) in result.output
    assert "No workers." in result.output


def test_names_are_shown_as_written(company: Company) -> None:
    """Rich markup in a name is text, not style."""
    company.bot("[bold]x[/bold]", workers=1)
    result = qalx("bot-info", "[bold]x[/bold]")
    assert result.exit_code == 0, result.output
    assert rows(result.output, "Workers")[0][2] == "idle"
    assert "│ [bold]x[/bold] " in result.output


def test_worker_progress_keys(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys the bot runtime reports on a worker (`job`, `jobs_done`, `jobs_failed`,
    `last_seen`) are shown where present, `-` where not."""
    from qalx.cli import bots

    company.bot("busy", workers=2)
    guid = uuid.uuid4()
    since = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    seen = dt.datetime(2026, 3, 4, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    real = bots.find_bots

    def with_progress(session: Any, name: str) -> list[Bot]:
        found = real(session, name)
        found[0]["workers"][0].update(
            job={"entity_type": "item", "entity_guid": guid, "since": since},
            jobs_done=12,
            jobs_failed=1,
            last_seen=seen,
        )
        found[0]["workers"][1].update(job=None, jobs_done=0)
        return found

    monkeypatch.setattr(bots, "find_bots", with_progress)
    result = qalx("bot-info", "busy")
    assert result.exit_code == 0, result.output
    assert rows(result.output, "Workers") == [
        ["1", "1", "idle", "-", f"item {guid}", "2026-03-04 05:06:07", "12", "1",
         "2026-03-04 05:08:09"],
        ["1", "2", "idle", "-", "-", "-", "0", "0", "-"],
    ]  # fmt: skip
