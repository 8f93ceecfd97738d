"""The API's use of the query engine: parsing the `query` text, sorting, projecting.

One place adapts the engine (store.query) to the API's needs: paths `meta.x` and
`metadata.data.x` mean the same field, `created`/`modified` sort on `info.*.on`, and
answers keep the keys clients cannot do without under any projection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement

from qalx_server import jsonio
from qalx_server.store import query as engine
from qalx_server.store.query.extjson import JSON, is_uuid
from qalx_server.store.tables import entities

from .errors import Invalid, UnsupportedOperator


def rewrite_path(path: str) -> str:
    """The API's spellings of stored paths: `metadata.data[.x]` -> `meta[.x]` (clients use
    both), `created` -> `info.created.on`, `modified` -> `info.modified.on`."""
    if path == "metadata.data" or path.startswith("metadata.data."):
        return "meta" + path[len("metadata.data") :]
    if path == "created":
        return "info.created.on"
    if path == "modified":
        return "info.modified.on"
    return path


def parse_query_text(text: str | None) -> dict[str, Any]:
    """The `query` parameter: a Mongo filter as Extended JSON text."""
    if text is None or not text.strip():
        return {}
    try:
        parsed = jsonio.loads(text.encode())
    except ValueError as exc:
        raise Invalid(f"query parameter 'query' is not JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise Invalid("query parameter 'query' must be a JSON object (a MongoDB filter)")
    filt: dict[str, Any] = canonical(parsed, "query parameter 'query'")
    return filt


def canonical(value: Any, where: str) -> Any:
    try:
        return engine.canonical(value)
    except engine.QueryError as exc:
        raise Invalid(f"{where}: {exc}") from None


def query_error(exc: engine.QueryError) -> Invalid:
    if isinstance(exc, engine.UnsupportedOperator):
        return UnsupportedOperator(str(exc))
    return Invalid(f"query: {exc}")


def entity_columns(unique_names: bool, *, archived_listed: bool) -> engine.Columns:
    """The `entities` columns that hold a path's values, so a filter on them uses their
    indexes: `guid` always, `info.archived` always, and `name` for types whose names are
    unique (their `unique_name`) when archived entities are not listed (it is NULL on those)."""
    columns: dict[tuple[str, ...], engine.ColumnRule] = {
        ("guid",): _guid_rule,
        ("info", "archived"): _archived_rule,
    }
    if unique_names and not archived_listed:
        columns[("name",)] = _name_rule
    return columns


def _guid_rule(op: str, values: tuple[JSON, ...]) -> Any:
    """Every entity's `guid` is the `$uuid` of its column: any other value matches none."""
    if op != "eq":
        return None
    hexes = [value["$uuid"] for value in values if is_uuid(value)]
    return entities.c.guid.in_(hexes) if hexes else sa.false()


def _archived_rule(op: str, values: tuple[JSON, ...]) -> Any:
    """`info.archived` is always the boolean of the `archived` column."""
    if op != "eq":
        return None
    flags = [value for value in values if isinstance(value, bool)]
    return entities.c.archived.in_(flags) if flags else sa.false()


def _name_rule(op: str, values: tuple[JSON, ...]) -> Any:
    """A name the spec makes a string; a null (a missing name) is left to the document."""
    if op != "eq" or None in values:
        return None
    names = [value for value in values if isinstance(value, str)]
    return entities.c.unique_name.in_(names) if names else sa.false()


def compile_filter(
    filt: Mapping[str, Any],
    doc: ColumnElement[Any],
    dialect: str,
    columns: engine.Columns | None = None,
) -> Any:
    try:
        return engine.compile_filter(filt, doc, dialect, rewrite_path, columns)
    except engine.QueryError as exc:
        raise query_error(exc) from None


def parse_filter(filt: Mapping[str, Any]) -> engine.Node:
    """A filter parsed once, for its exact condition and its candidates alike."""
    try:
        return engine.parse_filter(filt, rewrite_path)
    except engine.QueryError as exc:
        raise query_error(exc) from None


def compile_node(
    node: engine.Node, doc: ColumnElement[Any], dialect: str, columns: engine.Columns
) -> Any:
    try:
        return engine.compile_node(node, doc, dialect, columns)
    except engine.QueryError as exc:
        raise query_error(exc) from None


def index_path(text: str) -> engine.Path:
    """A declared index's path as clients write it (`data.x`, `metadata.data.x`), stored."""
    try:
        path = engine.split_path(text, rewrite_path)
        engine.check_index_path(path)
    except engine.QueryError as exc:
        raise Invalid(str(exc)) from None
    return path


def mentions_archived(filt: Any) -> bool:
    """True when a filter names `info.archived`, which lets archived entities into lists."""
    if isinstance(filt, Mapping):
        return any(
            (isinstance(k, str) and rewrite_path(k).startswith("info.archived"))
            or mentions_archived(v)
            for k, v in filt.items()
        )
    if isinstance(filt, list):
        return any(mentions_archived(v) for v in filt)
    return False


def projector(
    fields: Sequence[str], required: Mapping[str, Sequence[str]]
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """Inclusion projection by dotted paths that keeps, in every object it reaches, the keys
    its schema requires (`required`, from kinds.required_paths), so no answer breaks its own
    schema: `fields=workers.state` still gives each worker its `guid` and `signal`."""
    names = [part.strip() for field in fields for part in field.split(",") if part.strip()]
    if not names:
        return None
    keep = list(required.get("", ()))
    for name in names:
        parts = rewrite_path(name).split(".")
        for end in range(1, len(parts)):
            prefix = ".".join(parts[:end])
            keep += [f"{prefix}.{key}" for key in required.get(prefix, ())]
    try:
        project = engine.compile_projection([*names, *dict.fromkeys(keep)], rewrite_path)
    except engine.QueryError as exc:
        raise Invalid(f"fields: {exc}") from None
    return project


def sort_keys(keys: Sequence[str]) -> list[engine.SortKey]:
    """qalx sort keys (`field`, `-field`, `__` nesting) parsed, with the API's path spellings."""
    try:
        return engine.parse_sort(list(keys), rewrite_path)
    except engine.QueryError as exc:
        raise Invalid(f"sort: {exc}") from None


def order_by(
    keys: Sequence[engine.SortKey], doc: ColumnElement[Any], dialect: str, tiebreak: Any
) -> list[Any]:
    """ORDER BY for parsed sort keys, in MongoDB's type order, then `tiebreak`."""
    return list(engine.sort_clauses(keys, doc, dialect, tiebreak=[tiebreak]))


def python_order(docs: list[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """The same order as `order_by`, for documents already in memory (a bot's workers)."""
    ordered: list[dict[str, Any]] = engine.python_sort(docs, sort_keys(keys))
    return ordered


def parse_pipeline(text: str) -> engine.Pipeline:
    """The `aggregate` body: a pipeline as Extended JSON text, checked whole before it runs."""
    try:
        raw = jsonio.loads(text.encode())
    except ValueError as exc:
        raise Invalid(f"aggregate: the pipeline is not JSON: {exc}") from None
    try:
        return engine.parse_pipeline(canonical(raw, "aggregate"), rewrite_path)
    except engine.QueryError as exc:
        raise query_error(exc) from None


def run_pipeline(pipeline: engine.Pipeline, docs: list[dict[str, Any]]) -> list[Any]:
    """The stages after the database's `$match`; a stage that would hold too much is a 400."""
    try:
        return pipeline.run(docs)
    except engine.QueryError as exc:
        raise query_error(exc) from None
