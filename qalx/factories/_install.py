"""Installing a factory bot's code and requirements with pip (runtime-contract §6.4 step 1).

pip is run by the bot environment's interpreter with this process's environment, so pip's own
variables apply: `PIP_FIND_LINKS`, `PIP_NO_INDEX` (install from a local wheel dir with no
index), `PIP_INDEX_URL` and the rest.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from qalx.errors import QalxFactoryBuildError
from qalx.factories._pack import PackedBot
from qalx.factories._venv import BotEnvironment

PIP_TIMEOUT = 900.0
"""A bound on one pip run (a hung index), never a timing check."""
DEFAULT_REQUIREMENTS = "requirements.txt"
PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
OUTPUT_SHOWN = 2000
"""How much of a failed pip's output a build error quotes (its end)."""


def pip_install(environment: BotEnvironment, name: str, args: list[str], cwd: Path) -> None:
    """`pip install --upgrade ARGS` in `environment`; a failure names the bot and pip's say."""
    import os

    command = [environment.python, "-m", "pip", "install", "--upgrade", *args]
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=environment.env(os.environ),
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise QalxFactoryBuildError(
            f"bot {name!r}: pip install {' '.join(args)} took longer than {PIP_TIMEOUT:.0f} s"
        ) from None
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip())[-OUTPUT_SHOWN:]
        raise QalxFactoryBuildError(f"bot {name!r}: pip install {' '.join(args)} failed:\n{said}")


def install_bot(
    environment: BotEnvironment, bot: PackedBot, bot_path: str, requirements_path: str | None
) -> str | None:
    """Install a packed bot: a pypi bot's requirement; otherwise, from the directory of the
    bot's module up to its code's top, the first directory holding a project (`pip install
    .`) or the requirements file (`pip install -r`). Answers a warning when nothing was
    found to install; a requirements file named in the plan and found nowhere is an error."""
    if bot.directory is None:
        pip_install(environment, bot.name, [str(bot.requirement)], Path.cwd())
        return None
    top = bot.directory.resolve()
    module = bot_path.partition(":")[0]
    here = (top / Path(*module.split("."))).parent
    requirements = requirements_path or DEFAULT_REQUIREMENTS
    while True:
        if any((here / name).is_file() for name in PROJECT_FILES):
            pip_install(environment, bot.name, ["."], here)
            return None
        if (here / requirements).is_file():
            pip_install(environment, bot.name, ["-r", requirements], here)
            return None
        if here == top or top not in here.parents:
            break
        here = here.parent
    if requirements_path is not None:
        raise QalxFactoryBuildError(
            f"bot {bot.name!r}: requirements_path {requirements_path!r} is not in its code"
        )
    return f"nothing to install (no project file nor {requirements} in its code)"
