"""The catch-up of a shared store alone, in one process: CPU and rate of ``Replica.caught_up()``.

    python bench/shared_checks.py [--tasks 50] [--checks 400] [--runs 3]

Builds the Hellgate app on a redis-server of its own (``--store``), announces its event loop as a
server does (``__rsgi_init__``), and lets ``--tasks`` tasks each await ``caught_up()`` ``--checks``
times: every check waits for a round trip that started after it, shared by the checks waiting
then. No HTTP, no pipeline: what the round trips themselves cost per request (process CPU from
``time.process_time``, all threads) and how many checks a second they let through.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py: its redis-server for the --store cases

from specmock.server import create_app

SPEC = bench.ROOT / bench.HELLGATE


async def measure(tasks: int, checks: int) -> tuple[float, float]:
    """(µs of CPU per check, checks per second) of one round."""
    app = create_app(SPEC, store=bench.BenchRedis.fresh_url())
    replica = app.apis[0].shared
    assert replica is not None
    app.__rsgi_init__(asyncio.get_running_loop())

    async def one() -> None:
        for _ in range(checks):
            await replica.caught_up()

    await asyncio.gather(*(one() for _ in range(tasks)))  # warm-up: connections made, code paths hot
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one() for _ in range(tasks)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await app.shutdown()
    return cpu / (tasks * checks) * 1e6, tasks * checks / wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU and rate of the shared store's catch-up checks.")
    parser.add_argument("--tasks", type=int, default=50, help="checks waiting at once (connections)")
    parser.add_argument("--checks", type=int, default=400, help="checks per task")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    import uvloop

    load_before = bench.load_average()
    results = [uvloop.run(measure(options.tasks, options.checks)) for _ in range(options.runs)]
    cpu = statistics.median(result[0] for result in results)
    rate = statistics.median(result[1] for result in results)
    runs = ", ".join(f"{c:.1f} µs {r:,.0f}/s" for c, r in results)
    print(f"load average before: {load_before}; after: {bench.load_average()}")
    print(f"{cpu:.1f} µs of CPU per check, {rate:,.0f} checks/s (median of {options.runs}: {runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
