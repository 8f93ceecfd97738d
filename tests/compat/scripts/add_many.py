"""Bulk item create (`add_many`), with data-only items and one file item."""

from __future__ import annotations

import io
import json
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)

items: list[dict[str, Any]] = [{"data": {"n": n}, "meta": {"batch": "b1"}} for n in range(4)]
items.append(
    {
        "data": {"n": 4},
        "meta": {"batch": "b1"},
        "source": io.BytesIO(b"bulk file \x00\x01\x02"),
        "file_name": "bulk.bin",
    }
)
resp = qalx.item.add_many(items)

created = resp["items"]
with_file = created[4]
fetched = qalx.item.get(with_file.guid)
found = qalx.item.find(query={"metadata.data.batch": "b1"}, sort="data__n")

print(
    json.dumps(
        {
            "items_created": resp["items_created"],
            "items_errored": resp["items_errored"],
            "errors": resp["errors"],
            "created_n": [item.data.n for item in created],
            "guid_types": sorted({type(item.guid).__name__ for item in created}),
            "file_name": fetched["file"]["name"],
            "file_bytes": fetched.read_file().decode("latin-1"),
            "found_n": [item.data.n for item in found.data],
            "found_guids_match": [str(i.guid) for i in found.data]
            == [str(i.guid) for i in created],
        }
    )
)
