"""`query.next` followed the way pyqalx's own CLI (qalxcli/utils.py) does, through pyqalx's
private `_process_api_request` (pyqalx only: qalx has no such private method)."""

from __future__ import annotations

import json
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)
out: dict[str, Any] = {}
for name, n in [("a", 3), ("b", 1), ("c", 2), ("d", 5), ("e", 4)]:
    qalx.item.add(data={"name": name, "n": n})
page = qalx.item.find(sort="data__n", skip=1, limit=2)
out["page_next"] = page["query"].get("next")
following = qalx.item._process_api_request("get", page["query"]["next"])
out["next_page"] = [row["data"]["name"] for row in following["data"]]
out["next_page_next"] = following["query"].get("next")
print(json.dumps(out))
