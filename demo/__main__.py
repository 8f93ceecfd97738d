"""`make demo` (`python -m demo`): qalx doing its real job, on this machine, from nothing.

It starts the embedded server (SQLite, local files, the built-in broker) in a temporary
directory with a fresh company, user and token, then, through the public SDK as a user would:
stores a steel 316 material Item with its datasheet, checks 500 square hollow sections against
a Blueprint and builds a Set of each (dimensions, material, load), groups them, queues them;
deploys the beam bot (2 processes) from `demo/factory-plan.yml`; follows the queue until it
drains; summarises the results with an aggregation; shows the one section that cannot be
computed in the dead letters; and takes everything down. Nothing is left running, and the
temporary directory is removed, so it can be run again at once.

    python -m demo [--sections 500] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import PROFILE, STARTUP_SECONDS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=500, help="how many beams (default 500)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.sections < 2:
        parser.error("--sections must be at least 2 (one of them is the bad one)")
    workdir = Path(tempfile.mkdtemp(prefix="qalx-demo-"))
    # The demo's own home: its ~/.qalx and ~/.bots profiles, logs and bot venvs stay in the
    # temporary directory, never in the user's.
    home = workdir / "home"
    home.mkdir()
    os.environ["HOME"] = str(home)
    for name in [n for n in os.environ if n.startswith(("QALX_USER_", "QALX_BOT_"))]:
        del os.environ[name]
    try:
        with server(workdir) as base_url:
            from . import _run

            return _run.run(base_url, workdir, args.sections)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(workdir: Path) -> Iterator[str]:
    """`qalx server init`, then `qalx server start`, in the temporary directory; stopped (and
    waited for) at the end."""
    import httpx

    qalx = [sys.executable, "-m", "qalx"]
    data, port = workdir / "server", free_port()
    init = [*qalx, "server", "init", "--data-dir", str(data), "--port", str(port), "--profile"]
    subprocess.run(
        [*init, PROFILE, "--company", "Demo Engineering", "--email", "engineer@example.com"],
        check=True,
        capture_output=True,
        text=True,
    )
    _bot_profile(Path.home() / ".bots", f"http://127.0.0.1:{port}/")
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        [*qalx, "server", "start", "--data-dir", str(data), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(base_url + "health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; its log:\n{_tail(workdir)}")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _bot_profile(path: Path, base_url: str) -> None:
    """The bots' profile: where the server is (each bot gets its own token from its entity)."""
    path.write_text(f"[{PROFILE}]\nBASE_URL = {base_url}\n")
    path.chmod(0o600)


def _tail(workdir: Path) -> str:
    log = workdir / "server.log"
    return log.read_text()[-3000:] if log.exists() else "(no log)"


if __name__ == "__main__":
    raise SystemExit(main())
