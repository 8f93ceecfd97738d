"""qalx: the typed Python SDK for the qalx engineering-data API."""

__version__ = "0.1.0"
