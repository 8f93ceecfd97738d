"""Workers that are seen: when a worker last showed itself, and how it is answered.

A worker that reads its signal through `GET .../signal` gets `last_seen`, refreshed by each
later read and by its own PATCHes (made with its bot's token). Such a worker reads again as
soon as it is answered, and a waiting read is answered after at most a third of
`worker_lost_after` (`Liveness.longest_wait`), so a live worker is seen often enough; one not
seen for longer than `worker_lost_after` is answered with `state: "lost"`, its stored state
untouched. Workers never seen there (pyqalx's, which check
every 20 to 240 s and not at all during a step) have `last_seen: null` and are never lost.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import attrs

LOST = "lost"
NEVER_LOST = frozenset({"terminated"})
"""Stored states kept whatever `last_seen` says: a terminated worker is meant to be gone."""

FRESH: dict[str, Any] = {
    "signal_version": 0,
    "last_seen": None,
    "job": None,
    "jobs_done": 0,
    "jobs_failed": 0,
}
"""The keys workers made before these existed lack, answered with these values."""


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def seen_stamp(ms: int) -> dict[str, Any]:
    return {"$date": ms, "$zone": "UTC", "$offset": None}


def seen_ms(worker: Mapping[str, Any]) -> int | None:
    stamp = worker.get("last_seen")
    if isinstance(stamp, Mapping) and isinstance(stamp.get("$date"), int):
        return int(stamp["$date"])
    return None


@attrs.frozen
class Liveness:
    """How one server judges workers: lost after `lost_after` seconds unseen; `last_seen`
    rewritten only when it is older than a tenth of that (at most 5 s), so a worker that
    reads its signal often costs a write now and then, not one per read."""

    lost_after: float = 60.0

    @property
    def refresh_ms(self) -> int:
        return int(min(5.0, self.lost_after / 10) * 1000)

    def longest_wait(self, asked: float) -> float:
        """How long a waiting signal read may be held: what the worker asked, but never so
        long that a live worker waiting for its signal could look lost."""
        return min(asked, self.lost_after / 3)

    def stale(self, worker: Mapping[str, Any], now: int) -> bool:
        """Whether a sighting now should be written."""
        seen = seen_ms(worker)
        return seen is None or now - seen >= self.refresh_ms

    def shown(self, worker: Mapping[str, Any], now: int | None = None) -> dict[str, Any]:
        """The worker as answered: every key present, `state` lost when it is."""
        shown = {**FRESH, **worker}
        seen = seen_ms(worker)
        if seen is not None and shown.get("state") not in NEVER_LOST:
            now = now_ms() if now is None else now
            if now - seen > self.lost_after * 1000:
                shown["state"] = LOST
        return shown

    def shown_bot(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        workers = doc.get("workers")
        if not isinstance(workers, list) or not workers:
            return dict(doc)
        now = now_ms()
        return {**doc, "workers": [self.shown(w, now) for w in workers]}
