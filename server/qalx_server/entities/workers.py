"""A bot's workers, kept inside the bot's document so bot lists can filter on `workers`.

Every change locks the bot (row lock on PostgreSQL, the write lock on SQLite), so workers of
one bot reporting at once never overwrite each other's state.
"""

from __future__ import annotations

from typing import Any

from qalx_server.api.errors import forbidden, not_found
from qalx_server.auth.principal import Principal
from qalx_server.guids import new_guid, wire
from qalx_server.store import query as engine

from . import querying
from .kinds import KINDS, WORKER_DEFAULTS, worker_required
from .listing import envelope
from .records import Rendering, Stored
from .service import EntityService, stamp

BOT = KINDS["bot"]


def _find(stored: Stored, worker_guid: str) -> dict[str, Any]:
    for worker in stored.doc.get("workers", []):
        if worker.get("guid", {}).get("$uuid") == worker_guid:
            return dict(worker)
    raise not_found("worker", worker_guid)


class WorkerService:
    def __init__(self, entities: EntityService) -> None:
        self.entities = entities
        self.db = entities.db

    def replace(
        self, principal: Principal, bot_guid: str, count: int, base_url: str
    ) -> dict[str, Any]:
        if not (principal.is_bot and principal.guid == bot_guid):
            raise forbidden("replacing a bot's workers needs that bot's own token")
        with self.db.write() as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid, lock=True)
            made = stamp(principal)
            stored.doc["workers"] = [
                {
                    "guid": wire(new_guid()),
                    "info": {"created": made, "modified": made},
                    **{
                        k: (dict(v) if isinstance(v, dict) else v)
                        for k, v in WORKER_DEFAULTS.items()
                    },
                }
                for _ in range(count)
            ]
            stored.doc["info"] = {**stored.doc["info"], "modified": made}
            self.entities.save(conn, BOT, stored)
        return self.entities.render(BOT, stored, Rendering(base_url))

    def get(
        self, principal: Principal, bot_guid: str, worker_guid: str, fields: list[str]
    ) -> dict[str, Any]:
        with self.db.read(snapshot=False) as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid)
        worker = _find(stored, worker_guid)
        project = querying.projector(fields, worker_required())
        return project(worker) if project else worker

    def update(
        self, principal: Principal, bot_guid: str, worker_guid: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        with self.db.write() as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid, lock=True)
            worker = _find(stored, worker_guid)
            for key in ("state", "status"):
                if key in body:
                    worker[key] = body[key]
            if "signal" in body:  # merged, so a stop never clears a pending terminate
                worker["signal"] = {**worker.get("signal", {}), **body["signal"]}
            worker["info"] = {**worker.get("info", {}), "modified": stamp(principal)}
            stored.doc["workers"] = [
                worker if w.get("guid", {}).get("$uuid") == worker_guid else w
                for w in stored.doc["workers"]
            ]
            self.entities.save(conn, BOT, stored)
        return worker

    def delete(self, principal: Principal, bot_guid: str, worker_guid: str) -> None:
        with self.db.write() as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid, lock=True)
            _find(stored, worker_guid)
            stored.doc["workers"] = [
                w for w in stored.doc["workers"] if w.get("guid", {}).get("$uuid") != worker_guid
            ]
            self.entities.save(conn, BOT, stored)

    def list(self, principal: Principal, bot_guid: str, params: dict[str, Any]) -> dict[str, Any]:
        with self.db.read(snapshot=False) as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid)
        workers = stored.doc.get("workers", [])
        filt = querying.parse_query_text(params.get("query"))
        if filt:
            try:
                workers = [w for w in workers if engine.matches(filt, w, querying.REWRITE)]
            except engine.QueryError as exc:
                raise querying.query_error(exc) from None
        if params.get("sort"):
            workers = querying.python_order(workers, params["sort"])
        total = len(workers)
        page = workers[params["skip"] : params["skip"] + params["limit"]]
        project = querying.projector(params.get("fields") or [], worker_required())
        if project:
            page = [project(w) for w in page]
        return envelope(page, total, params, f"bot/{bot_guid}/worker")
