"""While the app serves, the garbage collector leaves what it built at start alone and
collects the young generation less often; both come back as they were when it stops."""

from __future__ import annotations

import gc
from pathlib import Path

import httpx

from qalx_server.app import YOUNG_COLLECTION_AFTER
from tests.support.servers import live_server


def test_the_collector_is_tuned_while_serving_and_restored_after(tmp_path: Path) -> None:
    before = gc.get_threshold()
    with live_server("sqlite", tmp_path, lifespan=True) as live:  # runs the app's lifespan
        assert httpx.get(live.base_url + "health").status_code == 200
        assert gc.get_threshold() == (YOUNG_COLLECTION_AFTER, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
