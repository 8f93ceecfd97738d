"""The bot bench/bot_vs_pyqalx.py runs, with either library's interpreter:

    QALX_BENCH_LIBRARY=qalx|pyqalx python bench/bots_for_bench.py BOT_NAME QUEUE PROCESSES

The bot is the same for both libraries, only the import differs (as for a migrated project):
its `process` step records when it started (`time.time()`, in `data.step_started`), sets
`data.done = True`, and leaves the rest to the runtime (the entity was loaded before the step;
the final save and the message delete come after it). Configuration comes from the
environment (QALX_USER_* for the user session, QALX_BOT_* for the bot; skip_ini).

The library is read from the environment, not argv, so a worker started by `spawn` or
`forkserver` (which re-imports this module) imports the same one.

With QALX_BENCH_PROFILE=DIR (qalx only, never in a measured run) each worker runs under
cProfile, from `begin` to `ontermination`, and dumps its stats to DIR/worker-PID.prof.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

if os.environ.get("QALX_BENCH_LIBRARY", "qalx") == "qalx":
    from qalx import Bot
else:
    from pyqalx import Bot  # type: ignore[import-not-found,no-redef]

bot = Bot(os.environ.get("QALX_BENCH_BOT_NAME", "bench bot"))


@bot.process
def process(job: Any) -> None:
    job.entity.data.step_started = time.time()
    job.entity.data.done = True


PROFILE_DIR = os.environ.get("QALX_BENCH_PROFILE")
if PROFILE_DIR:
    import cProfile

    _profiler = cProfile.Profile()

    @bot.begin
    def begin(job: Any) -> None:
        _profiler.enable()

    @bot.ontermination
    def ontermination(job: Any) -> None:
        _profiler.disable()
        _profiler.dump_stats(os.path.join(PROFILE_DIR, f"worker-{os.getpid()}.prof"))


def main(argv: list[str]) -> None:
    queue_name, processes = argv[1], int(argv[2])
    bot.start(queue_name, processes=processes, skip_ini=True)


if __name__ == "__main__":
    main(sys.argv)
