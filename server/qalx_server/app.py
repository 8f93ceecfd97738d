"""The ASGI application: every operation of openapi/qalx.yaml, checked against it, plus the
signed file routes, the spec itself and its interactive docs."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from qalx_server import jsonio
from qalx_server.api.errors import ApiError
from qalx_server.api.handlers import (
    Answer,
    Call,
    Handler,
    WaitingHandler,
    build_handlers,
    build_waiting_handlers,
)
from qalx_server.api.operations import Operation, compile_operations
from qalx_server.api.schemas import check
from qalx_server.auth import Authenticator, AuthError
from qalx_server.broker import Broker, SqsEndpoint
from qalx_server.broker.naming import ENDPOINT_PATH
from qalx_server.entities import querying
from qalx_server.entities.errors import (
    Conflict,
    Forbidden,
    Invalid,
    KeyReused,
    NotFound,
    Refused,
)
from qalx_server.entities.failures import JobFailures
from qalx_server.entities.hooks import BotHooks, NotificationHooks, QueueHooks
from qalx_server.entities.idempotency import Idempotency
from qalx_server.entities.indexes import DeclaredIndexes
from qalx_server.entities.queues import QueueOperations
from qalx_server.entities.seen import Liveness
from qalx_server.entities.service import EntityService
from qalx_server.entities.signals import SignalWatch
from qalx_server.entities.workers import WorkerService
from qalx_server.files.base import FileStore
from qalx_server.files.local import URL_PATH, LocalFileStore
from qalx_server.files.local_http import file_app
from qalx_server.guids import parse_guid
from qalx_server.keyfiles import load_or_create_secret
from qalx_server.notifications import Notifier
from qalx_server.queueing import QueueBackend, QueueConflict, QueueNotFound, QueueUnavailable
from qalx_server.queueing.builtin import BuiltinQueueBackend
from qalx_server.settings import Settings
from qalx_server.spec import spec_text
from qalx_server.store.database import (
    Database,
    StatementCancel,
    StatementCancelled,
    StatementTimeout,
)
from qalx_server.validation import problems

log = logging.getLogger("qalx_server")

JSON_TYPES = ("application/json", "+json")

# How each lower layer's refusal is answered: the first row naming a class the error is an
# instance of gives the status, and the code unless the row leaves it to the error's own
# (entities' refusals carry theirs). One table, because one exception can be several of
# these; 5xx rows are logged.
REFUSALS: tuple[tuple[type[Exception], int, str | None], ...] = (
    (Invalid, 400, None),
    (Forbidden, 403, None),
    (NotFound, 404, None),
    (Conflict, 409, None),
    (KeyReused, 422, None),
    (QueueNotFound, 404, "not_found"),
    (QueueConflict, 409, "conflict"),
    (QueueUnavailable, 503, "queue_unavailable"),
    (StatementTimeout, 503, "query_timeout"),
    (StatementCancelled, 503, "cancelled"),
)


class QalxServer:
    """The services behind one running server."""

    def __init__(self, settings: Settings, files: FileStore | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.resolved_database_url, settings.statement_seconds)
        self.files = files if files is not None else make_file_store(settings)
        self.auth = Authenticator(self.db, settings.token_cache_seconds)
        # Handlers use the database synchronously, so they run on these threads. A plain
        # executor: anyio's to_thread (Starlette's run_in_threadpool) costs several times more
        # per hand-off, which showed as a third of the time of a GET (bench/server_throughput).
        self.executor = ThreadPoolExecutor(settings.threads, thread_name_prefix="qalx-handler")
        self.broker: Broker | None = None
        self.queues: QueueBackend
        if settings.queues == "sqs":
            self.queues = amazon_backend(settings)
        else:
            self.broker = Broker.from_settings(settings, self.db, executor=self.executor)
            self.queues = BuiltinQueueBackend(self.broker, settings.broker_region)
        self.notifier = Notifier(self.db, settings)
        liveness = Liveness(settings.worker_lost_after)
        failures = JobFailures(self.db)
        hooks = {
            "queue": QueueHooks(self.queues, failures),
            "bot": BotHooks(self.queues, liveness),
            "notification": NotificationHooks(self.notifier),
        }
        self.entities = EntityService(self.db, self.files, hooks)
        self.signals = SignalWatch(self.db, self.executor, settings.signal_poll_interval)
        self.workers = WorkerService(self.entities, liveness, self.signals)
        queue_operations = QueueOperations(self.entities, self.queues, failures)
        self.idempotency = Idempotency(self.db, settings.idempotency_window_seconds)
        self.handlers = build_handlers(
            self.entities,
            self.workers,
            queue_operations,
            self.idempotency,
            DeclaredIndexes(self.db),
        )
        self.waiting_handlers = build_waiting_handlers(self.workers)
        self.operations = compile_operations()
        _check_coverage(self.operations, self.handlers, self.waiting_handlers)

    def start(self) -> None:
        """Start the background work (the notification sender, when SMTP is configured)."""
        self.notifier.start()

    def stop(self) -> None:
        self.notifier.stop()

    def close(self) -> None:
        self.stop()
        self.executor.shutdown(wait=True)
        self.db.dispose()


def make_file_store(settings: Settings) -> FileStore:
    if settings.storage == "s3":
        from qalx_server.files.s3 import s3_store_from_settings

        if not settings.s3_bucket:
            raise ValueError("storage 's3' needs a bucket (QALX_SERVER_S3_BUCKET / --s3-bucket)")
        # Credentials come from the standard AWS chain (environment, profile, instance role).
        return s3_store_from_settings(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            expires_in=settings.file_url_expires,
        )
    return LocalFileStore(
        settings.data_dir / "files",
        load_or_create_secret(settings.data_dir / "file-signing.key"),
        max_bytes=settings.max_file_bytes,
        expires_in=settings.file_url_expires,
    )


def amazon_backend(settings: Settings) -> QueueBackend:
    from qalx_server.queueing.amazon import amazon_backend_from_settings

    return amazon_backend_from_settings(
        region=settings.sqs_region,
        role_arn=settings.sqs_role_arn,
        sqs_endpoint_url=settings.sqs_endpoint_url,
        sts_endpoint_url=settings.sts_endpoint_url,
        client_endpoint_url=settings.sqs_client_endpoint_url,
        prefix=settings.sqs_prefix,
        credential_lifetime=settings.sqs_credential_lifetime,
    )


def _check_coverage(
    operations: list[Operation],
    handlers: dict[str, Handler],
    waiting: dict[str, WaitingHandler],
) -> None:
    """Serve exactly the spec: fail at start-up if an operation has no handler or vice versa."""
    spec_ids = {op.operation_id for op in operations}
    served = handlers.keys() | waiting.keys()
    missing, extra = spec_ids - served, served - spec_ids
    if handlers.keys() & waiting.keys():
        raise RuntimeError(f"operations with two handlers: {handlers.keys() & waiting.keys()}")
    if missing or extra:
        raise RuntimeError(f"handlers out of step with the spec: missing {missing}, extra {extra}")


def create_app(settings: Settings, files: FileStore | None = None) -> Starlette:
    server = QalxServer(settings, files)
    routes: list[BaseRoute] = []
    by_path: dict[str, dict[str, Operation]] = {}
    for operation in server.operations:
        by_path.setdefault(operation.path, {})[operation.method] = operation
    for path, methods in by_path.items():
        routes.append(Route(path, _endpoint(server, methods), methods=list(methods)))
    routes += [
        Route("/openapi.yaml", _serve_spec, methods=["GET"]),
        Route("/docs", _serve_docs, methods=["GET"]),
    ]
    if server.broker is not None:
        routes += sqs_routes(server.broker)
    if isinstance(server.files, LocalFileStore):
        routes += file_routes(server.files)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.start()
        try:
            with _serving_collector():
                yield
        finally:
            await asyncio.get_running_loop().run_in_executor(None, server.stop)

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            ApiError: _api_error,
            **{refusal: _refused for refusal, _status, _code in REFUSALS},
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    app.state.qalx = server
    return app


YOUNG_COLLECTION_AFTER = 10_000
"""Allocations between collections of the youngest generation while serving (Python's
default is 700)."""


@contextmanager
def _serving_collector() -> Iterator[None]:
    """While the app serves, what it built at start (the spec, the validators, the engine) is
    out of the cyclic garbage collector's sight (`gc.freeze`), and the youngest generation is
    collected less often. A bulk create of 1,000 items allocates some 50,000 objects: the
    collections they set off, the oldest walking every object of the process, took a third
    of its time."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_AFTER, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def sqs_routes(broker: Broker) -> list[BaseRoute]:
    """The broker's SQS endpoint, mounted where its queue URLs point. A Mount does not match
    its path bare, which is boto3's `endpoint_url` (`<server base>sqs`), so that has a route."""
    endpoint = SqsEndpoint(broker)
    path = "/" + ENDPOINT_PATH
    return [Route(path, endpoint.handle, methods=["POST"]), Mount(path, app=endpoint)]


def file_routes(store: LocalFileStore) -> list[BaseRoute]:
    """The endpoint of the local store's signed URLs, mounted where they point."""
    return [Mount(URL_PATH, app=file_app(store))]


def app_from_env() -> Starlette:
    """An app configured from `QALX_SERVER_*` variables, for process managers:
    `uvicorn --factory qalx_server.app:app_from_env --workers 4`."""
    app = create_app(Settings.from_env())
    app.state.qalx.db.migrate()  # each worker: the first migrates, the rest find it done
    return app


def _endpoint(server: QalxServer, methods: dict[str, Operation]) -> Any:
    settings = server.settings

    async def endpoint(request: Request) -> Response:
        operation = methods[request.method]
        path: dict[str, str] = {}
        for name in operation.path_params:
            guid = parse_guid(request.path_params[name])
            if guid is None:
                what = "bot" if name == "bot_guid" else name.removesuffix("_guid")
                if name == "guid":
                    what = operation.path.strip("/").split("/")[0]
                raise ApiError(
                    404, "not_found", f"no {what} with guid {request.path_params[name]!r}"
                )
            path[name] = guid
        path |= operation.parse_text_params(request.path_params)
        operation.check_headers(request.headers)
        query = operation.parse_query(request.query_params)
        body = await _read_body(request, operation, settings.max_body_bytes)
        base_url = settings.public_url or str(request.base_url)
        if not base_url.endswith("/"):
            base_url += "/"

        def called() -> Call:
            principal = None
            if not operation.public:
                try:
                    principal = server.auth.authenticate(request.headers.get("authorization"))
                except AuthError as exc:
                    raise ApiError(
                        401, "not_authenticated", str(exc), headers={"WWW-Authenticate": "Token"}
                    ) from None
            return Call(principal, path, query, request.headers, body, base_url)

        loop = asyncio.get_running_loop()
        waiting = server.waiting_handlers.get(operation.operation_id)
        if waiting is not None:  # long polling: threads only for its reads, none while it waits
            answer = await waiting(
                await loop.run_in_executor(server.executor, called), request.is_disconnected
            )
        elif _reads_only(operation):
            answer = await _stopped_if_abandoned(
                request, loop, server.executor, server.handlers[operation.operation_id], called
            )
        else:
            handler = server.handlers[operation.operation_id]
            answer = await loop.run_in_executor(server.executor, lambda: handler(called()))
        if settings.validate_responses:
            _check_answer(operation, answer)
        if answer.body is None:
            return Response(status_code=answer.status)
        return Response(
            jsonio.dumps(answer.body), status_code=answer.status, media_type="application/json"
        )

    return endpoint


def _reads_only(operation: Operation) -> bool:
    """Operations that change nothing, whose work may stop when their client goes away."""
    return operation.method == "GET" or operation.operation_id.startswith("aggregate_")


DISCONNECT_POLL_SECONDS = 0.25
"""How often a running read looks whether its client is still there."""


async def _stopped_if_abandoned(
    request: Request,
    loop: asyncio.AbstractEventLoop,
    executor: Executor,
    handler: Handler,
    called: Callable[[], Call],
) -> Answer:
    """Run a read on a handler thread; if its client goes away first, stop its statements
    (the thread and connection come back at once, not after the statement's limit)."""
    cancel = StatementCancel()

    def run() -> Answer:
        with cancel.bound():
            return handler(called())

    work = loop.run_in_executor(executor, run)
    while not (await asyncio.wait({work}, timeout=DISCONNECT_POLL_SECONDS))[0]:
        if await request.is_disconnected():
            cancel.cancel()
            break
    return await work


async def _read_body(request: Request, operation: Operation, limit: int) -> Any:
    if not operation.has_body:
        return None
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        raise ApiError(400, "invalid", "this request needs a JSON body")
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if not content_type.lower().endswith(JSON_TYPES):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"the body must be application/json, not {content_type!r}",
        )
    try:
        body, canonical = jsonio.read(raw)
    except jsonio.InvalidJSON as exc:
        raise ApiError(400, "invalid_json", str(exc)) from None
    if operation.body_ref:
        check(operation.body_ref, body)
    return body if canonical else querying.canonical(body, "body")


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"the request body is larger than {limit} bytes")


def _check_answer(operation: Operation, answer: Answer) -> None:
    """Tests run with this on: an answer the spec does not describe is a server bug."""
    declared, validator = operation.answer_schema(answer.status)
    if not declared:
        raise RuntimeError(f"{operation.operation_id} answered {answer.status}, not in the spec")
    if validator is not None:
        found = problems(validator, answer.body, "answer")
        if found:
            raise RuntimeError(f"{operation.operation_id} answer breaks the spec: {found[:3]}")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _refused(request: Request, exc: Exception) -> Response:
    """A refusal as Error JSON, by the REFUSALS table (a queue backend's message names the
    queue and the cause)."""
    return _answer_refusal(exc, request).response()


def _answer_refusal(exc: Exception, request: Request | None = None) -> ApiError:
    found = next((row for row in REFUSALS if isinstance(exc, row[0])), None)
    if found is None:
        raise TypeError(f"no answer for {type(exc).__name__}") from exc
    _, status, code = found
    if status >= 500:
        where = f"{request.method} {request.url.path}" if request else "a request"
        log.error("%s failed on %s: %s", type(exc).__name__, where, exc)
    if isinstance(exc, Refused):
        return ApiError(status, code or exc.code, exc.detail, exc.problems)
    return ApiError(status, code or "refused", str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        detail = f"no such endpoint: {request.method} {request.url.path}"
        return ApiError(404, "not_found", detail).response()
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        return ApiError(405, "method_not_allowed", detail, headers=exc.headers).response()
    return ApiError(exc.status_code, "http_error", str(exc.detail)).response()


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return ApiError(500, "internal_error", "the server failed to handle this request").response()


async def _serve_spec(request: Request) -> Response:
    return Response(spec_text(), media_type="application/yaml")


_DOCS = """<!doctype html>
<html><head><meta charset="utf-8"><title>qalx API</title>
<link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "openapi.yaml", dom_id: "#ui"});</script>
</body></html>"""


async def _serve_docs(request: Request) -> Response:
    return HTMLResponse(_DOCS)
