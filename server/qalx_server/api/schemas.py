"""Request bodies checked against the spec's schemas before any handler sees them."""

from __future__ import annotations

from typing import Any

from qalx_server.validation import accepts, problems, validator

from .errors import bad_request


def check(ref: str, document: Any, where: str = "body") -> None:
    """Raise a 400 naming every problem if `document` does not match the schema."""
    if accepts(ref)(document):
        return
    errors = problems(validator(ref), document, where)
    first = errors[0]
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    raise bad_request(f"{first['field']}: {first['detail']}{more}", errors)
