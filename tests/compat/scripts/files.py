"""Files up and down: a path `source`, a stream `source` + `file_name`, `read_file`,
`save_file_to_disk`, binary content, replacing and removing a file with `save`.

argv[1]: a scratch directory.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]

scratch = Path(sys.argv[1])
qalx = QalxSession(skip_ini=True)
out: dict[str, Any] = {}

payload = bytes(range(256)) * 64 + b"\x00\r\n\x1a\xff"  # every byte value, CR/LF, NUL, EOF
source_path = scratch / "316_datasheet.pdf"
source_path.write_bytes(payload)

from_path = qalx.item.add(
    source=str(source_path),
    data={"rho": 8000, "E": 193e9},
    meta={"library": "materials", "family": "steel", "grade": "316"},
)
out["path_add"] = {
    "name": from_path["file"]["name"],
    "keys": sorted(from_path["file"].keys()),
    "data": dict(from_path.data),
}

from_stream = qalx.item.add(source=io.BytesIO(b"report body\n"), file_name="report.docx")
out["stream_add"] = {"name": from_stream["file"]["name"]}

steel = qalx.item.find_one(query={"metadata.data.grade": "316"})
out["read_file_equal"] = steel.read_file() == payload
down = scratch / "down"
down.mkdir()
written = Path(steel.save_file_to_disk(str(down)))
out["save_to_disk"] = {"name": written.name, "equal": written.read_bytes() == payload}
renamed = Path(qalx.item.get(steel.guid).save_file_to_disk(str(down), filename="copy.pdf"))
out["save_to_disk_renamed"] = {"name": renamed.name, "equal": renamed.read_bytes() == payload}

report = qalx.item.get(from_stream.guid)
out["stream_read"] = report.read_file().decode()

# Saving without a new source sends the file dict back (with its url) and keeps the file.
report.data.pages = 3
qalx.item.save(report)
kept = qalx.item.get(from_stream.guid)
out["save_keeps_file"] = {
    "name": kept["file"]["name"],
    "bytes": kept.read_file().decode(),
    "data": dict(kept.data),
}

# Saving with a new source replaces the file.
qalx.item.save(kept, source=io.BytesIO(b"second version"), file_name="v2.txt")
replaced = qalx.item.get(from_stream.guid)
out["save_replaces_file"] = {
    "name": replaced["file"]["name"],
    "bytes": replaced.read_file().decode(),
}

# `entity['file'] = {}` removes the file (pyqalx's documented way).
replaced["file"] = {}
qalx.item.save(replaced)
out["file_removed"] = dict(qalx.item.get(from_stream.guid)["file"])

print(json.dumps(out, default=str))
