"""The SQS endpoint over HTTP: an ASGI app that answers below wherever it is mounted.

`/` below the mount is boto3's endpoint URL and `/{company guid}/{queue name}` a queue URL,
which a client may post to with no `QueueUrl` in the body. The server mounts it at
`naming.ENDPOINT_PATH`, where the broker's queue URLs point.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from . import errors
from .operations import Answer
from .server import OPERATIONS, UNSUPPORTED, Broker, SqsRequest
from .sigv4 import IncomingRequest

log = logging.getLogger("qalx_server.broker")
MAX_REQUEST_BYTES = 2 * 1024 * 1024


class SqsEndpoint:
    """One broker's SQS endpoint. A Mount does not match its own path bare, and boto3 posts to
    its `endpoint_url` (`<server base>sqs`, no slash), so route that path to `handle` too."""

    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._router = Router(
            routes=[
                Route("/", self.handle, methods=["POST"]),
                Route("/{company}/{queue}", self.handle, methods=["POST"]),
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._router(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            answer = await self._answer(request)
        except errors.SqsError as exc:
            return exc.response(request_id)
        except Exception:
            log.exception("broker failed on %s", request.headers.get("x-amz-target", "?"))
            return errors.internal_failure().response(request_id)
        return Response(
            orjson.dumps(answer),
            media_type=errors.CONTENT_TYPE,
            headers={"x-amzn-RequestId": request_id},
        )

    async def _answer(self, request: Request) -> Answer:
        target = request.headers.get("x-amz-target", "")
        service, _, name = target.partition(".")
        if service != "AmazonSQS" or not name:
            raise errors.invalid_action(target)
        signed = await _signed(request)
        payload = _payload(signed.body)
        if "QueueUrl" not in payload and "company" in request.path_params:
            payload["QueueUrl"] = str(request.url.replace(query=""))
        operation = OPERATIONS.get(name)
        if operation is None:
            if name in UNSUPPORTED:
                raise errors.unsupported_operation(name)
            raise errors.invalid_action(target)
        base_url = self._broker.public_url or str(request.base_url)
        return await operation(
            self._broker, SqsRequest(signed, payload, base_url, request.is_disconnected)
        )


async def _signed(request: Request) -> IncomingRequest:
    """The request as the client signed it (the whole path, wherever the endpoint is mounted)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return IncomingRequest(
        method=request.method,
        path=request.url.path,
        query=request.scope.get("query_string", b"").decode("latin-1"),
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw],
        body=b"".join(chunks),
    )


def _payload(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise errors.malformed_body("The request body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise errors.malformed_body("The request body must be a JSON object.")
    return parsed


def _too_large() -> errors.SqsError:
    return errors.SqsError(
        "RequestEntityTooLarge",
        f"Requests to the broker must be at most {MAX_REQUEST_BYTES} bytes.",
        status=413,
        namespace=errors.CORAL_NAMESPACE,
    )
