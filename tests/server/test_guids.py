"""New guids are random (version 4) UUIDs in the 32-hex form the server stores."""

from __future__ import annotations

import uuid

from qalx_server.guids import new_guid


def test_new_guids_are_version_4_uuids_in_hex() -> None:
    made = {new_guid() for _ in range(1000)}
    assert len(made) == 1000
    for guid in made:
        parsed = uuid.UUID(guid)
        assert (parsed.hex, parsed.version, parsed.variant) == (guid, 4, uuid.RFC_4122)
