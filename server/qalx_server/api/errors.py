"""Errors as the spec's `Error` document: `{"detail", "code", "errors"?}`, never HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from qalx_server import jsonio


class ApiError(Exception):
    """Raised anywhere while handling a request; becomes a JSON error answer."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors
        self.headers = headers

    def document(self) -> dict[str, Any]:
        return error_document(self.code, self.detail, self.errors)

    def response(self) -> Response:
        return Response(
            jsonio.dumps(self.document()),
            status_code=self.status,
            media_type="application/json",
            headers=self.headers,
        )


def error_document(
    code: str, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The spec's `Error`: an answer's body, or one entry of a bulk create's `errors`."""
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return body


def bad_request(detail: str, errors: list[dict[str, str]] | None = None) -> ApiError:
    return ApiError(400, "invalid", detail, errors)


def not_found(entity_type: str, guid: str) -> ApiError:
    return ApiError(404, "not_found", f"no {entity_type} with guid {guid!r}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, "forbidden", detail)


def conflict(detail: str) -> ApiError:
    return ApiError(409, "conflict", detail)
