"""Waiting for something a real process does: a bound on a hung test, never a timing check."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEADLINE = 30.0


def until(check: Callable[[], T], what: str, deadline: float = DEADLINE, every: float = 0.05) -> T:
    """`check()`'s first truthy answer; AssertionError naming `what` after `deadline` s."""
    ends = time.monotonic() + deadline
    while time.monotonic() < ends:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what}")
