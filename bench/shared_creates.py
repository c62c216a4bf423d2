"""Creates on a shared store in one process: CPU (or instructions) per create, in-memory beside Redis.

    python bench/shared_creates.py [--tasks 50] [--creates 100] [--runs 3] [--instructions]

Builds the Rebilly app (``bench/run.py``'s ``store-create`` request) in-memory and on a
redis-server of its own (``--store``), announces its event loop as a server does
(``__rsgi_init__``), and lets ``--tasks`` tasks each send ``--creates`` creates through RSGI: the
writes waiting at the same time share round trips, as under wrk's 50 connections. No HTTP server:
the cost of a create in the app and its sharing threads (process CPU from ``time.process_time``,
all threads). ``--instructions`` counts instructions instead (callgrind, ``--creates`` N against
4N, so start-up and warm-up cancel out): far steadier than times on a busy machine, though the
threads' interleaving (how many writes share a round trip) still moves it by a few per cent.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py: the request, its redis-server for the --store cases
from app_call import RsgiScope, call_rsgi

from specmock.server import create_app

SPEC = bench.ROOT / bench.REBILLY
TARGET = f"{bench.REBILLY_BASE}/authentication-tokens"
BODY = bench.CREATE_BODY.encode()
HEADERS = [
    ("host", "127.0.0.1:8000"),
    ("reb-apikey", "bench"),
    ("content-type", "application/json"),
    ("content-length", str(len(BODY))),
]
WARM_UP = 2  # creates per task before the measured ones
COLLECTED = re.compile(r"Collected\s*:\s*([0-9]+)")


async def measure(store: str | None, tasks: int, creates: int) -> tuple[float, float]:
    """(µs of CPU per create, creates per second) of ``tasks`` × ``creates`` creates."""
    options = {"store": bench.BenchRedis.fresh_url()} if store else {}
    app = create_app(SPEC, seed=1, max_records=bench.CREATE_MAX_RECORDS, **options)
    app.__rsgi_init__(asyncio.get_running_loop())

    async def one(count: int) -> None:
        for _ in range(count):
            sent = await call_rsgi(app, RsgiScope("POST", TARGET, HEADERS), BODY)
            if sent.status != 201:
                raise SystemExit(f"the create answered {sent.status}: {sent.sent[:300]!r}")

    await asyncio.gather(*(one(WARM_UP) for _ in range(tasks)))
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(creates) for _ in range(tasks)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await app.shutdown()
    return cpu / (tasks * creates) * 1e6, tasks * creates / wall


def instructions(store: str, tasks: int, creates: int) -> float:
    """Instructions per create: this script under callgrind with N and 4N creates per task."""
    counts = []
    for n in (creates, 4 * creates):
        command = [
            "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
            "--store", store, "--tasks", str(tasks), "--creates", str(n), "--runs", "1",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        found = COLLECTED.search(done.stderr)
        if done.returncode != 0 or found is None:
            raise SystemExit(f"callgrind run failed: {done.stderr[-2000:]}")
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / (3 * creates * tasks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU or instructions per create, in-memory and on Redis.")
    parser.add_argument("--store", choices=["memory", "redis", "both"], default="both")
    parser.add_argument("--tasks", type=int, default=50, help="creates in flight at once (connections)")
    parser.add_argument("--creates", type=int, default=100, help="creates per task")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--instructions", action="store_true", help="count instructions (valgrind)")
    options = parser.parse_args(argv)
    stores = ["memory", "redis"] if options.store == "both" else [options.store]
    if options.instructions:
        if shutil.which("valgrind") is None:
            print("--instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
            return 2
        for store in stores:
            count = instructions(store, options.tasks, min(options.creates, 20))
            print(f"{store}: {count:,.0f} instructions per create")
        return 0
    load_before = bench.load_average()
    for store in stores:
        results = [
            asyncio.run(measure(None if store == "memory" else store, options.tasks, options.creates))
            for _ in range(options.runs)
        ]
        cpu = statistics.median(result[0] for result in results)
        runs = ", ".join(f"{c:.1f} µs {r:,.0f}/s" for c, r in results)
        print(f"{store}: {cpu:.1f} µs of CPU per create (median of {options.runs}: {runs})")
    print(f"load average before: {load_before}; after: {bench.load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
