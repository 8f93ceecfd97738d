"""Item life cycle: add, get, find, find_one, save, reload, archive, delete."""

from __future__ import annotations

import json
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]
from pyqalx.core.errors import QalxAPIResponseError  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)
out: dict[str, Any] = {}


def snap(value: Any) -> Any:
    """A JSON copy, taken now: entities are mutable and edited further down."""
    return json.loads(json.dumps(value, default=str))


added = qalx.item.add(data={"height": 5, "width": 4}, meta={"shape": "rectangle"})
other = qalx.item.add(data={"height": 1, "width": 1}, meta={"shape": "square"})
out["added"] = {
    "guid_type": type(added.guid).__name__,
    "data": snap(added.data),
    "meta": snap(added.meta),
    "file": snap(added["file"]),
    "has_encrypt": "encrypt" in added,
    "created_on_type": type(added.info.created.on).__name__,
}

got = qalx.item.get(added.guid)
out["get"] = {"same_guid": got.guid == added.guid, "data": snap(got.data), "meta": snap(got.meta)}

found = qalx.item.find()
out["find"] = {
    "guids": sorted(str(e.guid) for e in found.data),
    "count": found["query"]["count"],
}
out["expected_guids"] = sorted([str(added.guid), str(other.guid)])

one = qalx.item.find_one(query={"data.height": 5})
out["find_one"] = {"same_guid": one.guid == added.guid, "data": snap(one.data)}

# Attribute-style edits, then save; save must not send back anything the server can't take.
one.data.height = 10
one.meta.shape = "tall"
saved = qalx.item.save(one)
reloaded = qalx.item.reload(saved)
out["save"] = {
    "saved_data": snap(saved.data),
    "reloaded_data": snap(reloaded.data),
    "meta": snap(reloaded.meta),
}

# A second save of the reloaded entity, as a user would do in a loop.
reloaded.data.width = 7
resaved = qalx.item.save(reloaded)
out["resave"] = {"data": qalx.item.get(added.guid).data, "returned": snap(resaved.data)}

archived = qalx.item.archive(reloaded)
out["archive"] = {
    "same_guid": archived.guid == added.guid,
    "archived_flag": archived.info.get("archived"),
    "find_guids_after": sorted(str(e.guid) for e in qalx.item.find().data),
    "find_archived_guids": [
        str(e.guid) for e in qalx.item.find(query={"info.archived": True}).data
    ],
}

qalx.item.delete(other)
try:
    qalx.item.get(other.guid)
    out["get_after_delete"] = "found"
except QalxAPIResponseError as exc:
    out["get_after_delete"] = "404" if "status_code: 404" in str(exc) else str(exc)

print(json.dumps(out, default=str))
