"""Generate the typed low-level client, generated/qalx_api_client, from openapi/qalx.yaml.

    python codegen/generate.py          # (re)write generated/qalx_api_client
    python codegen/generate.py --check  # fail, showing a diff, if it is out of step

The generator always writes into a fresh temporary directory outside the repository, so no
project configuration (ruff settings, caches) can leak into the output, and the output is
byte-identical run after run. `--check` compares that output with the working tree without
touching it, so it catches hand edits whether or not they are committed, and never destroys one.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import filecmp
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "qalx.yaml"
CONFIG = ROOT / "codegen" / "config.yaml"
PACKAGE = "qalx_api_client"
TARGET = ROOT / "generated" / PACKAGE

# The generator hard-codes this boundary in multipart requests, which breaks them: httpx must
# choose the boundary itself. Removed wherever it appears.
FIXED_BOUNDARY = "; boundary=+++"


def _effective_config(workdir: Path) -> Path:
    """Write config.yaml with its hooks bound to this interpreter's ruff and our post-processor."""
    config = yaml.safe_load(CONFIG.read_text())
    python = shlex.quote(sys.executable)
    hooks = [
        f"{python} {shlex.quote(str(Path(__file__).resolve()))} --postprocess .",
        *(f"{python} -P -m {hook}" for hook in config.get("post_hooks", [])),
    ]
    config["post_hooks"] = hooks
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=True))
    return path


# Importing the generated client must cost almost nothing: every short-lived CLI call and bot
# worker pays it. As generated, `import qalx_api_client` imports httpx (0.1 s here, more with
# click and rich installed), and importing any model imports all of them (another 0.05 s). So
# the package `__init__`s export their names lazily (PEP 562), and the operation modules, which
# use httpx and the client classes only in annotations, import them for type checkers only.
LAZY_INIT = """\
{docstring}

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
{imports}

_MODULE_OF = {{
{modules}
}}

__all__ = ({names}
)


def __getattr__(name: str) -> Any:
    \"\"\"Import a name's module on first use (see codegen/generate.py).\"\"\"
    try:
        module = _MODULE_OF[name]
    except KeyError:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}") from None
    value = getattr(importlib.import_module(f".{{module}}", __name__), name)
    globals()[name] = value
    return value
"""
TYPE_ONLY_IMPORTS = ("import httpx\n", "from ...client import AuthenticatedClient, Client\n")


def _lazy_init(path: Path) -> None:
    text = path.read_text()
    docstring = f'"""{ast.get_docstring(ast.parse(text)) or "Generated names."}"""'
    found = re.findall(r"^from \.(\w+) import ([\w, ]+)$", text, flags=re.MULTILINE)
    pairs = [(module, name.strip()) for module, names in found for name in names.split(",")]
    path.write_text(
        LAZY_INIT.format(
            docstring=docstring,
            imports="\n".join(f"    from .{m} import {n}" for m, n in pairs),
            modules="\n".join(f'    "{n}": "{m}",' for m, n in pairs),
            names="".join(f'\n    "{n}",' for _, n in sorted(pairs, key=lambda p: p[1])),
        )
    )


def _type_only_imports(path: Path) -> None:
    text = path.read_text()
    if not all(line in text for line in TYPE_ONLY_IMPORTS):
        return
    for line in TYPE_ONLY_IMPORTS:
        text = text.replace(line, "", 1)
    guarded = "".join(f"    {line}" for line in TYPE_ONLY_IMPORTS)
    header = "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\n"
    path.write_text(header + text + f"\n\nif TYPE_CHECKING:\n{guarded}")


def postprocess(package_dir: Path) -> None:
    """Fix-ups the generator has no switch for; runs as its first post-hook."""
    for source in sorted(package_dir.rglob("*.py")):
        text = source.read_text()
        if FIXED_BOUNDARY in text:
            source.write_text(text.replace(FIXED_BOUNDARY, ""))
    _lazy_init(package_dir / "__init__.py")
    _lazy_init(package_dir / "models" / "__init__.py")
    for operation in sorted((package_dir / "api").glob("*/*.py")):
        _type_only_imports(operation)
    # PEP 561 marker, so downstream mypy uses the generated annotations.
    (package_dir / "py.typed").write_text("")


def generate(into: Path) -> Path:
    """Run openapi-python-client; return the generated package directory under `into`."""
    out = into / PACKAGE
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(SPEC),
        "--config",
        str(_effective_config(into)),
        "--meta",
        "none",
        "--output-path",
        str(out),
        "--overwrite",
        "--fail-on-warning",
    ]
    result = subprocess.run(command, cwd=into, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"openapi-python-client failed with exit code {result.returncode}")
    for cache in out.rglob(".ruff_cache"):
        shutil.rmtree(cache)
    for pycache in out.rglob("__pycache__"):
        shutil.rmtree(pycache)
    return out


def _tree(root: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(root)): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Unified-diff lines for every file that differs between two package trees."""
    want, have = _tree(expected), _tree(actual)
    lines: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        if name in want and name in have and filecmp.cmp(want[name], have[name], shallow=False):
            continue
        old = have[name].read_text().splitlines(keepends=True) if name in have else []
        new = want[name].read_text().splitlines(keepends=True) if name in want else []
        lines += difflib.unified_diff(
            old, new, f"generated/{PACKAGE}/{name} (working tree)", f"{name} (from the spec)"
        )
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail if generated/ is out of step")
    mode.add_argument("--postprocess", metavar="DIR", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.postprocess is not None:
        postprocess(args.postprocess.resolve())
        return 0

    with tempfile.TemporaryDirectory(prefix="qalx-codegen-") as tmp:
        fresh = generate(Path(tmp))
        if args.check:
            diff = differences(fresh, TARGET)
            if diff:
                sys.stdout.writelines(diff[:400])
                print(
                    f"\ngenerated/{PACKAGE} differs from what openapi/qalx.yaml generates "
                    f"({sum(1 for line in diff if line.startswith('+++'))} files). Never edit "
                    "it by hand: change the spec and run `make generate`.",
                    file=sys.stderr,
                )
                return 1
            print(f"generated/{PACKAGE} is in step with openapi/qalx.yaml")
            return 0
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh, TARGET)
        print(f"wrote generated/{PACKAGE} from openapi/qalx.yaml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
