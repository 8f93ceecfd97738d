"""Tag-scoped sessions: `QalxSession(project_name=...)` tags what it writes and sees only that."""

from __future__ import annotations

import json
from typing import Any

from pyqalx import QalxSession  # type: ignore[import-not-found]
from pyqalx.core.errors import QalxEntityNotFound  # type: ignore[import-not-found]

plain = QalxSession(skip_ini=True)
apollo = QalxSession(skip_ini=True, project_name="Apollo ")
gemini = QalxSession(skip_ini=True, project_name="gemini")
out: dict[str, Any] = {}

a = apollo.item.add(data={"n": 1, "who": "apollo"})
g = gemini.item.add(data={"n": 2, "who": "gemini"})
p = plain.item.add(data={"n": 3, "who": "plain"})
s = apollo.set.add(items={"a": a})


def who(session: Any, **kwargs: Any) -> list[str]:
    return sorted(e.data.who for e in session.item.find(**kwargs).data)


out["tags"] = {
    "apollo": [dict(t) for t in a.tags],
    "plain": [dict(t) for t in p.tags],
    "set": [dict(t) for t in s.tags],
}
out["find"] = {"apollo": who(apollo), "gemini": who(gemini), "plain": who(plain)}
out["find_query"] = who(apollo, query={"data.n": {"$gte": 1}})
out["find_query_and"] = who(apollo, query={"$and": [{"data.n": {"$lte": 3}}]})
out["find_untagged"] = who(apollo, include_session_tags=False)
out["find_one"] = apollo.item.find_one(query={"data.n": 1}).data.who
try:
    apollo.item.find_one(query={"data.n": 2})
    out["find_one_other"] = "found"
except QalxEntityNotFound:
    out["find_one_other"] = "not found"
out["get_other"] = apollo.item.get(g.guid).data.who  # get by guid never filters by tags
out["sets"] = {"apollo": len(apollo.set.find().data), "gemini": len(gemini.set.find().data)}

# A save through a tagged session puts that session's tags on the entity.
apollo.item.save(plain.item.get(p.guid))
out["after_save"] = {"apollo": who(apollo), "tags": [dict(t) for t in plain.item.get(p.guid).tags]}

print(json.dumps(out))
