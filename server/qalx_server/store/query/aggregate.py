"""Aggregation pipelines: validate all stages up front, push the leading
``$match`` stages down to SQL, run the rest in Python over streamed documents.

Supported stages: ``$match $project $group $sort $skip $limit $count $unwind
$addFields $set $facet``.  ``$group`` accumulators: ``$sum $avg $min $max $count
$push $first $last``; ``_id`` may be null, a ``"$field.path"`` or an object of
those.  Expressions are limited to field paths and constants; anything else is
refused, by name.  Nothing writes (``$out``, ``$merge``), reads other collections
(``$lookup``, which could cross tenants) or runs code (``$function``,
``$accumulator``, ``$where``).  ``$facet`` sub-pipelines follow the same rules
(no nested ``$facet``); their stages count towards :data:`MAX_STAGES`, and no
stage holds more than :data:`MAX_DOCUMENTS` documents at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement

from .canon import canon_text
from .compiler import compile_node
from .dialect import Columns
from .errors import QueryError, UnsupportedOperator
from .extjson import JSON, canonical, double, is_literal, number_value
from .matcher import MISSING, evaluate
from .paths import Path, PathRewriter, split_path
from .sort import SortKey, python_sort
from .tree import And, Node, parse_filter, reject_code
from .values import compare, kind

MAX_STAGES = 50
"""Stages in a pipeline, those inside ``$facet`` included."""
MAX_DOCUMENTS = 100_000
"""Documents a pipeline may start from, and that a stage holding them all at once (``$sort``,
``$facet``) may hold: later stages run in server memory."""
ACCUMULATORS = frozenset({"$sum", "$avg", "$min", "$max", "$count", "$push", "$first", "$last"})


@dataclass(frozen=True)
class Stage:
    name: str
    spec: Any


@dataclass
class Pipeline:
    """A validated pipeline: ``match`` (for SQL, may be None) then Python ``stages``."""

    match: Node | None
    stages: list[Stage] = field(default_factory=list)

    def where(
        self, doc: ColumnElement[Any], dialect: str, columns: Columns | None = None
    ) -> ColumnElement[bool] | None:
        """The SQL condition for the leading ``$match`` stages (None if there are none)."""
        return None if self.match is None else compile_node(self.match, doc, dialect, columns)

    def run(self, docs: Iterable[JSON]) -> list[JSON]:
        """Run the Python stages over the documents the SQL ``where`` selected."""
        stream: Iterable[JSON] = docs
        for stage in self.stages:
            stream = _STAGES[stage.name].run(stage.spec, stream)
        return list(stream)


def _expr_path(value: Any, where: str, rewrite: PathRewriter | None) -> Path:
    if not isinstance(value, str) or not value.startswith("$") or value.startswith("$$"):
        raise UnsupportedOperator(
            repr(value), where, "only '$field.path' expressions are supported"
        )
    return split_path(value[1:], rewrite)


@dataclass(frozen=True)
class _Expr:
    """A field path reference or a constant."""

    path: Path | None
    const: JSON = None


def _expr(value: Any, where: str, rewrite: PathRewriter | None) -> _Expr:
    if isinstance(value, str) and value.startswith("$"):
        return _Expr(_expr_path(value, where, rewrite))
    if isinstance(value, Mapping) and not is_literal(value):
        ops = [k for k in value if str(k).startswith("$")]
        if ops:
            raise UnsupportedOperator(str(ops[0]), where, "expression operators are not supported")
        raise UnsupportedOperator("object expression", where)
    if isinstance(value, list):
        raise UnsupportedOperator("array expression", where)
    return _Expr(None, canonical(value))


def parse_pipeline(pipeline: Any, rewrite_path: PathRewriter | None = None) -> Pipeline:
    """Validate a whole pipeline (list of stages, or its JSON text) before anything runs."""
    if isinstance(pipeline, str):
        try:
            pipeline = json.loads(pipeline)
        except ValueError as exc:
            raise QueryError(f"aggregate pipeline is not valid JSON: {exc}") from None
    if not isinstance(pipeline, list):
        raise QueryError("aggregate pipeline must be an array of stages")
    reject_code(pipeline)
    stages = _stages(pipeline, "", rewrite_path)
    if _count_stages(stages) > MAX_STAGES:
        raise QueryError(f"at most {MAX_STAGES} pipeline stages are allowed, $facet's included")
    leading: list[Node] = []
    while stages and stages[0].name == "$match":
        leading.append(stages.pop(0).spec)
    match = None if not leading else leading[0] if len(leading) == 1 else And(tuple(leading))
    return Pipeline(match, stages)


def _stages(raw_stages: list[Any], where: str, rewrite_path: PathRewriter | None) -> list[Stage]:
    if len(raw_stages) > MAX_STAGES:
        raise QueryError(f"at most {MAX_STAGES} pipeline stages are allowed")
    stages: list[Stage] = []
    for i, raw in enumerate(raw_stages):
        if not isinstance(raw, Mapping) or len(raw) != 1:
            raise QueryError(f"pipeline {where}stage {i} must be an object with exactly one key")
        ((name, spec),) = raw.items()
        kind = _STAGES.get(name)
        if kind is None or (where and name == "$facet"):
            why = "not inside $facet" if kind else _REFUSED.get(name, "unsupported pipeline stage")
            raise UnsupportedOperator(str(name), f"{where}stage {i}", why)
        stages.append(Stage(name, kind.parse(spec, f"{where}stage {i} {name}", rewrite_path)))
    return stages


def _count_stages(stages: list[Stage]) -> int:
    inner = sum(_count_stages(sub) for s in stages if s.name == "$facet" for _, sub in s.spec)
    return len(stages) + inner


_REFUSED = {
    "$out": "pipelines may not write",
    "$merge": "pipelines may not write",
    "$lookup": "pipelines may not read other collections (or other companies' entities)",
    "$graphLookup": "pipelines may not read other collections (or other companies' entities)",
    "$unionWith": "pipelines may not read other collections (or other companies' entities)",
}


def aggregate(
    pipeline: Any, docs: Iterable[JSON], rewrite_path: PathRewriter | None = None
) -> list[JSON]:
    """Run a pipeline wholly in Python (the leading ``$match`` too)."""
    parsed = parse_pipeline(pipeline, rewrite_path)
    node = parsed.match
    source = docs if node is None else (d for d in docs if evaluate(node, d))
    return parsed.run(source)


# ---- stage parsers -------------------------------------------------------------------------


def _p_match(spec: Any, where: str, rw: PathRewriter | None) -> Node:
    return parse_filter(spec, rw)


def _p_int(spec: Any, where: str, rw: PathRewriter | None) -> int:
    if isinstance(spec, bool) or not isinstance(spec, int | float) or spec != int(spec):
        raise QueryError(f"{where} needs a whole number, got {spec!r}")
    if spec < 0 or (where.endswith("$limit") and spec == 0):
        raise QueryError(f"{where} must be positive, got {spec!r}")
    return int(spec)


def _p_count(spec: Any, where: str, rw: PathRewriter | None) -> str:
    if not isinstance(spec, str) or not spec or spec.startswith("$") or "." in spec:
        raise QueryError(f"{where} needs a non-empty field name without '$' or '.'")
    return spec


def _p_sort(spec: Any, where: str, rw: PathRewriter | None) -> list[SortKey]:
    if not isinstance(spec, Mapping) or not spec:
        raise QueryError(f"{where} needs a non-empty object")
    keys = []
    for name, direction in spec.items():
        if direction not in (1, -1) or isinstance(direction, bool):
            raise QueryError(f"{where}: sort direction for {name!r} must be 1 or -1")
        keys.append(SortKey(split_path(name, rw), direction == -1))
    return keys


@dataclass(frozen=True)
class _Unwind:
    path: Path
    index_field: str | None
    preserve: bool


def _p_unwind(spec: Any, where: str, rw: PathRewriter | None) -> _Unwind:
    if isinstance(spec, str):
        return _Unwind(_expr_path(spec, where, rw), None, False)
    if not isinstance(spec, Mapping) or "path" not in spec:
        raise QueryError(f"{where} needs '$path' or an object with 'path'")
    extra = set(spec) - {"path", "includeArrayIndex", "preserveNullAndEmptyArrays"}
    if extra:
        raise UnsupportedOperator(sorted(extra)[0], where)
    index = spec.get("includeArrayIndex")
    if index is not None and (not isinstance(index, str) or index.startswith("$") or not index):
        raise QueryError(f"{where}: includeArrayIndex must be a field name")
    preserve = spec.get("preserveNullAndEmptyArrays", False)
    if not isinstance(preserve, bool):
        raise QueryError(f"{where}: preserveNullAndEmptyArrays must be a boolean")
    return _Unwind(_expr_path(spec["path"], where, rw), index, preserve)


@dataclass(frozen=True)
class _Project:
    include: bool
    paths: tuple[Path, ...]
    computed: tuple[tuple[str, _Expr], ...]
    keep_id: bool


def _p_project(spec: Any, where: str, rw: PathRewriter | None) -> _Project:
    if not isinstance(spec, Mapping) or not spec:
        raise QueryError(f"{where} needs a non-empty object")
    inc: list[Path] = []
    exc: list[Path] = []
    computed: list[tuple[str, _Expr]] = []
    keep_id = True
    for name, val in spec.items():
        if not isinstance(name, str) or not name or name.startswith("$"):
            raise QueryError(f"{where}: invalid field {name!r}")
        if isinstance(val, bool) or (isinstance(val, int | float) and val in (0, 1)):
            if name == "_id":
                keep_id = bool(val)
                continue
            (inc if val else exc).append(split_path(name, rw))
        elif isinstance(val, str) and val.startswith("$"):
            if "." in name:
                raise UnsupportedOperator(f"computed dotted field {name!r}", where)
            computed.append((name, _expr(val, where, rw)))
        else:
            raise UnsupportedOperator(f"{name}: {val!r}", where, "only 0/1 and '$path' values")
    if exc and (inc or computed):
        raise QueryError(f"{where}: cannot mix inclusion and exclusion")
    if exc:
        return _Project(False, tuple(exc), (), keep_id)
    return _Project(True, tuple(inc), tuple(computed), keep_id)


@dataclass(frozen=True)
class _Group:
    key: _Expr | tuple[tuple[str, _Expr], ...]
    fields: tuple[tuple[str, str, _Expr], ...]


def _p_add_fields(spec: Any, where: str, rw: PathRewriter | None) -> tuple[tuple[Path, _Expr], ...]:
    if not isinstance(spec, Mapping) or not spec:
        raise QueryError(f"{where} needs a non-empty object")
    fields: list[tuple[Path, _Expr]] = []
    for name, val in spec.items():
        if not isinstance(name, str) or not name or name.startswith("$"):
            raise QueryError(f"{where}: invalid field {name!r}")
        fields.append((split_path(name, rw), _expr(val, f"{where} {name}", rw)))
    return tuple(fields)


def _p_facet(spec: Any, where: str, rw: PathRewriter | None) -> tuple[tuple[str, list[Stage]], ...]:
    if not isinstance(spec, Mapping) or not spec:
        raise QueryError(f"{where} needs a non-empty object of sub-pipelines")
    facets: list[tuple[str, list[Stage]]] = []
    for name, sub in spec.items():
        if not isinstance(name, str) or not name or name.startswith("$") or "." in name:
            raise QueryError(f"{where}: invalid output field {name!r}")
        if not isinstance(sub, list):
            raise QueryError(f"{where} {name} must be an array of stages")
        facets.append((name, _stages(sub, f"{where} {name} ", rw)))
    return tuple(facets)


def _p_group(spec: Any, where: str, rw: PathRewriter | None) -> _Group:
    if not isinstance(spec, Mapping) or "_id" not in spec:
        raise QueryError(f"{where} needs an object with an '_id'")
    raw_id = spec["_id"]
    key: _Expr | tuple[tuple[str, _Expr], ...]
    if isinstance(raw_id, Mapping) and not is_literal(raw_id):
        if any(str(k).startswith("$") for k in raw_id):
            raise UnsupportedOperator(str(next(iter(raw_id))), where + " _id")
        key = tuple((str(k), _expr(v, where + " _id", rw)) for k, v in raw_id.items())
    else:
        key = _expr(raw_id, where + " _id", rw)
    fields: list[tuple[str, str, _Expr]] = []
    for name, acc in spec.items():
        if name == "_id":
            continue
        if not isinstance(name, str) or not name or "." in name or name.startswith("$"):
            raise QueryError(f"{where}: invalid output field {name!r}")
        if not isinstance(acc, Mapping) or len(acc) != 1:
            raise QueryError(f"{where}: {name!r} needs one accumulator object")
        ((op, arg),) = acc.items()
        if op not in ACCUMULATORS:
            raise UnsupportedOperator(str(op), f"{where} {name}", "unsupported accumulator")
        if op == "$count":
            if arg != {}:
                raise QueryError(f"{where}: $count takes {{}}")
            fields.append((name, "$sum", _Expr(None, 1)))
            continue
        fields.append((name, op, _expr(arg, f"{where} {name}", rw)))
    return _Group(key, tuple(fields))


# ---- stage runners -------------------------------------------------------------------------


def _agg_get(doc: JSON, path: Path) -> Any:
    """Aggregation field-path value: arrays map to the list of their elements' values."""
    cur: Any = doc
    for i, part in enumerate(path):
        if isinstance(cur, dict):
            if part not in cur:
                return MISSING
            cur = cur[part]
        elif isinstance(cur, list):
            out = []
            for elem in cur:
                v = _agg_get(elem, path[i:]) if isinstance(elem, dict | list) else MISSING
                if v is not MISSING:
                    out.append(v)
            return out
        else:
            return MISSING
    return cur


def _eval(e: _Expr, doc: JSON) -> Any:
    return e.const if e.path is None else _agg_get(doc, e.path)


def _set(doc: dict[str, Any], path: Path, value: Any) -> None:
    cur = doc
    for part in path[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[part] = nxt
        cur = nxt
    cur[path[-1]] = value


def _r_match(spec: Node, docs: Iterable[JSON]) -> Iterator[JSON]:
    return (d for d in docs if evaluate(spec, d))


def _r_skip(spec: int, docs: Iterable[JSON]) -> Iterator[JSON]:
    for i, d in enumerate(docs):
        if i >= spec:
            yield d


def _r_limit(spec: int, docs: Iterable[JSON]) -> Iterator[JSON]:
    for i, d in enumerate(docs):
        if i >= spec:
            return
        yield d


def _r_count(spec: str, docs: Iterable[JSON]) -> Iterator[JSON]:
    n = sum(1 for _ in docs)
    if n:
        yield {spec: n}


def _held(docs: Iterable[JSON], stage: str) -> list[JSON]:
    """All of a stage's input at once, within :data:`MAX_DOCUMENTS`."""
    held: list[JSON] = []
    for doc in docs:
        held.append(doc)
        if len(held) > MAX_DOCUMENTS:
            raise QueryError(
                f"{stage} would hold more than {MAX_DOCUMENTS} documents; narrow the pipeline"
            )
    return held


def _r_sort(spec: list[SortKey], docs: Iterable[JSON]) -> Iterator[JSON]:
    return iter(python_sort(_held(docs, "$sort"), spec))


def _r_add_fields(spec: tuple[tuple[Path, _Expr], ...], docs: Iterable[JSON]) -> Iterator[JSON]:
    for doc in docs:
        out = json.loads(json.dumps(doc))
        for path, e in spec:
            v = _eval(e, doc)  # every expression sees the input document, as in MongoDB
            if v is not MISSING:
                _set(out, path, v)
        yield out


def _r_facet(spec: tuple[tuple[str, list[Stage]], ...], docs: Iterable[JSON]) -> Iterator[JSON]:
    held = _held(docs, "$facet")
    yield {name: Pipeline(None, stages).run(held) for name, stages in spec}


def _r_unwind(spec: _Unwind, docs: Iterable[JSON]) -> Iterator[JSON]:
    for doc in docs:
        value = _unwind_get(doc, spec.path)
        if isinstance(value, list) and value:
            for i, elem in enumerate(value):
                out = json.loads(json.dumps(doc))
                _set(out, spec.path, elem)
                if spec.index_field:
                    out[spec.index_field] = i
                yield out
        elif isinstance(value, list) or value is None or value is MISSING:
            if spec.preserve:
                out = json.loads(json.dumps(doc))
                if isinstance(value, list):  # Mongo drops an empty array field
                    _unset(out, spec.path)
                if spec.index_field:
                    out[spec.index_field] = None
                yield out
        else:
            out = json.loads(json.dumps(doc))
            if spec.index_field:
                out[spec.index_field] = None
            yield out


def _unset(doc: dict[str, Any], path: Path) -> None:
    cur: Any = doc
    for part in path[:-1]:
        cur = cur[part]
    del cur[path[-1]]


def _unwind_get(doc: JSON, path: Path) -> Any:
    cur: Any = doc
    for part in path:
        if not isinstance(cur, dict) or part not in cur:
            return MISSING
        cur = cur[part]
    return cur


def _project_incl(value: Any, paths: list[Path]) -> Any:
    """Keep the listed sub-paths (Mongo inclusion: maps over arrays of objects)."""
    if isinstance(value, list):
        return [
            _project_incl(v, paths)
            for v in value
            if isinstance(v, dict | list) and kind(v) in ("object", "array")
        ]
    if not isinstance(value, dict) or kind(value) != "object":
        return MISSING
    out: dict[str, Any] = {}
    for key in value:
        subs = [p[1:] for p in paths if p[0] == key]
        if not subs:
            continue
        if any(not s for s in subs):
            out[key] = value[key]
        else:
            kept = _project_incl(value[key], subs)
            if kept is not MISSING:
                out[key] = kept
    return out


def _project_excl(value: Any, paths: list[Path]) -> Any:
    if isinstance(value, list):
        return [_project_excl(v, paths) for v in value]
    if not isinstance(value, dict) or kind(value) != "object":
        return value
    out: dict[str, Any] = {}
    for key, val in value.items():
        subs = [p[1:] for p in paths if p[0] == key]
        if any(not s for s in subs):
            continue
        out[key] = _project_excl(val, subs) if subs else val
    return out


def _r_project(spec: _Project, docs: Iterable[JSON]) -> Iterator[JSON]:
    for doc in docs:
        if spec.include:
            paths = list(spec.paths) + ([("_id",)] if spec.keep_id else [])
            out = _project_incl(doc, paths)
            for name, e in spec.computed:
                v = _eval(e, doc)
                if v is not MISSING:
                    out[name] = v
        else:
            paths = list(spec.paths) + ([] if spec.keep_id else [("_id",)])
            out = _project_excl(doc, paths)
        yield out


class _Acc:
    def __init__(self, op: str) -> None:
        self.op = op
        self.value: Any = MISSING
        self.total: int | float = 0
        self.count = 0
        self.items: list[Any] = []

    def add(self, v: Any) -> None:
        op = self.op
        if op in ("$sum", "$avg"):
            if v is not MISSING and kind(v) == "number":
                self.total += number_value(v)
                self.count += 1
        elif op in ("$min", "$max"):
            if v is MISSING or v is None:
                return
            if self.value is MISSING:
                self.value = v
                return
            c = compare(v, self.value)
            if (op == "$min" and c < 0) or (op == "$max" and c > 0):
                self.value = v
        elif op == "$push":
            if v is not MISSING:
                self.items.append(v)
        elif op == "$first":
            if self.count == 0:
                self.value = None if v is MISSING else v
            self.count += 1
        elif op == "$last":
            self.value = None if v is MISSING else v

    def result(self) -> Any:
        if self.op == "$sum":
            return double(self.total) if isinstance(self.total, float) else self.total
        if self.op == "$avg":
            return double(self.total / self.count) if self.count else None
        if self.op == "$push":
            return self.items
        return None if self.value is MISSING else self.value


def _group_key(spec: _Group, doc: JSON) -> Any:
    if isinstance(spec.key, tuple):
        out = {}
        for name, e in spec.key:
            v = _eval(e, doc)
            if v is not MISSING:  # object expressions omit missing fields
                out[name] = v
        return out
    v = _eval(spec.key, doc)
    return None if v is MISSING else v


def _r_group(spec: _Group, docs: Iterable[JSON]) -> Iterator[JSON]:
    groups: dict[str, tuple[Any, list[_Acc]]] = {}
    for doc in docs:
        key = _group_key(spec, doc)
        token = canon_text(key)
        if token not in groups:
            groups[token] = (key, [_Acc(op) for _, op, _ in spec.fields])
        accs = groups[token][1]
        for acc, (_, _, e) in zip(accs, spec.fields, strict=True):
            acc.add(_eval(e, doc))
    for key, accs in groups.values():
        out = {"_id": key}
        for acc, (name, _, _) in zip(accs, spec.fields, strict=True):
            out[name] = acc.result()
        yield out


S = TypeVar("S")


@dataclass(frozen=True)
class _StageKind(Generic[S]):
    """What a stage's name means: how its spec is checked, and how the checked spec runs."""

    parse: Callable[[Any, str, PathRewriter | None], S]
    run: Callable[[S, Iterable[JSON]], Iterator[JSON]]


def _kind(
    parse: Callable[[Any, str, PathRewriter | None], S],
    run: Callable[[S, Iterable[JSON]], Iterator[JSON]],
) -> _StageKind[Any]:
    """A table entry, built apart from the table so that mypy checks that parse gives what
    run takes (in the table's ``_StageKind[Any]`` context it would not)."""
    return _StageKind(parse, run)


_STAGES: Mapping[str, _StageKind[Any]] = {
    "$match": _kind(_p_match, _r_match),
    "$project": _kind(_p_project, _r_project),
    "$group": _kind(_p_group, _r_group),
    "$sort": _kind(_p_sort, _r_sort),
    "$skip": _kind(_p_int, _r_skip),
    "$limit": _kind(_p_int, _r_limit),
    "$count": _kind(_p_count, _r_count),
    "$unwind": _kind(_p_unwind, _r_unwind),
    "$addFields": _kind(_p_add_fields, _r_add_fields),
    "$set": _kind(_p_add_fields, _r_add_fields),
    "$facet": _kind(_p_facet, _r_facet),
}

__all__: Sequence[str] = ["Pipeline", "aggregate", "parse_pipeline"]
