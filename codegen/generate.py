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
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

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


# The factory plan's JSON Schema, for the SDK to check plans with before sending them: the
# spec's FactoryPlan and the schemas it refers to, as one JSON Schema document. The server
# checks plans against the same schemas in the spec, so the two can never drift apart.
PLAN_SCHEMA = "FactoryPlan"
PLAN_SCHEMA_FILE = Path("schemas") / "factory_plan.json"
_COMPONENT = "#/components/schemas/"
# Keywords whose meaning differs between OAS 3.0 and JSON Schema (or that JSON Schema lacks).
_OAS_ONLY = frozenset(
    {"nullable", "discriminator", "readOnly", "writeOnly", "xml", "externalDocs", "example"}
    | {"format", "deprecated"}
)


def _subschemas(schema: dict[str, Any]) -> list[Any]:
    found: list[Any] = [*schema.get("properties", {}).values()]
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), dict):
            found.append(schema[key])
    for key in ("oneOf", "anyOf", "allOf"):
        found += schema.get(key, [])
    return found


def plan_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """FactoryPlan and every schema it refers to, as `$defs` of one JSON Schema document.
    Fails if they use a keyword that a JSON Schema validator would read differently."""
    schemas = spec["components"]["schemas"]
    defs: dict[str, Any] = {}
    pending = [PLAN_SCHEMA]
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        defs[name] = schemas[name]
        walk = [schemas[name]]
        while walk:
            node = walk.pop()
            oas_only = _OAS_ONLY & node.keys()
            if oas_only:
                raise SystemExit(f"{name} uses {sorted(oas_only)}, which JSON Schema lacks")
            ref = node.get("$ref", "")
            if ref:
                pending.append(ref.removeprefix(_COMPONENT))
            walk += _subschemas(node)
    text = json.dumps(defs).replace(f'"{_COMPONENT}', '"#/$defs/')
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Written by codegen/generate.py from openapi/qalx.yaml; never edit.",
        "$ref": f"#/$defs/{PLAN_SCHEMA}",
        "$defs": json.loads(text),
    }


def _split_plan_schema(workdir: Path) -> tuple[Path, dict[str, Any]]:
    """The spec without the plan's schemas, for the generator, and the plan's JSON Schema.
    No request body is a plan (it travels as JSON text), so the client needs no models of it,
    and openapi-python-client cannot model the recursive workflow tree anyway."""
    spec = yaml.safe_load(SPEC.read_text())
    schema = plan_schema(spec)
    schemas = spec["components"]["schemas"]
    for name in schema["$defs"]:
        del schemas[name]
    path = workdir / "qalx.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path, schema


def generate(into: Path) -> Path:
    """Run openapi-python-client; return the generated package directory under `into`."""
    out = into / PACKAGE
    spec, schema = _split_plan_schema(into)
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
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
    target = out / PLAN_SCHEMA_FILE
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
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
