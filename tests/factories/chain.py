"""Code for a built factory: three bots joined by a workflow, each from another source, and
a local wheel directory pip installs from with no index.

Each bot writes `data[<its name>] = <the qalx_marker version it imported>` on the job's item;
the path bot needs qalx-marker 1.0 and the url bot 2.0, so both marks on one item show two
bots with conflicting requirements running side by side.
"""

from __future__ import annotations

import base64
import hashlib
import textwrap
import zipfile
from pathlib import Path

from . import code

BOT = textwrap.dedent("""\
    import qalx_marker
    from qalx.bot import Bot

    bot = Bot("{name}")


    @bot.process
    def process(job):
        job.entity["data"]["{name}"] = qalx_marker.VERSION
    """)
MARKER = "qalx-marker"
PYPI_BOT = "qalx-chain-bot"
WHEEL = "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def wheel(
    directory: Path, name: str, version: str, files: dict[str, str], requires: str = ""
) -> Path:
    """A pure-Python wheel written by hand (no build backend, nothing downloaded)."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    if requires:
        metadata += f"Requires-Dist: {requires}\n"
    content = {
        **files,
        f"{info}/METADATA": metadata,
        f"{info}/WHEEL": WHEEL,
    }
    rows = []
    for path, text in content.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        rows.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    rows.append(f"{info}/RECORD,,")
    target = directory / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as archive:
        for path, text in content.items():
            archive.writestr(path, text)
        archive.writestr(f"{info}/RECORD", "\n".join(rows) + "\n")
    return target


def wheels(directory: Path) -> Path:
    directory.mkdir(parents=True)
    for version in ("1.0", "2.0"):
        wheel(directory, MARKER, version, {"qalx_marker.py": f"VERSION = {version!r}\n"})
    wheel(directory, PYPI_BOT, "1.0", {"chain_bot.py": BOT.format(name="middle")}, f"{MARKER}==2.0")
    return directory


def path_bot(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "first_bot.py").write_text(BOT.format(name="first"))
    (root / "requirements.txt").write_text(f"{MARKER}==1.0\n")
    return root


def url_bot(root: Path) -> Path:
    """A git repository whose `dev` branch holds the package `last_pkg` (its requirements at
    the top, found by walking up from the bot module's directory)."""
    return code.dev_branch_repo(
        root,
        "last\n",
        {
            "last_pkg/__init__.py": "",
            "last_pkg/bots.py": BOT.format(name="last"),
            "requirements.txt": f"{MARKER}==2.0\n",
        },
    )


def plan(path: Path, first: Path, repo: Path, queue_prefix: str) -> Path:
    """stage `solo` runs the path bot alone; stage `chain` runs all three, first → middle →
    last."""
    path.write_text(
        textwrap.dedent(f"""\
        factory:
          name: chain
          tags: {{project: chains}}
          bots:
            first:
              source: {{path: "{first}"}}
              bot_path: first_bot:bot
            middle:
              source: {{pypi: {PYPI_BOT}, version: "1.0"}}
              bot_path: chain_bot:bot
            last:
              source: {{url: "{repo}", branch: dev}}
              bot_path: last_pkg.bots:bot
          workflows:
            flow:
              first:
                middle: [last]
          stages:
            solo:
              local_sector:
                type: local
                bots:
                  first: {{queue-name: {queue_prefix}-first, skip-ini: true}}
            chain:
              workflow: flow
              here:
                type: local
                bots:
                  first: {{queue-name: {queue_prefix}-first, skip-ini: true}}
                  middle: {{queue-name: {queue_prefix}-middle, skip-ini: true}}
              there:
                type: local
                bots:
                  last: {{queue-name: {queue_prefix}-last, skip-ini: true, processes: 2}}
        """)
    )
    return path
