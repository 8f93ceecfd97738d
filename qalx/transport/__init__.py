"""The transport layer: the only part of the SDK that talks HTTP (see `_http`), the requests of
every operation built by the generated client (`_operations`), and the Extended JSON codec."""

from . import _operations as operations
from ._codec import NotSerialisable, dumps, dumps_text, loads, to_wire
from ._http import HttpTransport

__all__ = [
    "HttpTransport",
    "NotSerialisable",
    "dumps",
    "dumps_text",
    "loads",
    "operations",
    "to_wire",
]
