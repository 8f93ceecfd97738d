"""`aggregate` with a match, group and sort pipeline."""

from __future__ import annotations

import json

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)

for n, colour in [(1, "red"), (2, "red"), (3, "red"), (5, "blue"), (7, "green")]:
    qalx.item.add(data={"n": n, "colour": colour}, meta={"kind": "dot"})

result = qalx.item.aggregate(
    [
        {"$match": {"data.n": {"$gte": 2}}},
        {"$group": {"_id": "$data.colour", "total": {"$sum": "$data.n"}, "count": {"$sum": 1}}},
        {"$sort": {"_id": 1}},
    ]
)
counted = qalx.item.aggregate([{"$match": {"metadata.data.kind": "dot"}}, {"$count": "dots"}])

print(
    json.dumps(
        {
            "rows": [dict(row) for row in result.data],
            "row_types": sorted({type(row).__name__ for row in result.data}),
            "counted": [dict(row) for row in counted.data],
        }
    )
)
