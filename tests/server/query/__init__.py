"""Tests of the MongoDB-compatible query engine (qalx_server.store.query)."""
