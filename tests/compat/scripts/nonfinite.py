"""Engineering results with NaN and infinities: stored, read back, found and saved."""

from __future__ import annotations

import json
import math

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)

made = qalx.item.add(data={"stress": float("nan"), "limit": float("inf"), "low": -float("inf")})
got = qalx.item.get(made.guid).data
nans = qalx.item.find(query={"data.stress": float("nan")}).data
above = qalx.item.find(query={"data.limit": {"$gt": 1e308}}).data
item = qalx.item.get(made.guid)
item.data["stress"] = 1.0
qalx.item.save(item)
saved = qalx.item.get(made.guid).data


def show(x: float) -> str:
    return "nan" if math.isnan(x) else repr(x)


print(
    json.dumps(
        {
            "added": {k: show(v) for k, v in made.data.items()},
            "got": {k: show(v) for k, v in got.items()},
            "found_nan": [str(i.guid) == str(made.guid) for i in nans],
            "found_above": [str(i.guid) == str(made.guid) for i in above],
            "saved": {k: show(v) for k, v in saved.items()},
        }
    )
)
