"""One client measurement, run in its own process with either library's interpreter:

    python bench/sdk_client.py qalx|pyqalx get|add|add_many|import|oneshot GUID N

Both read QALX_USER_BASE_URL and QALX_USER_TOKEN (skip_ini) and print one JSON line. The code
is the same for both libraries: only the import differs, as it does for a migrated project.
"""

from __future__ import annotations

import json
import sys
import time


def peak_rss_mib() -> float:
    """This process's own peak RSS. (`ru_maxrss` is no good here: Linux carries the forking
    parent's peak across exec.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    library, what, guid, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    started = time.perf_counter()
    if library == "qalx":
        from qalx import QalxSession
    else:
        from pyqalx import QalxSession  # type: ignore[import-not-found,no-redef]
    imported = time.perf_counter() - started
    if what == "import":
        print(json.dumps({"seconds": imported, "peak_rss_mib": peak_rss_mib()}))
        return
    session = QalxSession(skip_ini=True)
    if what == "oneshot":
        assert session.item.get(guid)["data"]["height"] == 5.0
        print(json.dumps({"seconds": time.perf_counter() - started}))
        return
    data = {
        "height": 5.0,
        "width": 2.5,
        "material": {"name": "316", "rho": 8000, "E": 193e9},
        "loads": [{"case": f"lc{i}", "fx": i * 1.5, "fy": -i * 0.5} for i in range(10)],
    }
    session.item.get(guid)  # warm the connection pool
    begin = time.perf_counter()
    if what == "get":
        for _ in range(count):
            session.item.get(guid)
    elif what == "add":
        for _ in range(count):
            session.item.add(data=data, meta={"_class": "bench"})
    elif what == "add_many":
        # Our server takes at most 1,000 items per bulk request; pyqalx sends whatever it is
        # given in one, so it is handed the same 1,000-item chunks qalx makes by itself.
        items = [{"data": {**data, "n": n}, "meta": {"_class": "bulk"}} for n in range(count)]
        if library == "qalx":
            created = session.item.add_many(items)["items_created"]
        else:
            created = sum(
                session.item.add_many(items[i : i + 1000])["items_created"]
                for i in range(0, count, 1000)
            )
        assert created == count, created
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    elapsed = time.perf_counter() - begin
    print(json.dumps({"seconds": elapsed, "ops_per_second": count / elapsed}))


if __name__ == "__main__":
    main()
