"""Reading entities: one by guid, a filtered and sorted page, an aggregation pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa

from qalx_server.auth.principal import Principal
from qalx_server.store.query.aggregate import MAX_DOCUMENTS
from qalx_server.store.tables import entities

from . import querying
from .errors import Invalid
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
    company_id: int, entity_type: str, params: Mapping[str, Any], dialect: str
) -> ListStatements:
    """The SQL of a list request (its `query`, `sort`, `skip` and `limit`), apart from running
    it, so its plans can be examined and benchmarked as the server runs them."""
    filt = querying.parse_query_text(params.get("query"))
    conditions = [entities.c.company_id == company_id, entities.c.entity_type == entity_type]
    archived_listed = querying.mentions_archived(filt)
    if not archived_listed:
        conditions.append(entities.c.archived.is_(False))
    if filt:
        columns = querying.entity_columns(
            KINDS[entity_type].unique_name, archived_listed=archived_listed
        )
        conditions.append(querying.compile_filter(filt, entities.c.doc, dialect, columns))
    order = querying.order_by(params.get("sort") or [], entities.c.doc, dialect, entities.c.id)
    page = (
        sa.select(*_PAGE_COLUMNS)
        .where(*conditions)
        .order_by(*order)
        .offset(params["skip"])
        .limit(params["limit"] + 1)
    )
    total = None
    if params.get("total"):
        total = sa.select(sa.func.count()).select_from(entities).where(*conditions)
    return ListStatements(page, total)


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
        listing = list_statements(principal.company_id, entity_type, params, self.db.dialect)
        hooks = self.hooks_for(kind)
        project = querying.projector(params.get("fields") or (), kind.required)
        with self.db.write() if hooks.writes_on_read else self.db.read() as conn:
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
        conditions = [
            entities.c.company_id == principal.company_id,
            entities.c.entity_type == entity_type,
            entities.c.archived.is_(False),
        ]
        columns = querying.entity_columns(KINDS[entity_type].unique_name, archived_listed=False)
        match = pipeline.where(entities.c.doc, self.db.dialect, columns)
        if match is not None:  # leading $match stages run in the database
            conditions.append(match)
        query = (
            sa.select(entities.c.doc)
            .where(*conditions)
            .order_by(entities.c.id)
            .limit(MAX_DOCUMENTS + 1)
        )
        with self.db.read() as conn:
            docs = [row.doc for row in conn.execute(query)]
        if len(docs) > MAX_DOCUMENTS:
            raise Invalid(
                f"aggregate: more than {MAX_DOCUMENTS} {entity_type}s reach the stages "
                "after the leading $match; narrow the $match"
            )
        return {"data": querying.run_pipeline(pipeline, docs)}
