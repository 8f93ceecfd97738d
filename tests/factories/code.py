"""Bot code to pack: a directory, a git repository made here, and a plan naming them."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

BOT = "from qalx.bot import Bot\n\nbot = Bot('{name}')\n"


def bot_dir(root: Path, module: str = "beam_solver", body: str = BOT) -> Path:
    """A directory holding `module.py` (a qalx Bot called `bot` unless `body` says else)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(body.format(name=module))
    return root


def dev_branch_repo(root: Path, readme: str, files: dict[str, str]) -> Path:
    """A git repository at `root` whose `main` branch holds only a README and whose `dev`
    branch adds `files` (relative path: text); `main` is checked out again."""

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=root, check=True, capture_output=True,
        )  # fmt: skip

    root.mkdir(parents=True)
    git("init", "-q", "-b", "main")
    (root / "README").write_text(readme)
    git("add", ".")
    git("commit", "-q", "-m", "start")
    git("checkout", "-q", "-b", "dev")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git("add", ".")
    git("commit", "-q", "-m", "the bot")
    git("checkout", "-q", "main")
    return root


def git_repo(root: Path) -> Path:
    """A repository whose `dev` branch (not its default one) holds `reports/bots.py`."""
    return dev_branch_repo(
        root,
        "reports\n",
        {"reports/__init__.py": "", "reports/bots.py": BOT.format(name="reporter")},
    )


def plan(path: Path, solver: Path, repo: Path, solver_bot_path: str = "beam_solver:bot") -> Path:
    """A two-stage plan: stage-1 runs solver (path) and batcher (pypi), stage-2 solver and
    reporter (git, branch dev)."""
    path.write_text(
        textwrap.dedent(f"""\
        factory:
          name: beams
          bots:
            solver:
              source: {{path: "{solver}"}}
              bot_path: {solver_bot_path}
            reporter:
              source: {{url: "{repo}", branch: dev}}
              bot_path: reports.bots:bot
            batcher:
              source: {{PyPI: qalx-orcaflex, version: "1.2.0"}}
              bot_path: qalx_orcaflex.bots:batch_bot
          workflows:
            flow_1:
              solver: [reporter]
          stages:
            stage-1:
              local_sector:
                type: local
                bots:
                  solver: {{queue-name: solve}}
                  batcher: {{queue-name: batch}}
            stage-2:
              workflow: flow_1
              local_sector:
                type: local
                bots:
                  solver: {{queue-name: solve}}
                  reporter: {{queue-name: report, processes: 2}}
        """)
    )
    return path
