"""How API errors surface in pyqalx."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]
from pyqalx.core.errors import (  # type: ignore[import-not-found]
    QalxAPIResponseError,
    QalxEntityNotFound,
    QalxMultipleEntityReturned,
)

qalx = QalxSession(skip_ini=True)
out: dict[str, Any] = {}


def status(exc: Exception) -> str:
    text = str(exc)
    return text.split("status_code: ")[1].split("\n")[0] if "status_code: " in text else text


try:
    qalx.item.get(uuid.uuid4())
    out["get_missing"] = "found"
except QalxAPIResponseError as exc:
    out["get_missing"] = ["QalxAPIResponseError", status(exc)]

try:
    qalx.item.find_one(query={"data.nothing": 1})
    out["find_one_none"] = "found"
except QalxEntityNotFound as exc:
    out["find_one_none"] = ["QalxEntityNotFound", str(exc)]

qalx.item.add(data={"twin": True})
qalx.item.add(data={"twin": True})
try:
    qalx.item.find_one(query={"data.twin": True})
    out["find_one_many"] = "one"
except QalxMultipleEntityReturned:
    out["find_one_many"] = ["QalxMultipleEntityReturned"]

try:
    qalx.blueprint.get_by_name("no-such-blueprint")
    out["get_by_name_none"] = "found"
except QalxEntityNotFound as exc:
    out["get_by_name_none"] = ["QalxEntityNotFound", str(exc)]

try:
    qalx.item.find(query={"data.n": {"$where": "1"}})
    out["bad_query"] = "accepted"
except QalxAPIResponseError as exc:
    out["bad_query"] = ["QalxAPIResponseError", status(exc)]

os.environ["QALX_USER_TOKEN"] = "not-a-real-token"
intruder = QalxSession(skip_ini=True)
try:
    intruder.item.find()
    out["bad_token"] = "accepted"
except QalxAPIResponseError as exc:
    out["bad_token"] = ["QalxAPIResponseError", status(exc)]

print(json.dumps(out))
