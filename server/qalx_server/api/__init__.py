"""The REST API: routes and validation derived from the spec, and the operation handlers."""
