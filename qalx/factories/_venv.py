"""Where a factory bot's code is installed and run from.

pyqalx installs every bot into the environment running the factory, so two bots needing
different versions of a package cannot both run. qalx gives each bot's code a virtualenv of
its own, keyed by what is installed into it (the code's hash, or a pypi requirement) and by
this interpreter, and reuses it while that key is unchanged. The venv is made without pip and
holds a `.pth` file naming this environment's `sys.path`, so `qalx` and its dependencies (and
pip, which installs into the venv) resolve from here while the bot's own installs, in the
venv's site-packages, come first and shadow them. (The alternatives: `--system-site-packages`
sees only the base interpreter's packages, not this venv's; installing qalx into each venv
costs a resolve and the network.)

`SharedEnvironment` keeps pyqalx's behaviour (`Factory.build(..., shared_environment=True)`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import site
import sys
import sysconfig
import venv
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import platformdirs

from qalx.config import APPAUTHOR, APPNAME

VENV_DIR = "bot-venvs"
"""Under the user cache dir: the venvs of factory bots, one per key."""
READY = ".qalx-ready"
"""Written into a venv once its installs succeeded: a venv without it is made again."""
PARENT_PTH = "_qalx_parent.pth"


def default_venv_root() -> Path:
    return Path(platformdirs.user_cache_dir(APPNAME, APPAUTHOR)) / VENV_DIR


@dataclasses.dataclass(frozen=True)
class BotEnvironment:
    """The interpreter a bot runs with and how its process environment differs from the
    supervisor's: variables to set, and whether `PYTHONPATH` is dropped."""

    python: str
    set_env: Mapping[str, str]
    drop_pythonpath: bool
    venv: Path | None = None
    reused: bool = False

    def env(self, base: Mapping[str, str]) -> dict[str, str]:
        env = dict(base)
        if self.drop_pythonpath:
            env.pop("PYTHONPATH", None)
        env.update(self.set_env)
        return env


def _parent_paths() -> list[str]:
    """This process's `sys.path`, less the standard library (the venv has its own) and the
    current directory."""
    stdlib = {sysconfig.get_path("stdlib"), sysconfig.get_path("platstdlib")}
    found = []
    for entry in sys.path:
        if not entry or entry.endswith(".zip") or not os.path.isdir(entry):
            continue
        where = os.path.abspath(entry)
        if where in stdlib or (os.path.dirname(where) in stdlib and "dynload" in where):
            continue
        found.append(where)
    return list(dict.fromkeys(found))


def shared_environment(bot_dir: Path) -> BotEnvironment:
    """pyqalx's way: this interpreter, `PYTHONPATH` = this `sys.path` plus the bot's dir."""
    paths = [*_parent_paths(), str(bot_dir)]
    return BotEnvironment(sys.executable, {"PYTHONPATH": os.pathsep.join(paths)}, False)


def venv_key(identity: str) -> str:
    """The venv of `identity` (a code hash or a requirement) for this interpreter."""
    text = "\n".join([identity, sys.executable, sys.version])
    return hashlib.md5(text.encode()).hexdigest()


def _write_pth(path: Path) -> None:
    """Plain lines put this environment's paths after the venv's own site-packages; the
    `import` line also runs the `.pth` files of this environment's site dirs (editable
    installs' import hooks), which plain lines do not."""
    site_dirs = [d for d in [*site.getsitepackages(), site.getusersitepackages()] if d]
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(path), "platbase": str(path)}))
    purelib.mkdir(parents=True, exist_ok=True)
    lines = _parent_paths()
    hook = f"import site; [site.addsitedir(d) for d in {site_dirs!r}]"
    (purelib / PARENT_PTH).write_text("\n".join([*lines, hook, ""]))


def venv_python(path: Path) -> Path:
    return path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


@contextlib.contextmanager
def _locked(lock: Path) -> Iterator[None]:
    """One build at a time makes a given venv (another waits, then reuses it)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def bot_venv(
    root: Path, identity: str, install: Callable[[BotEnvironment], None]
) -> BotEnvironment:
    """The venv of `identity` under `root`: reused when ready, else made and `install`ed
    into (a failed install leaves no ready venv behind)."""
    key = venv_key(identity)
    path = root / key
    with _locked(root / f"{key}.lock"):
        ready = (path / READY).is_file()
        if not ready:
            shutil.rmtree(path, ignore_errors=True)
            venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt", clear=True).create(path)
        _write_pth(path)  # every build: this environment's paths may have moved
        environment = BotEnvironment(str(venv_python(path)), {}, True, path, ready)
        if not ready:
            try:
                install(environment)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            (path / READY).write_text(identity + "\n")
    return environment
