"""Who made a request."""

from __future__ import annotations

from typing import Any, Literal

import attrs

from qalx_server.guids import wire


@attrs.frozen
class Principal:
    company_id: int
    company_guid: str
    kind: Literal["user", "bot"]
    guid: str
    """The user's guid, or for a bot token the bot's guid."""
    email: str | None

    @property
    def is_bot(self) -> bool:
        return self.kind == "bot"

    def actor(self) -> dict[str, Any]:
        """The `info.created.by` / `info.modified.by` record for changes made by this principal."""
        return {"guid": wire(self.guid), "email": self.email, "entity": self.kind}
