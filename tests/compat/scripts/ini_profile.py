"""Configuration from a `~/.qalx` profile file (as `qalx configure` writes it), not from env."""

from __future__ import annotations

import json

from pyqalx import QalxSession  # type: ignore[import-not-found]

default = QalxSession()
second = QalxSession(profile_name="second")
made = default.item.add(data={"from": "default"})
print(json.dumps({"seen_by_second": second.item.get(made.guid).data["from"]}))
