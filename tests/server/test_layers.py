"""The server's packages import one way: each only from the layers below it.

The layers are the map drawn in docs/server.md; an import against them (a cycle between two
packages, or a lower layer reaching up) fails here, naming the module and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import qalx_server

ROOT = Path(qalx_server.__file__).parent

LAYERS: list[set[str]] = [
    {"cli"},
    {"app"},
    {"api"},
    {"entities"},
    {"queueing", "notifications"},
    {"broker", "files", "auth"},
    {"jsonio"},
    {"store"},
    {"validation", "settings", "queue_model", "keyfiles"},
    {"spec", "guids"},
]
RANK = {name: depth for depth, layer in enumerate(LAYERS) for name in layer}


def _parts(path: Path) -> tuple[list[str], bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return parts[:-1], True
    return parts, False


def _imported(node: ast.AST, parts: list[str], is_package: bool) -> list[str]:
    """The top-level server packages or modules an import statement names."""
    if isinstance(node, ast.Import):
        return [a.name.split(".")[1] for a in node.names if a.name.startswith("qalx_server.")]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = parts if is_package else parts[:-1]
        base = base[: len(base) - (node.level - 1)]
        module = [*base, *(node.module.split(".") if node.module else [])]
    elif node.module == "qalx_server" or (node.module or "").startswith("qalx_server."):
        module = (node.module or "").split(".")[1:]
    else:
        return []
    if module:
        return [module[0]]
    return [a.name for a in node.names if a.name in RANK or (ROOT / a.name).exists()]


def server_imports() -> list[tuple[str, str, str]]:
    """(importing package, imported package, where) for every import across packages,
    those inside functions included."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts, is_package = _parts(path)
        if not parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            for target in _imported(node, parts, is_package):
                if target != parts[0]:
                    where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', 0)}"
                    found.append((parts[0], target, where))
    return found


def test_every_package_has_a_layer() -> None:
    packages = {
        path.stem if path.is_file() else path.name
        for path in ROOT.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert packages - RANK.keys() == set(), "place each new package in LAYERS"
    assert RANK.keys() - packages == set(), "LAYERS names a package that is gone"


def test_imports_only_go_down_the_layers() -> None:
    imports = server_imports()
    assert len(imports) > 50  # the walk sees the imports (a broken one would pass vacuously)
    upward = [
        f"{where}: {source} imports {target}"
        for source, target, where in imports
        if RANK[source] >= RANK[target]
    ]
    assert upward == []
