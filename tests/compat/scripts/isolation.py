"""argv: `add` (make an item, print its guid) or `look <guid>` (find it, get it)."""

from __future__ import annotations

import json
import sys
import uuid

from pyqalx import QalxSession  # type: ignore[import-not-found]
from pyqalx.core.errors import QalxAPIResponseError  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)

if sys.argv[1] == "add":
    print(json.dumps({"guid": str(qalx.item.add(data={"secret": 1}).guid)}))
else:
    guid = uuid.UUID(sys.argv[2])
    found = [str(e.guid) for e in qalx.item.find(query={"data.secret": 1}).data]
    try:
        qalx.item.get(guid)
        got = "ok"
    except QalxAPIResponseError as exc:
        got = "404" if "status_code: 404" in str(exc) else str(exc)
    print(json.dumps({"found": found, "get": got}))
