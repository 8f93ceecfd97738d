"""The entity service the API calls: every read and write of every entity type, always
within the caller's company (entities.reads, entities.writes; rows in entities.rows)."""

from __future__ import annotations

from .reads import EntityReads
from .writes import EntityWrites


class EntityService(EntityWrites, EntityReads):
    """Reads and writes over one database, file store and set of type hooks."""
