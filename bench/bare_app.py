"""The baseline for the throughput benchmark: a bare Starlette endpoint returning the same
stored document from the same database, with none of qalx_server's work (no token check,
no spec validation, no Extended JSON handling, no projection or file URLs)."""

from __future__ import annotations

import os

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def app() -> Starlette:
    engine = sa.create_engine(
        os.environ["QALX_SERVER_DATABASE_URL"],
        json_deserializer=orjson.loads,
        pool_size=8,
    )
    entities = sa.Table("entities", sa.MetaData(), autoload_with=engine)
    query = sa.select(entities.c.doc).where(entities.c.guid == sa.bindparam("guid"))

    def fetch(guid: str) -> bytes | None:
        with engine.connect() as conn:
            doc = conn.execute(query, {"guid": guid}).scalar()
        return None if doc is None else orjson.dumps(doc)

    async def item(request: Request) -> Response:
        body = await run_in_threadpool(fetch, request.path_params["guid"].replace("-", ""))
        if body is None:
            return Response(b'{"detail":"not found"}', 404, media_type="application/json")
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/item/{guid}", item)])
