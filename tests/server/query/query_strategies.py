"""Hypothesis strategies for documents and Mongo filters.

Two families:

* ``oracle_*``: shapes on which mongomock 4.3 behaves like real MongoDB.  The
  exclusions (each a mongomock bug, not a MongoDB rule) are:
  - dotted paths through a scalar or null (mongomock yields no candidate; Mongo
    treats the field as missing, so ``null`` matches): dotted paths only run
    under ``o``, which is always an object or an array of objects;
  - 0, 1, 0.0, 1.0 next to booleans (Python's ``True == 1`` leaks into
    mongomock's equality, ``$in`` and ``$all``);
  - arrays nested in arrays (mongomock's ``$eq``/``$all`` flatten or skip them);
  - ``$size`` 1, or ``$size`` on objects (mongomock counts scalars as size 1
    and objects by key count): ``$size`` only on array-or-scalar paths, n != 1;
  - ``$in``/``$nin`` with array members (mongomock never tests whole arrays);
  - ``$gte``/``$lte`` null (Mongo matches null and missing; mongomock nothing);
  - ``$all`` [] (mongomock matches everything, Mongo nothing) and ``$all`` on
    paths through arrays (mongomock flattens only the first candidate);
  - ``$type`` with a list of types (mongomock: unhashable), "null"/"binData"
    (not implemented / UUIDs not seen as binData) and ints between 2**31 and
    2**32 ("int" uses bit_length <= 32);
  - ``$ne``/``$nin`` combined with another operator on the same field
    (mongomock applies its "all candidates" rule to the whole operator dict);
  - ``$options`` inside ``$not`` (mongomock: "unknown operator");
  - ``$exists: false`` through arrays (mongomock matches if any element lacks
    the field; Mongo parses it as NOT ``$exists: true``): only on top-level fields;
  - ``$not`` where no value is reached (``o: []``; mongomock never matches);
  - null, ``$ne``, ``$nin``, ``$not``, ``$exists: false`` on numeric paths (mongomock
    returns no candidate for an index past the end or on an object).
  - NaN as an operand (mongomock's Python equality: ``{a: NaN}`` never matches, and
    ``$ne: NaN`` matches NaN; MongoDB's NaN equals NaN): NaN is in documents only;
    infinities are ordinary numbers to both, so they are operands too.
  One more mongomock bug is not excluded here but per document, when results are
  compared: several operators on a dotted path that reaches several values
  (``query_support.mongomock_misreads``).
* ``wide_*``: every shape, including the ones above, used to check that the SQL
  compilers agree with the Python matcher (our specification).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hypothesis import strategies as st

from qalx_server.store.query import from_python, to_python
from qalx_server.store.query.matcher import MISSING, resolve
from qalx_server.store.query.values import kind

UUIDS = [uuid.UUID(int=0x1234 << 100), uuid.UUID(int=7)]
DATES = [
    dt.datetime(2001, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2020, 6, 1, 12, 30, 0, 123000, tzinfo=dt.UTC),
]
INTS = [-3, 2, 5, 42, 2**40]
FLOATS = [2.5, -0.5, 5.0, 1e-5, float("inf"), -float("inf")]
NAN = float("nan")
STRINGS = ["", "a", "ab", "B", "é", "a\nb", "x y"]

scalars = st.one_of(
    st.sampled_from(INTS),
    st.sampled_from(FLOATS),
    st.sampled_from(STRINGS),
    st.booleans(),
    st.none(),
    st.sampled_from(UUIDS),
    st.sampled_from(DATES),
)
doc_scalars = st.one_of(scalars, st.just(NAN))
"""What documents hold: the operands, and NaN."""
wide_scalars = st.one_of(doc_scalars, st.sampled_from([0, 1, 0.0, 1.0, 2**31 + 5]))
non_null_scalars = scalars.filter(lambda v: v is not None)

leaf_obj = st.fixed_dictionaries({}, optional={"x": doc_scalars, "y": doc_scalars})
inner_obj = st.fixed_dictionaries(
    {},
    optional={
        "x": st.one_of(doc_scalars, st.lists(doc_scalars, max_size=3)),
        "y": st.one_of(
            doc_scalars, st.lists(st.one_of(doc_scalars, leaf_obj), max_size=3), leaf_obj
        ),
        "z": leaf_obj,
    },
)

oracle_docs = st.fixed_dictionaries(
    {},
    optional={
        "a": st.one_of(doc_scalars, st.lists(doc_scalars, max_size=3)),
        "b": st.one_of(
            doc_scalars, st.lists(st.one_of(doc_scalars, leaf_obj), max_size=3), inner_obj
        ),
        # min_size=1: mongomock gives an empty array no candidates, so "$not" on "o.x"
        # fails to match (Mongo: the negation of a non-match matches)
        "o": st.one_of(inner_obj, st.lists(inner_obj, min_size=1, max_size=3)),
    },
)

_wide_value = st.recursive(
    wide_scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3),
        st.dictionaries(st.sampled_from(["x", "y", "z", "0"]), kids, max_size=3),
    ),
    max_leaves=8,
)
wide_docs = st.dictionaries(st.sampled_from(["a", "b", "o"]), _wide_value, max_size=3)

TOP = ["a", "b", "o"]
DOTTED = ["o.x", "o.y", "o.z", "o.z.x"]
WIDE_DOTTED = ["o.y.x", "a.x", "b.x.y"]
NUMERIC = ["a.0", "a.1", "o.0.x", "o.1", "b.0", "o.x.0"]
SIZE_PATHS = ["a", "o.x"]
TYPES = ["double", "string", "object", "array", "bool", "date", "int", "long", "number"]
REGEXES = ["^a", "b$", "é", "A", "^$", "a.b", "x|y", "^[a-z]+$", "\\s"]


def _enc(v: Any) -> Any:
    return from_python(v)


ALL_PATHS = TOP + DOTTED + NUMERIC + WIDE_DOTTED + ["x", "y"]
Pools = dict[str, tuple[Any, ...]]


def path_pools(docs: list[Any]) -> Pools:
    """Per path, the scalars the (canonical) docs hold there: operands that hit."""
    pools: Pools = {}
    for path in ALL_PATHS:
        found: list[Any] = []
        for doc in docs:
            for v in resolve(doc, tuple(path.split("."))):
                for item in v if isinstance(v, list) else [v]:
                    if item is MISSING or isinstance(item, list):
                        continue
                    if not (isinstance(item, dict) and kind(item) == "object"):
                        found.append(to_python(item))
        if path in ("x", "y"):  # $elemMatch sub-fields of "o"/"b" elements
            found += list(pools.get("o." + path, ()))
        pools[path] = tuple(found)
    return pools


def _operands(wide: bool, pool: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    pool = tuple(v for v in pool if not isinstance(v, bool | int | float) or v == v)
    base = wide_scalars if wide else scalars
    if not pool:
        return base
    if not wide:  # keep the oracle exclusions (0/1 next to booleans) for pooled values
        pool = tuple(v for v in pool if isinstance(v, bool) or v not in (0, 1))
    return st.one_of(st.sampled_from(pool), base) if pool else base


@st.composite
def _positive_op(
    draw: st.DrawFn, path: str, numeric: bool, wide: bool, pool: tuple[Any, ...]
) -> dict[str, Any]:
    scal = _operands(wide, pool)
    nn = scal.filter(lambda v: v is not None)
    eq_operand = nn if numeric and not wide else scal
    choices = ["eq", "cmp", "in", "exists", "regex", "type"]
    if wide or path in SIZE_PATHS:
        choices.append("size")
    if wide or path == "a":
        choices.append("all")
    kind = draw(st.sampled_from(choices))
    if kind == "eq":
        operand: Any = draw(
            st.one_of(
                eq_operand,
                st.lists(nn, min_size=0, max_size=2),
                st.fixed_dictionaries({"x": nn}),
            )
            if (wide or not numeric)
            else eq_operand
        )
        return {"$eq": _enc(operand)}
    if kind == "cmp":
        op = draw(st.sampled_from(["$gt", "$gte", "$lt", "$lte"]))
        return {op: _enc(draw(scal if wide else nn))}
    if kind == "in":
        vals = draw(st.lists(eq_operand, min_size=0 if wide else 1, max_size=3))
        return {"$in": _enc(vals)}
    if kind == "exists":
        return {"$exists": True}
    if kind == "regex":
        out: dict[str, Any] = {"$regex": draw(st.sampled_from(REGEXES))}
        opts = draw(st.sets(st.sampled_from("imsx")))
        if opts:
            out["$options"] = "".join(sorted(opts))
        return out
    if kind == "type":
        # mongomock only takes a single type name (Mongo also takes a list)
        names = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=2 if wide else 1))
        return {"$type": names if len(names) > 1 else names[0]}
    if kind == "size":
        return {"$size": draw(st.sampled_from([0, 1, 2, 3] if wide else [0, 2, 3]))}
    vals = draw(st.lists(nn, min_size=0 if wide else 1, max_size=2))
    return {"$all": _enc(vals)}


@st.composite
def _field_cond(draw: st.DrawFn, wide: bool, pools: Pools) -> dict[str, Any]:
    path = draw(st.sampled_from(TOP + DOTTED + NUMERIC + (WIDE_DOTTED if wide else [])))
    pool = pools.get(path, ())
    numeric = path in NUMERIC
    scal = _operands(wide, pool)
    form = draw(
        st.sampled_from(
            ["implicit", "op", "ops", "ne", "nin", "notexists", "not", "elem"]
            if (wide or path in TOP)
            else ["implicit", "op", "ops", "ne", "nin", "not", "elem"]
            if not numeric
            else ["op", "ops", "implicit"]
        )
    )
    if form == "implicit":
        value = draw(
            (scal.filter(lambda v: v is not None) if numeric and not wide else scal)
            | st.lists(scal.filter(lambda v: v is not None), max_size=2)
        )
        return {path: _enc(value)}
    if form == "op":
        return {path: draw(_positive_op(path, numeric, wide, pool))}
    if form == "ops":
        ops = draw(st.lists(_positive_op(path, numeric, wide, pool), min_size=2, max_size=2))
        merged: dict[str, Any] = {}
        for op in ops:
            merged.update(op)
        return {path: merged}
    if form == "ne":
        return {path: {"$ne": _enc(draw(scal))}}
    if form == "nin":
        return {path: {"$nin": _enc(draw(st.lists(scal, max_size=3)))}}
    if form == "notexists":
        return {path: {"$exists": False}}
    if form == "not":
        inner_op = draw(_positive_op(path, numeric, wide, pool))
        if not wide:
            inner_op.pop("$options", None)  # mongomock: "unknown operator: $options" under $not
        return {path: {"$not": inner_op}}
    # $elemMatch
    if path in ("a", "o.x") or (wide and draw(st.booleans())):
        op = draw(st.sampled_from(["$gt", "$gte", "$lt", "$lte", "$eq", "$ne"]))
        operand = _enc(draw(scal.filter(lambda v: v is not None)))
        return {path: {"$elemMatch": {op: operand}}}
    xs, ys = _operands(wide, pools.get("x", ())), _operands(wide, pools.get("y", ()))
    sub = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "x": st.one_of(xs.map(_enc), st.builds(lambda v: {"$gt": _enc(v)}, xs)),
                "y": st.one_of(ys.map(_enc), st.builds(lambda v: {"$ne": _enc(v)}, ys)),
            },
        ).filter(bool)
    )
    return {"o" if path not in ("b", "o", "o.y") else path: {"$elemMatch": sub}}


def filters(wide: bool, pools: Pools | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Filters; operands come from ``pools`` (values at each path) or the base pools."""
    pools = pools or {}
    leaf = st.builds(
        lambda conds: {k: v for c in conds for k, v in c.items()},
        st.lists(_field_cond(wide, pools), min_size=1, max_size=2).filter(
            lambda conds: len(conds) == 1 or len({k for c in conds for k in c}) == 2
        ),
    )
    return st.recursive(
        leaf,
        lambda kids: st.builds(
            lambda op, subs: {op: subs},
            st.sampled_from(["$and", "$or", "$nor"]),
            st.lists(kids, min_size=1, max_size=3),
        ),
        max_leaves=3,
    )


oracle_filters = filters(wide=False)
wide_filters = filters(wide=True)


def single_filters(wide: bool, pools: Pools | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """One field condition, no boolean nesting: a dense probe of each operator."""
    return _field_cond(wide, pools or {})
