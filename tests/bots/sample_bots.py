"""Bots the bot tests run, at module level so every start method can import their steps."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from qalx import Bot, QalxJob

ORDER = ["begin", "preload", "onload", "preprocess", "process", "precompletion", "postprocess"]


def _note(job: QalxJob, step: str) -> None:
    job.context.setdefault("steps", []).append(step)


steps_bot = Bot("steps bot")


@steps_bot.begin
def begin(job: QalxJob) -> None:
    _note(job, "begin")


@steps_bot.preload
def preload(job: QalxJob) -> None:
    _note(job, "preload")


@steps_bot.onload
def onload(job: QalxJob) -> None:
    _note(job, "onload")
    job.context["type_at_onload"] = job.entity.entity_type


@steps_bot.preprocess
def preprocess(job: QalxJob) -> None:
    _note(job, "preprocess")


@steps_bot.process
def process(job: QalxJob) -> None:
    _note(job, "process")
    job.entity.data.doubled = job.entity.data.n * 2
    job.add_step_result(True)


@steps_bot.precompletion
def precompletion(job: QalxJob) -> None:
    _note(job, "precompletion")


@steps_bot.postprocess
def postprocess(job: QalxJob) -> None:
    _note(job, "postprocess")
    job.entity.meta.steps = job.context["steps"]
    job.entity.meta.pid = os.getpid()
    job.entity.meta.onload_type = job.context["type_at_onload"]


failing_bot = Bot("failing bot")


@failing_bot.process
def fail_on_odd(job: QalxJob) -> None:
    """Fails odd numbers, unless QALX_TEST_FIXED=1 (the bot after its fix); counts the runs
    that succeeded (a failed one saves nothing), so duplicates would show."""
    if job.entity.data.n % 2 and os.environ.get("QALX_TEST_FIXED") != "1":
        raise RuntimeError(f"odd number {job.entity.data.n}")
    job.entity.data.ok = True
    job.entity.data.runs = int(job.entity.data.get("runs", 0)) + 1


slow_bot = Bot("slow bot")


@slow_bot.process
def slow(job: QalxJob) -> None:
    """Works for the item's `data.work` seconds (else QALX_TEST_SLOW's), a step at a time,
    noting each second. With
    QALX_TEST_PIDS set, first writes its process id to the file named by the job's guid there
    (so a test can kill the very worker that has the job)."""
    import time

    if os.environ.get("QALX_TEST_PIDS"):
        (Path(os.environ["QALX_TEST_PIDS"]) / str(job.entity.guid)).write_text(str(os.getpid()))

    for second in range(int(job.entity.data.get("work", os.environ.get("QALX_TEST_SLOW", "3")))):
        job.entity.data.seconds = second
        time.sleep(1)
    job.entity.data.finished = True


first_bot = Bot("first bot")


@first_bot.process
def first(job: QalxJob) -> None:
    job.entity.data.first = True


second_bot = Bot("second bot")


@second_bot.process
def second(job: QalxJob) -> None:
    job.entity.data.second = bool(job.entity.data.first)


stopping_bot = Bot("result bot")


@stopping_bot.preprocess
def refuse(job: QalxJob) -> None:
    job.add_step_result(job.entity.data.n != 0)


@stopping_bot.process
def mark(job: QalxJob) -> None:
    job.entity.data.processed = True


broken_bot = Bot("broken bot")


@broken_bot.begin
def cannot_begin(job: QalxJob) -> None:
    raise RuntimeError("the licence server is down")


@broken_bot.process
def never(job: QalxJob) -> None:
    job.entity.data.processed = True


chaos_bot = Bot("chaos bot")


@chaos_bot.process
def count(job: QalxJob) -> None:
    """Records every delivery of the job, so duplicates can be counted afterwards; works
    QALX_TEST_WORK seconds first (default none)."""
    import time

    time.sleep(float(os.environ.get("QALX_TEST_WORK", "0")))
    job.entity.data.deliveries = int(job.entity.data.get("deliveries", 0)) + 1
    job.entity.data.done = True


def main(argv: list[str]) -> None:
    """`python -m tests.bots.sample_bots BOT QUEUE PROCESSES [START_METHOD]`: start a bot."""
    bots: dict[str, Any] = {
        "steps": steps_bot,
        "failing": failing_bot,
        "result": stopping_bot,
        "slow": slow_bot,
        "first": first_bot,
        "second": second_bot,
        "broken": broken_bot,
        "chaos": chaos_bot,
    }
    bot = bots[argv[1]]
    method = argv[4] if len(argv) > 4 and argv[4] != "-" else None
    workflow = argv[5].split(",") if len(argv) > 5 else None
    bot.start(
        argv[2], processes=int(argv[3]), skip_ini=True, start_method=method, workflow=workflow
    )
    print("EXIT-CODES", bot.worker_exit_codes, flush=True)
    print("FAILED-WORKERS", bot.failed_workers, flush=True)


if __name__ == "__main__":
    main(sys.argv)
