"""MongoDB-compatible query engine over JSON documents stored one row per entity.

Filters compile to SQL (PostgreSQL JSONB or SQLite JSON text); sorts compile to
ORDER BY clauses with BSON cross-type ordering; projections and aggregation
stages after a leading ``$match`` run in Python.  Every entry point validates
its whole input first and raises :class:`QueryError` (HTTP 400) on refusal.
"""

from .aggregate import Pipeline, aggregate, parse_pipeline
from .compiler import compile_filter, compile_node, dialect_for
from .dialect import ColumnRule, Columns
from .errors import QueryError, UnsupportedOperator
from .extjson import canonical, from_python, to_python
from .indexing import (
    Candidates,
    Narrowing,
    candidate_ids,
    candidates,
    check_index_path,
    narrow_key,
    number_bounds,
)
from .matcher import evaluate, matches
from .paths import Path, PathRewriter, split_path
from .projection import compile_projection
from .sort import SortKey, compile_sort, parse_sort, python_sort, sort_clauses
from .sqlite import install_on_engine, install_sqlite_functions
from .tree import Node, parse_filter

__all__ = [
    "Candidates",
    "ColumnRule",
    "Columns",
    "Narrowing",
    "Node",
    "Path",
    "PathRewriter",
    "Pipeline",
    "QueryError",
    "SortKey",
    "UnsupportedOperator",
    "aggregate",
    "candidate_ids",
    "candidates",
    "canonical",
    "check_index_path",
    "compile_filter",
    "compile_node",
    "compile_projection",
    "compile_sort",
    "dialect_for",
    "evaluate",
    "from_python",
    "install_on_engine",
    "install_sqlite_functions",
    "matches",
    "narrow_key",
    "number_bounds",
    "parse_filter",
    "parse_pipeline",
    "parse_sort",
    "python_sort",
    "sort_clauses",
    "split_path",
    "to_python",
]
