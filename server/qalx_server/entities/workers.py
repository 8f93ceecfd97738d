"""A bot's workers, kept inside the bot's document so bot lists can filter on `workers`.

Every change locks the bot (row lock on PostgreSQL, the write lock on SQLite), so workers of
one bot reporting at once never overwrite each other's state. Every change of a worker's
signal bumps its `signal_version` and wakes its waiting signal reads (entities.signals);
answers show workers as `seen.Liveness` judges them.
"""

from __future__ import annotations

from typing import Any

from qalx_server.auth.principal import Principal
from qalx_server.guids import new_guid, wire
from qalx_server.store import query as engine

from . import querying
from .errors import Forbidden, NotFound
from .kinds import KINDS, WORKER_DEFAULTS, worker_required
from .listing import envelope
from .records import Rendering, Stored
from .seen import Liveness, now_ms, seen_ms, seen_stamp
from .service import EntityService
from .shaping import now_date, stamp
from .signals import SignalWatch

BOT = KINDS["bot"]


def _find(stored: Stored, worker_guid: str) -> dict[str, Any]:
    for worker in stored.doc.get("workers", []):
        if _guid(worker) == worker_guid:
            return dict(worker)
    raise NotFound.entity("worker", worker_guid)


def _guid(worker: dict[str, Any]) -> str | None:
    guid = worker.get("guid", {}).get("$uuid")
    return guid if isinstance(guid, str) else None


def _put(stored: Stored, worker: dict[str, Any]) -> None:
    guid = _guid(worker)
    stored.doc["workers"] = [worker if _guid(w) == guid else w for w in stored.doc["workers"]]


def _own(principal: Principal, bot_guid: str) -> bool:
    """The bot's own token: the only caller whose reads and writes mean the worker is alive."""
    return principal.is_bot and principal.guid == bot_guid


class WorkerService:
    def __init__(
        self,
        entities: EntityService,
        liveness: Liveness | None = None,
        watch: SignalWatch | None = None,
    ) -> None:
        self.entities = entities
        self.db = entities.db
        self.liveness = liveness or Liveness()
        self.watch = watch

    def _changed(self, bot_guid: str, worker_guids: list[str]) -> None:
        if self.watch is not None and worker_guids:
            self.watch.changed(bot_guid, worker_guids)

    def replace(
        self, principal: Principal, bot_guid: str, count: int, base_url: str
    ) -> dict[str, Any]:
        if not (principal.is_bot and principal.guid == bot_guid):
            raise Forbidden("replacing a bot's workers needs that bot's own token")
        with self.db.write() as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid, lock=True)
            gone = [g for g in map(_guid, stored.doc.get("workers", [])) if g]
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
        self._changed(bot_guid, gone)
        return self.entities.render(BOT, stored, Rendering(base_url))

    def get(
        self, principal: Principal, bot_guid: str, worker_guid: str, fields: list[str]
    ) -> dict[str, Any]:
        with self.db.read(snapshot=False) as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid)
        worker = self.liveness.shown(_find(stored, worker_guid))
        project = querying.projector(fields, worker_required())
        return project(worker) if project else worker

    def signal(
        self, principal: Principal, bot_guid: str, worker_guid: str, *, seen: bool
    ) -> dict[str, Any]:
        """The `WorkerSignal` answer; with `seen`, a read by the bot's own token also marks
        the worker seen (written only when `last_seen` is older than the liveness's
        refresh interval, so frequent reads cost no writes)."""
        with self.db.read(snapshot=False) as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid)
        worker = _find(stored, worker_guid)
        now = now_ms()
        if seen and _own(principal, bot_guid) and self.liveness.stale(worker, now):
            with self.db.write() as conn:
                stored = self.entities.load(conn, principal, "bot", bot_guid, lock=True)
                worker = _find(stored, worker_guid)
                worker["last_seen"] = seen_stamp(now)
                _put(stored, worker)
                self.entities.save(conn, BOT, stored)
        shown = self.liveness.shown(worker, now)
        return {
            "signal": shown["signal"],
            "version": shown["signal_version"],
            "state": shown["state"],
        }

    def update(
        self, principal: Principal, bot_guid: str, worker_guid: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        with self.db.write() as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid, lock=True)
            worker = _find(stored, worker_guid)
            for key in ("state", "status", "jobs_done", "jobs_failed"):
                if key in body:
                    worker[key] = body[key]
            if "job" in body:
                job = body["job"]
                worker["job"] = None if job is None else {"since": now_date(), **job}
            signalled = False
            if "signal" in body:  # merged, so a stop never clears a pending terminate
                before = worker.get("signal", {})
                worker["signal"] = {**before, **body["signal"]}
                if worker["signal"] != before:
                    worker["signal_version"] = int(worker.get("signal_version", 0)) + 1
                    signalled = True
            now = now_ms()
            if _own(principal, bot_guid) and seen_ms(worker) is not None:
                worker["last_seen"] = seen_stamp(now)  # refreshed once the worker is watched
            worker["info"] = {**worker.get("info", {}), "modified": stamp(principal)}
            _put(stored, worker)
            self.entities.save(conn, BOT, stored)
        if signalled:
            self._changed(bot_guid, [worker_guid])
        return self.liveness.shown(worker, now)

    def delete(self, principal: Principal, bot_guid: str, worker_guid: str) -> None:
        with self.db.write() as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid, lock=True)
            _find(stored, worker_guid)
            stored.doc["workers"] = [w for w in stored.doc["workers"] if _guid(w) != worker_guid]
            self.entities.save(conn, BOT, stored)
        self._changed(bot_guid, [worker_guid])

    def list(self, principal: Principal, bot_guid: str, params: dict[str, Any]) -> dict[str, Any]:
        with self.db.read(snapshot=False) as conn:
            stored = self.entities.load(conn, principal, "bot", bot_guid)
        now = now_ms()
        workers = [self.liveness.shown(w, now) for w in stored.doc.get("workers", [])]
        filt = querying.parse_query_text(params.get("query"))
        if filt:
            try:
                workers = [w for w in workers if engine.matches(filt, w, querying.rewrite_path)]
            except engine.QueryError as exc:
                raise querying.query_error(exc) from None
        if params.get("sort"):
            workers = querying.python_order(workers, params["sort"])
        total = len(workers)
        page = workers[params["skip"] : params["skip"] + params["limit"]]
        project = querying.projector(params.get("fields") or [], worker_required())
        if project:
            page = [project(w) for w in page]
        more = params["skip"] + len(page) < total
        shown_total = total if params.get("total") else None
        return envelope(page, more, shown_total, params, f"bot/{bot_guid}/worker")
