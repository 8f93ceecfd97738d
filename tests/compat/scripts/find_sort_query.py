"""`find` with `sort` (pyqalx's `a__b` paths, `-` prefix, lists, `created`), `query` on `data.*`
and `metadata.data.*`, and `skip`/`limit` paging."""

from __future__ import annotations

import json
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]

qalx = QalxSession(skip_ini=True)
out: dict[str, Any] = {}

rows = [("a", 3, "x"), ("b", 1, "y"), ("c", 2, "x"), ("d", 5, "y"), ("e", 4, "x")]
for name, n, group in rows:
    qalx.item.add(
        data={"name": name, "n": n, "nested": {"v": n * 10}},
        meta={"group": group, "owner": {"name": f"owner-{name}"}},
    )


def names(**kwargs: Any) -> list[str]:
    return [e.data.name for e in qalx.item.find(**kwargs).data]


out["sort_asc"] = names(sort="data__n")
out["sort_desc"] = names(sort="-data__n")
out["sort_nested"] = names(sort="-data__nested__v")
out["sort_list"] = names(sort=["meta__group", "-data__n"])
out["sort_meta_nested"] = names(sort="-meta__owner__name")
out["sort_created"] = names(sort="created")
out["sort_created_desc"] = names(sort="-created")
out["query_gt"] = names(query={"data.n": {"$gt": 2}}, sort="data__n")
out["query_nested"] = names(query={"data.nested.v": 20})
out["query_meta"] = names(query={"metadata.data.group": "y"}, sort="data__n")
out["query_meta_nested"] = names(query={"metadata.data.owner.name": "owner-e"})
out["query_or"] = names(
    query={"$or": [{"metadata.data.group": "y"}, {"data.n": 3}]}, sort="data__n"
)
out["query_in"] = names(query={"data.name": {"$in": ["e", "a"]}}, sort="-data__n")
out["query_and_meta"] = names(
    query={"metadata.data.group": "x", "data.n": {"$lt": 4}}, sort="data__n"
)
page = qalx.item.find(sort="data__n", skip=1, limit=2)
out["page"] = [e.data.name for e in page.data]
out["page_query"] = {k: page["query"][k] for k in ("count",) if k in page["query"]}
out["page_next"] = page["query"].get("next")
out["limit_one"] = names(sort="data__n", limit=1)

print(json.dumps(out))
