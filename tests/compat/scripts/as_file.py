"""`as_file=True`: the item's data is kept as a file instead of in the document."""

from __future__ import annotations

import json

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)

made = qalx.item.add(data={"big": list(range(50)), "label": "heavy"}, as_file=True)
got = qalx.item.get(made.guid)
out = {
    "add_data": made.data.label,
    "file_as_file": got["file"].get("as_file"),
    "file_name_prefix": got["file"]["name"][: len("item_data_")],
    "get_data": dict(got.data),
}
got.data.label = "heavier"
qalx.item.save(got)
out["after_save"] = qalx.item.get(made.guid).data.label
print(json.dumps(out))
