"""What the entities refuse, in their own words.

The entities know nothing of HTTP: they raise these, and the app answers each with the status
its table gives the class (`app.REFUSALS`), the error's `code` and `detail`, and `problems`
as the answer's `errors` (each `{field, detail}`, most specific first).
"""

from __future__ import annotations

from typing import ClassVar

Problems = list[dict[str, str]]


class Refused(Exception):
    """A request the entities will not carry out; nothing it asked for has been done."""

    default_code: ClassVar[str] = "refused"

    def __init__(self, detail: str, problems: Problems | None = None, code: str = "") -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems
        self.code = code or self.default_code


class Invalid(Refused):
    """The request is malformed or breaks a rule of its entity type."""

    default_code = "invalid"

    @classmethod
    def naming(cls, problems: Problems, lead: str = "") -> Invalid:
        """The first problem as the detail (`lead` before it), every problem listed."""
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return cls(f"{lead}{first['field']}: {first['detail']}{more}", problems)


class UnsupportedOperator(Invalid):
    """A query uses an operator the server refuses (one that would run code)."""

    default_code = "unsupported_operator"


class NotFound(Refused):
    """No such entity in the caller's company (another company's is answered the same)."""

    default_code = "not_found"

    @classmethod
    def entity(cls, entity_type: str, guid: str) -> NotFound:
        return cls(f"no {entity_type} with guid {guid!r}")


class Forbidden(Refused):
    """The caller may not do this (a bot creating a bot, say)."""

    default_code = "forbidden"


class Conflict(Refused):
    """The request clashes with the state of another entity or request."""

    default_code = "conflict"


class KeyReused(Refused):
    """An `Idempotency-Key` sent again with a different request."""

    default_code = "idempotency_key_reused"
