"""The fixtures of tests/support/cli.py, for the tests of the `qalx` commands."""

from tests.support.cli import (
    QALX,
    Company,
    company,
    home,
    live,
    no_qalx_loggers,
    qalx,
    qalx_process,
)

__all__ = ["QALX", "Company", "company", "home", "live", "no_qalx_loggers", "qalx", "qalx_process"]
