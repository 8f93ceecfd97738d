"""The published mapping from pyqalx's modules to qalx's, and a rewrite of import lines by it:
code written for pyqalx 0.19.2 runs on qalx once its imports follow this table."""

from __future__ import annotations

import re

PYQALX_MODULES: dict[str, str] = {
    "pyqalx": "qalx",
    "pyqalx.core": "qalx",
    "pyqalx.core.session": "qalx.session",
    "pyqalx.core.entities": "qalx.entities",
    "pyqalx.core.entities.entity": "qalx.entities",
    "pyqalx.core.entities.item": "qalx.entities",
    "pyqalx.core.entities.set": "qalx.entities",
    "pyqalx.core.entities.group": "qalx.entities",
    "pyqalx.core.entities.blueprint": "qalx.entities",
    "pyqalx.core.entities.queue": "qalx.entities",
    "pyqalx.core.entities.bot": "qalx.entities",
    "pyqalx.core.entities.worker": "qalx.entities",
    "pyqalx.core.entities.factory": "qalx.entities",
    "pyqalx.core.entities.notification": "qalx.entities",
    "pyqalx.core.adapters": "qalx.adapters",
    "pyqalx.core.adapters.adapter": "qalx.adapters",
    "pyqalx.core.adapters.item": "qalx.adapters",
    "pyqalx.core.adapters.set": "qalx.adapters",
    "pyqalx.core.adapters.group": "qalx.adapters",
    "pyqalx.core.adapters.blueprint": "qalx.adapters",
    "pyqalx.core.adapters.queue": "qalx.adapters",
    "pyqalx.core.adapters.bot": "qalx.adapters",
    "pyqalx.core.adapters.worker": "qalx.adapters",
    "pyqalx.core.adapters.factory": "qalx.adapters",
    "pyqalx.core.adapters.notification": "qalx.adapters",
    "pyqalx.core.errors": "qalx.errors",
    "pyqalx.core.signals": "qalx.signals",
    "pyqalx.core.log": "qalx.logging",
    "pyqalx.core.tags": "qalx.tags",
    "pyqalx.core.encryption": "qalx.files",
    "pyqalx.config": "qalx.config",
    "pyqalx.config.configs": "qalx.config",
    "pyqalx.transport": "qalx.transport",
    "pyqalx.bot": "qalx.bot",
    "pyqalx.factories": "qalx.factories",
}
"""Where each pyqalx module's public names live in qalx (a module not listed maps as its
nearest listed parent does)."""


_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)(?P<kind>from|import)[ \t]+(?P<module>pyqalx(?:\.[\w.]+)?)\b"
    r"(?P<alias>[ \t]+as[ \t]+\w+)?",
    re.M,
)


def _target(module: str) -> str | None:
    """The qalx module for `module`: its own entry, or its nearest listed parent's."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        found = PYQALX_MODULES.get(".".join(parts[:end]))
        if found is not None:
            return found if end == len(parts) else None
    return None


def rewrite_pyqalx_imports(source: str) -> str:
    """`source` with every `from pyqalx... import` and `import pyqalx...` line pointing at the
    qalx module that holds the same names. A module with no qalx home yet is left as it is
    (so the import fails loudly, naming it)."""

    def replace(match: re.Match[str]) -> str:
        target = _target(match["module"])
        if target is None:
            return match[0]
        if match["kind"] == "import":  # the name the code uses stays bound
            alias = match["alias"] or f" as {match['module'].split('.')[-1]}"
            return f"{match['indent']}import {target}{alias}"
        return f"{match['indent']}from {target}"

    return _IMPORT.sub(replace, source)
