"""Time as the broker stores it: integer milliseconds since the Unix epoch (UTC)."""

from __future__ import annotations

import datetime as dt
import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def to_datetime(ms: int) -> dt.datetime:
    """An aware UTC datetime for a stored instant."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
