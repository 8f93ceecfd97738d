"""Sets of items and groups of sets: add, get (unpacked and packed), find_one, save."""

from __future__ import annotations

import json
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)
out: dict[str, Any] = {}

first = qalx.item.add(data={"k": 1})
second = qalx.item.add(data={"k": 2})
third = qalx.item.add(data={"k": 3})

made = qalx.set.add(items={"first": first, "second": second}, meta={"_class": "thing.things"})
# `add` hands back the items the caller gave it; what the server stored is read below.
out["add_items"] = sorted(made["items"].keys())

unpacked = qalx.set.get(made.guid)
out["set_get"] = {
    key: {"type": type(child).__name__, "data": dict(child.data), "guid": str(child.guid)}
    for key, child in unpacked["items"].items()
}
out["expected"] = {"first": str(first.guid), "second": str(second.guid)}
out["set_meta"] = dict(unpacked.meta)

packed = qalx.set.get(made.guid, unpack=False)
out["set_packed"] = {key: [type(v).__name__, str(v)] for key, v in packed["items"].items()}

by_meta = qalx.set.find_one(query={"metadata.data._class": "thing.things"})
out["set_find_one"] = {key: dict(child.data) for key, child in by_meta["items"].items()}

listed = qalx.set.find()
out["set_find"] = [
    {key: type(v).__name__ for key, v in entity["items"].items()} for entity in listed.data
]

# Save an unpacked set with a changed child map: pyqalx packs the children again.
unpacked["items"]["third"] = third
unpacked.meta.edited = True
qalx.set.save(unpacked)
resaved = qalx.set.get(made.guid)
out["set_after_save"] = {key: child.data.k for key, child in resaved["items"].items()}
out["set_meta_after_save"] = dict(resaved.meta)

lonely = qalx.set.add(items={"only": third})
group = qalx.group.add(sets={"a": made, "b": lonely}, meta={"name": "g1"})

plain = qalx.group.get(group.guid)
out["group_get"] = {key: [type(v).__name__, str(v)] for key, v in plain["sets"].items()}
out["group_expected"] = {"a": str(made.guid), "b": str(lonely.guid)}

deep = qalx.group.get(group.guid, unpack=True)
out["group_get_unpacked"] = {
    key: {item_key: item.data.k for item_key, item in child_set["items"].items()}
    for key, child_set in deep["sets"].items()
}

one = qalx.group.find_one(query={"metadata.data.name": "g1"})
out["group_find_one"] = {key: str(v) for key, v in one["sets"].items()}
one_deep = qalx.group.find_one(query={"metadata.data.name": "g1"}, unpack=True)
out["group_find_one_unpacked"] = {
    key: sorted(child_set["items"].keys()) for key, child_set in one_deep["sets"].items()
}

print(json.dumps(out, default=str))
