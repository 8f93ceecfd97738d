"""The qalx Bot against the real pyqalx 0.19.2 Bot, side by side in one run, on one server
and its built-in broker (SQLite, and PostgreSQL with --postgres).

Goals (issue 8): trivial-job throughput with 2 worker processes at least 3 times pyqalx's;
an idle bot picks up a new job within 50 ms (p95). Also measured, with no goal set: how long
an idle bot takes to exit after a warm terminate.

Both bots are the same code, bench/bots_for_bench.py, save for the import line; each is
started in its own process with its own library's interpreter (the project's venv for qalx,
`.venv-pyqalx` for pyqalx) and takes jobs from the same server; the runs alternate between
the libraries and medians (and p95s) are compared. The step loads the item (the runtime does),
records `time.time()` in `data.step_started`, sets `data.done = True`; the runtime's final
save and message delete follow.

1. Throughput: N items are queued before the bot starts (processes=2, MSG_WAITTIMESECONDS=1,
   Q_WAITTIMESECONDS=1, KILL_AFTER=2, so it exits soon after the queue is empty); jobs/s is
   N over the time from the first job's step start to the last item's save
   (`info.modified.on`).
2. Pickup latency: a bot (processes=2) is started on an empty queue and left idle; jobs are
   queued one at a time, each after the previous one is done and a random idle gap; the
   latency is the step's start minus the moment just before `add_to_queue`. qalx runs with its
   defaults. pyqalx's defaults (MSG_WAITTIMESECONDS=20, Q_WAITTIMESECONDS=20, spreading to 12x)
   would make an idle bot sleep 20 to 240 s between polls, so it runs with
   MSG_WAITTIMESECONDS=1 and Q_WAITTIMESECONDS=1 instead (--pyqalx-defaults to use them, with
   every wait bounded by --cap seconds); the report says which.
3. Signal latency: the idle bot is stopped (`session.bot.stop`), a job is queued and must
   be left alone, then the bot is resumed; the latency is that job's step start minus the
   moment just before the resume call (goal: p95 < 2 s), --resume-cycles times per start.
   Then, after one more idle gap, the bot gets a warm
   terminate (`session.bot.terminate`); the time from just before that call (its PATCHes) to
   the exit of the bot's process, which waits for both workers. A bot that has not exited
   after --cap seconds is killed and reported as the cap.

With --profile, one more qalx throughput run with its workers under cProfile and, when py-spy
is found (on PATH, or QALX_BENCH_PY_SPY), the server sampled by py-spy (threads holding the
GIL, so idle waits do not count).

Results go to bench/results/bot_vs_pyqalx.{json,md}.

    python bench/bot_vs_pyqalx.py [--jobs 300] [--rounds 3] [--pickup-jobs 10]
        [--signal-runs 3] [--postgres] [--pyqalx-defaults] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import pstats
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.server_throughput import bench_user, uvicorn  # noqa: E402
from tests.compat import pyqalx_env  # noqa: E402

RESULTS = Path(os.environ.get("QALX_BENCH_RESULTS") or ROOT / "bench" / "results")
"""Where the report goes (bench/run.py --quick sends it elsewhere)."""
BOT = ROOT / "bench" / "bots_for_bench.py"
LIBRARIES = ("qalx", "pyqalx")
PROCESSES = 2
THROUGHPUT_GOAL = 3.0
PICKUP_GOAL_MS = 50.0
FAST = {
    "QALX_BOT_MSG_WAITTIMESECONDS": "1",
    "QALX_BOT_Q_WAITTIMESECONDS": "1",
}
SIGNAL_GOAL_MS = 2000.0
"""An idle worker acts on a signal within 2 s (p95)."""
STOP_SETTLE_SECONDS = 2.0
"""After a stop, before the job that must wait for the resume is queued."""
HELD_CHECK_SECONDS = 1.0
"""How long that job is left before the resume (a stopped bot must not take it)."""
GAP_SECONDS = (0.5, 3.0)
"""The idle gap before each pickup job and before the terminate, drawn uniformly (seeded)."""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Bench:
    def __init__(self, base: str, token: str, home: Path, args: argparse.Namespace) -> None:
        from qalx import QalxSession

        self.base = base
        self.token = token
        self.home = home
        self.args = args
        self.pythons = {"qalx": Path(sys.executable), "pyqalx": pyqalx_env.ensure()}
        os.environ["QALX_USER_BASE_URL"] = base
        os.environ["QALX_USER_TOKEN"] = token
        self.session = QalxSession(skip_ini=True)
        port = base.rstrip("/").rsplit(":", 1)[1]
        self.server_pid = next(
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit()
            and _cmdline(p).count("qalx_server.app:app_from_env")
            and f"--port\0{port}\0" in _cmdline(p)
        )
        self.runs = 0
        self.logs: dict[int, Path] = {}

    # -- bot processes -------------------------------------------------------------------------
    def env(self, library: str, bot_name: str, **extra: str) -> dict[str, str]:
        home = self.home / f"home-{library}"
        home.mkdir(exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "QALX_USER_BASE_URL": self.base,
            "QALX_USER_TOKEN": self.token,
            "QALX_BOT_BASE_URL": self.base,  # the bot's token comes from its entity
            "QALX_BENCH_LIBRARY": library,
            "QALX_BENCH_BOT_NAME": bot_name,
        }
        if library == "pyqalx":
            env["AWS_ENDPOINT_URL_SQS"] = self.base + "sqs"
        env.update(extra)
        return env

    def start(self, library: str, queue: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        self.runs += 1
        log = self.home / f"bot-{self.runs}-{library}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(self.pythons[library]), str(BOT), queue, str(PROCESSES)],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the bot and its workers can be killed as a group
            )
        self.logs[process.pid] = log
        return process

    def tail(self, process: subprocess.Popen[bytes]) -> str:
        return self.logs[process.pid].read_text(errors="replace")[-3000:]

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def wait(self, process: subprocess.Popen[bytes], timeout: float) -> float | None:
        """Wait for the bot's process to exit; return the CPU seconds of it and its workers
        (wait4's usage includes the children it waited for), None if it outlives `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                return usage.ru_utime + usage.ru_stime
            if time.monotonic() > deadline:
                return None
            time.sleep(0.005)

    def server_cpu(self) -> float:
        """CPU seconds the server process has used so far (from /proc)."""
        fields = Path(f"/proc/{self.server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def add_items(self, count: int, tag: str) -> list[Any]:
        return [self.session.item.add(data={"n": n}, meta={"bench": tag}) for n in range(count)]

    # -- 1. throughput -------------------------------------------------------------------------
    def throughput(self, library: str, round_: int) -> dict[str, Any]:
        from qalx import Item

        name = f"tp-{library}-{round_}"
        queue = self.session.queue.get_or_create(name)
        items = self.add_items(self.args.jobs, name)
        Item.add_to_queue(items, queue)
        env = self.env(library, f"bench {name}", QALX_BOT_KILL_AFTER="2", **FAST)
        server_before = self.server_cpu()
        started = time.time()
        process = self.start(library, name, env)
        bot_cpu = self.wait(process, 600)
        if bot_cpu is None:
            self.kill(process)
            raise RuntimeError(f"{library} throughput bot hung:\n{self.tail(process)}")
        wall = time.time() - started
        server_cpu = self.server_cpu() - server_before
        done = [self.session.item.get(item.guid) for item in items]
        missing = [d.guid for d in done if d.data.get("done") is not True]
        if missing:
            raise RuntimeError(
                f"{library}: {len(missing)} of {len(done)} jobs not done:\n{self.tail(process)}"
            )
        first = min(float(d.data.step_started) for d in done)
        last = max(_timestamp(d.info.modified.on) for d in done)
        return {
            "jobs": len(done),
            "first_step_to_last_save_seconds": round(last - first, 4),
            "jobs_per_second": round(len(done) / (last - first), 2),
            "bot_process_wall_seconds": round(wall, 3),
            "bot_cpu_ms_per_job": round(bot_cpu * 1000 / len(done), 2),
            "server_cpu_ms_per_job": round(server_cpu * 1000 / len(done), 2),
            "exit_code": process.returncode,
        }

    # -- 2 and 3. an idle bot: pickup latency, then a warm terminate -----------------------------
    def idle(self, library: str, run: int, jobs: int, rng: random.Random) -> dict[str, Any]:
        from qalx import Item

        name = f"idle-{library}-{run}"
        bot_name = f"bench {name}"
        queue = self.session.queue.get_or_create(name)
        queue.broker_client  # noqa: B018 (built now: ~40 ms the first send would add)
        extra = FAST if library == "pyqalx" and not self.args.pyqalx_defaults else {}
        process = self.start(library, name, self.env(library, bot_name, **extra))
        cap = self.args.cap
        try:
            bot = self._wait_for_bot(bot_name, process)
            latencies: list[float | None] = []
            for _ in range(jobs):
                time.sleep(rng.uniform(*GAP_SECONDS))
                (item,) = self.add_items(1, name)
                queued = time.time()
                Item.add_to_queue(item, queue)
                latencies.append(self._latency(item.guid, queued, cap, process))
            resumes: list[float | None] = []
            held: list[bool] = []
            for _ in range(self.args.resume_cycles):
                self.session.bot.stop(bot)
                time.sleep(STOP_SETTLE_SECONDS)
                (item,) = self.add_items(1, name)
                Item.add_to_queue(item, queue)
                time.sleep(HELD_CHECK_SECONDS)
                held.append(self.session.item.get(item.guid).data.get("done") is not True)
                resumed = time.time()
                self.session.bot.resume(bot)
                resumes.append(self._latency(item.guid, resumed, cap, process))
            time.sleep(rng.uniform(*GAP_SECONDS))
            sent = time.time()
            self.session.bot.terminate(bot)
            patched = time.time() - sent
            exited = None if self.wait(process, cap) is None else time.time() - sent
        finally:
            if process.poll() is None:
                self.kill(process)
        return {
            "pickup_ms": [None if s is None else round(s * 1000, 2) for s in latencies],
            "resume_to_pickup_ms": [None if s is None else round(s * 1000, 2) for s in resumes],
            "held_while_stopped": held,
            "terminate_call_seconds": round(patched, 4),
            "terminate_to_exit_seconds": None if exited is None else round(exited, 4),
            "exit_code": process.returncode,
        }

    def _wait_for_bot(self, bot_name: str, process: subprocess.Popen[bytes]) -> Any:
        """The bot entity once it has its workers (and, for qalx, they say they are idle)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{bot_name} exited early:\n{self.tail(process)}")
            found = self.session.bot.find(query={"name": bot_name}).data
            if found and len(found[0].workers) == PROCESSES:
                states = {w.get("state") for w in found[0].workers}
                if states <= {"idle"} or "pyqalx" in bot_name:
                    time.sleep(1.0)  # the workers have started polling (pyqalx says nothing)
                    return found[0]
            time.sleep(0.1)
        raise RuntimeError(f"{bot_name} did not start:\n{self.tail(process)}")

    def _latency(
        self, guid: Any, queued: float, cap: float, process: subprocess.Popen[bytes]
    ) -> float | None:
        deadline = queued + cap
        while time.time() < deadline:
            data = self.session.item.get(guid).data
            if data.get("done") is True:
                return float(data.step_started) - queued
            if process.poll() is not None:
                raise RuntimeError(f"the bot exited during a job:\n{self.tail(process)}")
            time.sleep(0.05)
        return None  # not picked up within the cap

    # -- a profile of qalx's workers ----------------------------------------------------------
    def profile(self) -> str:
        from qalx import Item

        name = "profile-qalx"
        directory = self.home / "profiles"
        directory.mkdir()
        queue = self.session.queue.get_or_create(name)
        Item.add_to_queue(self.add_items(self.args.jobs, name), queue)
        env = self.env(
            "qalx",
            f"bench {name}",
            QALX_BOT_KILL_AFTER="2",
            QALX_BENCH_PROFILE=str(directory),
            **FAST,
        )
        spy = self._py_spy(directory / "server.txt")
        process = self.start("qalx", name, env)
        self.wait(process, 600)
        server = self._server_profile(spy, directory / "server.txt")
        files = sorted(str(p) for p in directory.glob("*.prof"))
        if not files:
            return f"no profile written:\n{self.tail(process)}"
        stats = pstats.Stats(*files, stream=(out := _Text()))
        breakdown = _breakdown(stats, self.args.jobs)
        stats.sort_stats("cumulative").print_stats(20)
        return breakdown + "\n\n" + out.text + server

    def _py_spy(self, output: Path) -> subprocess.Popen[bytes] | None:
        """py-spy sampling the server (its process is not ours to put under cProfile), when
        `py-spy` is on PATH or named by QALX_BENCH_PY_SPY."""
        command = os.environ.get("QALX_BENCH_PY_SPY") or shutil.which("py-spy")
        if not command:
            return None
        record = ["record", "--pid", str(self.server_pid), "--format", "raw", "--gil"]
        spy = subprocess.Popen(
            [command, *record, "--rate", str(SPY_RATE), "--output", str(output), "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)  # attached before the bot starts
        return spy

    def _server_profile(self, spy: subprocess.Popen[bytes] | None, output: Path) -> str:
        if spy is None:
            return "\n(no server profile: py-spy not found; set QALX_BENCH_PY_SPY)\n"
        spy.send_signal(signal.SIGINT)
        spy.wait(30)
        if not output.exists():
            return "\n(no server profile: py-spy wrote nothing)\n"
        return "\n" + _server_breakdown(output.read_text(), self.args.jobs)


PROFILED = {
    "_process": "one job, in all (the worker's main thread)",
    "_report": "worker entity PATCHes (state active, then idle)",
    "delete_message": "SQS DeleteMessage (boto3)",
    "get_entity": "GET the item",
    "save_entity": "save the item",
    "_run_step": "the bot's own steps",
}


def _breakdown(stats: pstats.Stats, jobs: int) -> str:
    """Milliseconds per job (cumulative, both workers' main threads, under cProfile) in the
    calls that make up a job; the receive happens in another thread, waited for in `_loop`."""
    totals = dict.fromkeys(PROFILED, 0.0)
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if function in totals and "/qalx/" in filename:
            totals[function] += row[3]
    lines = [f"Per job, main thread, ms (cumulative, {jobs} jobs, under cProfile):"]
    lines += [f"- {PROFILED[f]}: {totals[f] * 1000 / jobs:.2f}" for f in PROFILED]
    return "\n".join(lines)


SPY_RATE = 250
"""py-spy's samples per second."""
_WITHOUT_LINE = re.compile(r":\d+\)$")


def _server_breakdown(collapsed: str, jobs: int, top: int = 30) -> str:
    """The server's time per job by function, from py-spy's collapsed stacks: inclusive
    (the function and what it calls) and self, in ms of the server's main thread."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_WITHOUT_LINE.sub(")", frame) for frame in stack.split(";")]
        total += count
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + count
        own[frames[-1]] = own.get(frames[-1], 0) + count
    per_job = 1000 / SPY_RATE / max(jobs, 1)  # samples to ms per job

    def rows(table: dict[str, int], only_ours: bool) -> list[str]:
        ranked = sorted(table.items(), key=lambda kv: -kv[1])
        if only_ours:
            ranked = [kv for kv in ranked if "qalx_server" in kv[0]]
        return [f"{n * per_job:8.2f}  {frame}" for frame, n in ranked[:top]]

    return "\n".join(
        [
            f"py-spy of the server, threads holding the GIL, ms per job ({total * per_job:.2f} "
            "in all; C code that releases the GIL, such as SQLite's, is not seen):",
            "inclusive, qalx_server frames:",
            *rows(inclusive, True),
            "self, any frame:",
            *rows(own, False),
        ]
    )


class _Text:
    def __init__(self) -> None:
        self.text = ""

    def write(self, chunk: str) -> None:
        self.text += chunk


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_text()
    except OSError:
        return ""


def _timestamp(value: Any) -> float:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, dict) and "$date" in value:
        return float(value["$date"]) / 1000
    return dt.datetime.fromisoformat(str(value)).timestamp()


def measure(database_url: str, data_dir: Path, args: argparse.Namespace) -> dict[str, Any]:
    token = bench_user(database_url, data_dir)
    server_env = {"QALX_SERVER_DATA_DIR": str(data_dir), "QALX_SERVER_DATABASE_URL": database_url}
    runs: dict[str, dict[str, list[Any]]] = {"throughput": {}, "idle": {}}
    profile = None
    with uvicorn("qalx_server.app:app_from_env", server_env) as base:
        bench = Bench(base, token, data_dir, args)
        for round_ in range(args.rounds):
            for library in LIBRARIES if round_ % 2 == 0 else LIBRARIES[::-1]:
                result = bench.throughput(library, round_)
                print(f"throughput {library} round {round_}: {result}", flush=True)
                runs["throughput"].setdefault(library, []).append(result)
        per_run = [
            args.pickup_jobs // args.signal_runs + (i < args.pickup_jobs % args.signal_runs)
            for i in range(args.signal_runs)
        ]
        for run, jobs in enumerate(per_run):
            for library in LIBRARIES if run % 2 == 0 else LIBRARIES[::-1]:
                rng = random.Random(run)  # the same gaps for both libraries
                result = bench.idle(library, run, jobs, rng)
                print(f"idle {library} run {run}: {result}", flush=True)
                runs["idle"].setdefault(library, []).append(result)
        if args.profile:
            profile = bench.profile()
    return {
        "database": database_url.split(":")[0],
        "runs": runs,
        "summary": summarise(runs, args),
        "qalx_worker_profile": profile,
    }


def summarise(runs: dict[str, dict[str, list[Any]]], args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rates = {lib: [r["jobs_per_second"] for r in runs["throughput"][lib]] for lib in LIBRARIES}
    medians = {lib: round(statistics.median(rates[lib]), 2) for lib in LIBRARIES}
    ratio = medians["qalx"] / medians["pyqalx"]
    out["throughput"] = {
        "qalx_jobs_per_second": medians["qalx"],
        "pyqalx_jobs_per_second": medians["pyqalx"],
        "qalx_faster_by": round(ratio, 2),
        "goal": f">= {THROUGHPUT_GOAL}x pyqalx",
        "met": ratio >= THROUGHPUT_GOAL,
    }
    for lib in LIBRARIES:
        for what in ("bot_cpu_ms_per_job", "server_cpu_ms_per_job"):
            values = [r[what] for r in runs["throughput"][lib]]
            out["throughput"][f"{lib}_{what}"] = round(statistics.median(values), 2)
    cap_ms = args.cap * 1000
    for lib in LIBRARIES:
        picked = [ms for r in runs["idle"][lib] for ms in r["pickup_ms"]]
        missed = sum(ms is None for ms in picked)
        values = [cap_ms if ms is None else ms for ms in picked]
        exits = [r["terminate_to_exit_seconds"] for r in runs["idle"][lib]]
        exit_values = [args.cap if s is None else s for s in exits]
        p95 = percentile(values, 95)
        out[f"pickup_{lib}"] = {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(p95, 2),
            "jobs": len(values),
            "not_picked_up_within_cap": missed,
            "goal": f"p95 < {PICKUP_GOAL_MS:g} ms" if lib == "qalx" else None,
            "met": p95 < PICKUP_GOAL_MS if lib == "qalx" else None,
        }
        resumes = [ms for r in runs["idle"][lib] for ms in r["resume_to_pickup_ms"]]
        resume_values = [cap_ms if ms is None else ms for ms in resumes]
        if resume_values:
            resume_p95 = percentile(resume_values, 95)
            out[f"resume_{lib}"] = {
                "p50_ms": round(statistics.median(resume_values), 2),
                "p95_ms": round(resume_p95, 2),
                "samples": len(resume_values),
                "not_picked_up_within_cap": sum(ms is None for ms in resumes),
                "taken_while_stopped": sum(
                    not h for r in runs["idle"][lib] for h in r["held_while_stopped"]
                ),
                "goal": f"p95 < {SIGNAL_GOAL_MS:g} ms" if lib == "qalx" else None,
                "met": resume_p95 < SIGNAL_GOAL_MS if lib == "qalx" else None,
            }
        out[f"terminate_{lib}"] = {
            "p50_seconds": round(statistics.median(exit_values), 3),
            "p95_seconds": round(percentile(exit_values, 95), 3),
            "runs": len(exit_values),
            "not_exited_within_cap": sum(s is None for s in exits),
        }
    return out


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    pyqalx_settings = (
        "its defaults"
        if args.pyqalx_defaults
        else "MSG_WAITTIMESECONDS=1, Q_WAITTIMESECONDS=1 (its defaults, 20 and 20 with "
        "spreading to 12x, sleep an idle bot 20-240 s between polls)"
    )
    lines = [
        "# qalx Bot vs pyqalx 0.19.2 Bot",
        "",
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; one uvicorn server with "
        "its built-in broker; each bot its own process tree with its own interpreter; "
        f"{PROCESSES} worker processes.",
        "",
        f"- Throughput: {args.jobs} trivial jobs queued before the start, {args.rounds} "
        "alternating rounds, both with MSG_WAITTIMESECONDS=1, Q_WAITTIMESECONDS=1, KILL_AFTER=2; "
        "jobs/s from the first step start to the last save; medians.",
        f"- Idle bot: {args.pickup_jobs} jobs over {args.signal_runs} bot starts per library, "
        f"one at a time after an idle gap of {GAP_SECONDS[0]}-{GAP_SECONDS[1]} s; then "
        f"{args.resume_cycles} stop, queue, resume cycles; then a warm terminate. qalx: its "
        f"defaults. pyqalx: {pyqalx_settings}. Cap {args.cap:g} s.",
        "",
        "| database | measurement | qalx | pyqalx | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        s, db = result["summary"], result["database"]
        tp = s["throughput"]
        lines.append(
            f"| {db} | throughput (jobs/s, median) | {tp['qalx_jobs_per_second']} | "
            f"{tp['pyqalx_jobs_per_second']} | {tp['qalx_faster_by']}x | {tp['goal']} | "
            f"{'yes' if tp['met'] else 'NO'} |"
        )
        for what in ("bot_cpu_ms_per_job", "server_cpu_ms_per_job"):
            ours, theirs = tp[f"qalx_{what}"], tp[f"pyqalx_{what}"]
            lines.append(
                f"| {db} | throughput: {what.replace('_', ' ')} (median) | {ours} | {theirs} | "
                f"{theirs / ours:.2f}x | | |"
            )
        q, p = s["pickup_qalx"], s["pickup_pyqalx"]
        for stat in ("p50_ms", "p95_ms"):
            met = ("yes" if q["met"] else "NO") if stat == "p95_ms" else ""
            goal = q["goal"] if stat == "p95_ms" else ""
            missed = (
                f" ({p['not_picked_up_within_cap']} over the cap)"
                if p["not_picked_up_within_cap"]
                else ""
            )
            lines.append(
                f"| {db} | pickup latency {stat[:3]} (ms) | {q[stat]} | {p[stat]}{missed} | "
                f"{p[stat] / q[stat]:.0f}x | {goal} | {met} |"
            )
        if "resume_qalx" in s:
            rq, rp = s["resume_qalx"], s["resume_pyqalx"]
            for stat in ("p50_ms", "p95_ms"):
                met = ("yes" if rq["met"] else "NO") if stat == "p95_ms" else ""
                goal = rq["goal"] if stat == "p95_ms" else ""
                lines.append(
                    f"| {db} | signal: resume of a stopped idle bot to its pickup {stat[:3]} "
                    f"(ms) | {rq[stat]} | {rp[stat]} | {rp[stat] / rq[stat]:.0f}x | {goal} | "
                    f"{met} |"
                )
            lines.append(
                f"| {db} | signal: jobs taken while stopped | {rq['taken_while_stopped']} | "
                f"{rp['taken_while_stopped']} | | 0 | "
                f"{'yes' if not rq['taken_while_stopped'] else 'NO'} |"
            )
        tq, tpq = s["terminate_qalx"], s["terminate_pyqalx"]
        for stat in ("p50_seconds", "p95_seconds"):
            missed = (
                f" ({tpq['not_exited_within_cap']} over the cap)"
                if tpq["not_exited_within_cap"]
                else ""
            )
            lines.append(
                f"| {db} | warm terminate to exit {stat[:3]} (s) | {tq[stat]} | "
                f"{tpq[stat]}{missed} | {tpq[stat] / tq[stat]:.0f}x | (none set) | |"
            )
    for result in results:
        tp = result["summary"]["throughput"]
        if tp["met"]:
            continue
        cpus = os.cpu_count() or 1
        budget = cpus * 1000 / (THROUGHPUT_GOAL * tp["pyqalx_jobs_per_second"])
        ours = tp["qalx_bot_cpu_ms_per_job"] + tp["qalx_server_cpu_ms_per_job"]
        server = tp["qalx_server_cpu_ms_per_job"]
        uncounted = (
            " (PostgreSQL's own processes not counted)"
            if result["database"].startswith("postgres")
            else ""
        )
        lines += [
            "",
            f"Throughput goal missed ({result['database']}): {THROUGHPUT_GOAL:g}x pyqalx is "
            f"{THROUGHPUT_GOAL * tp['pyqalx_jobs_per_second']:.0f} jobs/s, at most "
            f"{budget:.1f} ms of CPU per job on {cpus} CPUs shared by the server and the "
            f"workers; qalx spends {ours:.1f} ms{uncounted}, {server} ms of it "
            f"({100 * server / budget:.0f}% of the budget) in the server's process: fewer "
            "requests per job, more than a faster client, is what the goal needs (see the "
            "profile).",
        ]
    lines += ["", "Per run:", ""]
    for result in results:
        for library in LIBRARIES:
            rates = [r["jobs_per_second"] for r in result["runs"]["throughput"][library]]
            pickups = [ms for r in result["runs"]["idle"][library] for ms in r["pickup_ms"]]
            exits = [r["terminate_to_exit_seconds"] for r in result["runs"]["idle"][library]]
            resumed = [
                ms for r in result["runs"]["idle"][library] for ms in r["resume_to_pickup_ms"]
            ]
            lines.append(
                f"- {result['database']} {library}: jobs/s {rates}; pickup ms {pickups}; "
                f"resume to pickup ms {resumed}; terminate to exit s {exits}"
            )
    for result in results:
        if result.get("qalx_worker_profile"):
            note, _, raw = result["qalx_worker_profile"].strip().partition("\n\n")
            lines += [
                "",
                f"## cProfile of the qalx workers, one throughput run ({result['database']})",
                "",
                note,
                "",
                "```",
                raw.strip(),
                "```",
            ]
    return "\n".join(lines) + "\n"


def _commit() -> str:
    """The commit measured, and whether qalx/ or server/ differed from it at the start."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    dirty = git("status", "--porcelain", "--", "qalx", "server")
    return git("rev-parse", "--short", "HEAD") + (" (qalx/ or server/ modified)" if dirty else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=300, help="jobs per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds")
    parser.add_argument("--pickup-jobs", type=int, default=10, help="pickup jobs per library")
    parser.add_argument("--signal-runs", type=int, default=3, help="idle bot starts per library")
    parser.add_argument(
        "--resume-cycles", type=int, default=3, help="stop/resume cycles per idle bot start"
    )
    parser.add_argument("--cap", type=float, default=30.0, help="longest wait (s) for a bot")
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    parser.add_argument(
        "--pyqalx-defaults", action="store_true", help="idle pyqalx bot with its own defaults"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then one qalx throughput run with its workers under cProfile and the server "
        "sampled by py-spy (on PATH, or QALX_BENCH_PY_SPY)",
    )
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="qalx-bench-bot-") as tmp:
        results.append(measure(f"sqlite:///{tmp}/qalx.db", Path(tmp), args))
    if args.postgres:
        from tests.support.postgres import throwaway_database

        with throwaway_database("qalx_bench_bot") as url, tempfile.TemporaryDirectory() as tmp:
            results.append(measure(url, Path(tmp), args))
    report_ = {
        "benchmark": "qalx Bot vs pyqalx 0.19.2 Bot, one server and its built-in broker",
        "qalx_commit": _commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {**vars(args), "processes": PROCESSES, "idle_gap_seconds": GAP_SECONDS},
        "results": results,
    }
    text = report(results, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bot_vs_pyqalx.json").write_text(json.dumps(report_, indent=2) + "\n")
    (RESULTS / "bot_vs_pyqalx.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
