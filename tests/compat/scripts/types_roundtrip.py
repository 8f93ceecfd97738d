"""Python types in `data` come back as the same types (bson-extra extended JSON both ways)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytz  # type: ignore[import-untyped, unused-ignore]
from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)

ref = uuid.UUID("12345678-1234-5678-1234-567812345678")
when_naive = dt.datetime(2024, 5, 17, 13, 45, 12, 345000)  # milliseconds: $date precision
when_utc = pytz.utc.localize(dt.datetime(2024, 5, 17, 13, 45, 12))
sent: dict[str, Any] = {
    "int": 7,
    "big": 2**53 + 1,
    "float": 193e9,
    "neg": -0.25,
    "text": "héllo ✓",
    "none": None,
    "flag": True,
    "list": [1, "two", 3.0, None, {"k": [True]}],
    "nested": {"a": {"b": {"c": "deep"}}},
    "uuid": ref,
    "when_naive": when_naive,
    "when_utc": when_utc,
    "blob": b"\x00\x01binary\xff",
}
made = qalx.item.add(data=sent)
got = qalx.item.get(made.guid).data

report = {
    key: {"equal": got.get(key) == value, "type": type(got.get(key)).__name__}
    for key, value in sent.items()
}
found = qalx.item.find(query={"data.uuid": ref}).data
by_date = qalx.item.find(query={"data.when_naive": {"$gte": dt.datetime(2024, 1, 1)}}).data
print(
    json.dumps(
        {
            "report": report,
            "find_by_uuid": len(found),
            "find_by_date": len(by_date),
            "got_when_utc_tz": str(getattr(got.get("when_utc"), "tzinfo", None)),
        }
    )
)
