"""The published pyqalx → qalx module table: every target imports, and rewriting touches
import lines only."""

from __future__ import annotations

import importlib

import pytest

from qalx import PYQALX_MODULES, rewrite_pyqalx_imports


@pytest.mark.parametrize("target", sorted(set(PYQALX_MODULES.values())))
def test_every_target_module_imports(target: str) -> None:
    assert importlib.import_module(target).__name__ == target


def test_imports_are_rewritten_keeping_their_names() -> None:
    source = (
        "from pyqalx import Bot, QalxSession\n"
        "import pyqalx.core.entities.item as items\n"
        "from pyqalx.factories import Factory\n"
        "from pyqalx.factories.sectors import something\n"
        "    from pyqalx.core.errors import QalxError\n"
        "print('pyqalx stays in strings')\n"
    )
    assert rewrite_pyqalx_imports(source) == (
        "from qalx import Bot, QalxSession\n"
        "import qalx.entities as items\n"
        "from qalx.factories import Factory\n"
        "from pyqalx.factories.sectors import something\n"  # no qalx home: fails loudly
        "    from qalx.errors import QalxError\n"
        "print('pyqalx stays in strings')\n"
    )
