"""qalx_server: the qalx API, self-hosted, served from openapi/qalx.yaml."""

__version__ = "0.1.0"
