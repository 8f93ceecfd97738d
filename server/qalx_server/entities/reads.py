"""Reading entities: one by guid, a filtered and sorted page, an aggregation pipeline."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

import attrs
import sqlalchemy as sa

from qalx_server.auth.principal import Principal
from qalx_server.store import query as engine
from qalx_server.store.query import Path
from qalx_server.store.query.aggregate import MAX_DOCUMENTS
from qalx_server.store.tables import entities

from . import querying
from .errors import Invalid
from .indexes import declared_paths, index_names
from .kinds import KINDS
from .listing import envelope
from .records import Rendering, Stored
from .rows import EntityRows

_PAGE_COLUMNS = (
    entities.c.id,
    entities.c.guid,
    entities.c.doc,
    entities.c.file_key,
    entities.c.archived,
)


@attrs.frozen
class ListStatements:
    """What a list runs: the page's rows (one more than the page, to tell whether more
    follow), and the count of every match when it was asked for."""

    page: sa.Select[Any]
    total: sa.Select[Any] | None


def list_statements(
    company_id: int,
    entity_type: str,
    params: Mapping[str, Any],
    dialect: str,
    indexed: Set[Path] = frozenset(),
) -> ListStatements:
    """The SQL of a list request (its `query`, `sort`, `skip` and `limit`), apart from running
    it, so its plans can be examined and benchmarked as the server runs them. `indexed`: the
    paths with declared indexes (entities.indexes), through which the page is read (see
    `_Lookups`)."""
    filt = querying.parse_query_text(params.get("query"))
    scope = [entities.c.company_id == company_id, entities.c.entity_type == entity_type]
    conditions = list(scope)
    archived_listed = querying.mentions_archived(filt)
    if not archived_listed:
        conditions.append(entities.c.archived.is_(False))
    keys = querying.sort_keys(params.get("sort") or [])
    lookups = None
    if filt:
        node = querying.parse_filter(filt)
        columns = querying.entity_columns(
            KINDS[entity_type].unique_name, archived_listed=archived_listed
        )
        conditions.append(querying.compile_node(node, entities.c.doc, dialect, columns))
        found = engine.candidates(node, entities.c.doc, dialect, columns, indexed)
        if found is not None:
            lookups = _Lookups(dialect, entity_type, node, found, keys, indexed)
    order = querying.order_by(keys, entities.c.doc, dialect, entities.c.id)
    if lookups is None:
        page = sa.select(*_PAGE_COLUMNS).where(*conditions)
        total = sa.select(sa.func.count()).select_from(entities).where(*conditions)
    else:
        reach = params["skip"] + params["limit"] + 1
        page = sa.select(*_PAGE_COLUMNS).where(
            entities.c.id.in_(lookups.page_ids(conditions, order, reach))
        )
        total = (
            sa.select(sa.func.count())
            .select_from(entities)
            .where(*conditions, entities.c.id.in_(lookups.all_ids(scope)))
        )
    page = page.order_by(*order).offset(params["skip"]).limit(params["limit"] + 1)
    return ListStatements(page, total if params.get("total") else None)


class _Lookups:
    """A filtered page read through declared indexes: each alternative of the filter's
    candidates (engine.candidates) is one indexed lookup, and so is each declared path's
    rows with an array on its route. A page's rows are the first of each lookup's matches in
    the page's order, so no lookup reads further than the page reaches; the page is then cut
    from those few. When the sort's first path is declared and the filter bounds it to
    numbers, the matches keyed by a number are read in the key's order straight from its
    index (that order is MongoDB's for them), and the others can only have an array on the
    route or a non-finite number (an object key) there."""

    def __init__(
        self,
        dialect: str,
        entity_type: str,
        node: engine.Node,
        found: engine.Candidates,
        keys: list[engine.SortKey],
        indexed: Set[Path],
    ) -> None:
        self.dialect, self.entity_type, self.found, self.keys = dialect, entity_type, found, keys
        self.spelling = engine.dialect_for(dialect).keys
        self.bounds = None
        if keys and keys[0].path in indexed:
            self.bounds = engine.number_bounds(node, keys[0].path)

    def _arrays(self, path: Path) -> Any:
        return self.spelling.route_arrays(entities.c.doc, path)

    def all_ids(self, scope: list[Any]) -> Any:
        """Every candidate row's id (for a count of the matches)."""
        return engine.candidate_ids(self.found, entities.c.id, entities.c.doc, self.dialect, scope)

    def page_ids(self, conditions: list[Any], order: list[Any], reach: int) -> Any:
        """The ids of the first `reach` matches of each lookup, in the page's order (the
        rows with arrays on a route are few by design, and all read)."""
        lookups: list[tuple[Any, list[Any] | None, str | None]] = []
        if self.bounds is not None:
            first = self.keys[0]
            key_index, arrays_index = index_names(self.entity_type, first.path)
            key = self.spelling.key(entities.c.doc, first.path)
            by_key = [key.desc() if first.descending else key.asc()]
            by_key += querying.order_by(self.keys[1:], entities.c.doc, self.dialect, entities.c.id)
            numbers = sa.and_(
                engine.narrow_key(key, self.dialect, self.bounds),
                self.spelling.is_number(entities.c.doc, first.path),
            )
            lookups.append((numbers, by_key, key_index))
            lookups.append((self._arrays(first.path), None, arrays_index))
            objects = self.spelling.narrow(key, "eq", {})
            if objects is not None:
                lookups.append((objects, order, key_index))
        else:
            lookups += [(d.where, order, None) for d in self.found.disjuncts]
            lookups += [
                (self._arrays(path), None, index_names(self.entity_type, path)[1])
                for path in sorted(self.found.array_paths)
            ]
        ids = []
        for where, by, index in lookups:
            lookup = sa.select(entities.c.id).where(*conditions, where)
            if index is not None:
                # SQLite would rather walk the rows in the page's order by their id (its
                # company index) than use a partial index it has no statistics for (an
                # empty one has none) or a key index whose order it must then sort.
                lookup = lookup.with_hint(entities, f"INDEXED BY {index}", "sqlite")
            if by is not None:
                lookup = lookup.order_by(*by).limit(reach)
            ids.append(sa.select(lookup.subquery().c.id))
        return ids[0] if len(ids) == 1 else sa.union(*ids)


class EntityReads(EntityRows):
    def get(
        self,
        principal: Principal,
        entity_type: str,
        guid: str,
        fields: list[str],
        base_url: str,
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        hooks = self.hooks_for(kind)
        project = querying.projector(fields, kind.required)
        with self.db.write() if hooks.writes_on_read else self.db.read(snapshot=False) as conn:
            stored = self.load(conn, principal, entity_type, guid)
            info = hooks.info(conn, principal, stored, base_url)
        return self.render(kind, stored, Rendering(base_url, project=project, extra_info=info))

    def list(
        self, principal: Principal, entity_type: str, params: dict[str, Any], base_url: str
    ) -> dict[str, Any]:
        kind = KINDS[entity_type]
        hooks = self.hooks_for(kind)
        project = querying.projector(params.get("fields") or (), kind.required)
        with self.db.write() if hooks.writes_on_read else self.db.read() as conn:
            indexed = declared_paths(conn, principal.company_id, entity_type)
            listing = list_statements(
                principal.company_id, entity_type, params, self.db.dialect, indexed
            )
            rows = conn.execute(listing.page).all()
            more = len(rows) > params["limit"]
            rows = rows[: params["limit"]]
            total = None if listing.total is None else int(conn.execute(listing.total).scalar_one())
            listed = [Stored(row.id, row.guid, row.doc, row.file_key, row.archived) for row in rows]
            infos = hooks.infos(conn, principal, listed, base_url)  # one batch per page
        data = [
            self.render(kind, stored, Rendering(base_url, project=project, extra_info=info))
            for stored, info in zip(listed, infos, strict=True)
        ]
        return envelope(data, more, total, params, entity_type)

    def aggregate(
        self, principal: Principal, entity_type: str, pipeline_text: str
    ) -> dict[str, Any]:
        pipeline = querying.parse_pipeline(pipeline_text)
        scope = [
            entities.c.company_id == principal.company_id,
            entities.c.entity_type == entity_type,
        ]
        conditions = [*scope, entities.c.archived.is_(False)]
        columns = querying.entity_columns(KINDS[entity_type].unique_name, archived_listed=False)
        dialect = self.db.dialect
        with self.db.read() as conn:
            if pipeline.match is not None:  # leading $match stages run in the database
                conditions.append(
                    querying.compile_node(pipeline.match, entities.c.doc, dialect, columns)
                )
                indexed = declared_paths(conn, principal.company_id, entity_type)
                found = engine.candidates(pipeline.match, entities.c.doc, dialect, columns, indexed)
                if found is not None:
                    ids = engine.candidate_ids(found, entities.c.id, entities.c.doc, dialect, scope)
                    conditions.append(entities.c.id.in_(ids))
            query = (
                sa.select(entities.c.doc)
                .where(*conditions)
                .order_by(entities.c.id)
                .limit(MAX_DOCUMENTS + 1)
            )
            docs = [row.doc for row in conn.execute(query)]
        if len(docs) > MAX_DOCUMENTS:
            raise Invalid(
                f"aggregate: more than {MAX_DOCUMENTS} {entity_type}s reach the stages "
                "after the leading $match; narrow the $match"
            )
        return {"data": querying.run_pipeline(pipeline, docs)}
