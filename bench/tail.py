"""Where a create's slow requests come from, in-process: each request timed on its own, and the
slowest ones attributed (a garbage-collector pass during it, or not).

    python bench/tail.py                        # 200,000 Rebilly creates one after another (~40 s)
    python bench/tail.py -n 50000 --spec hellgate --method GET --path /authentications -H X-API-Key:k

No server and no socket (the request goes through RSGI as in ``bench/inprocess.py``), one request at
a time: what is left is the app's own variance. For each request it notes the CPU time of the thread
(the wall time too, which on a shared machine is mostly preemption) and whether
a collector pass ran during it (``gc.callbacks``), and prints the percentiles of all requests and of
those no pass touched, and the slowest requests with the collector pass (generation, its pause) or
the number of requests sent before it (a store dict doubling: 2/3 of a power of two). The serving
process's collector policy (``specmock.collector.serving``) is applied as ``specmock serve`` does;
``--no-collector-policy`` leaves CPython's default.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

from inprocess import WARMUP, parse_args, request_sender

from specmock import collector
from specmock.server import create_app

SLOWEST = 15


class GcWatch:
    """The collector passes since the last ``take``: (generation, pause ns)."""

    def __init__(self) -> None:
        self.passes: list[tuple[int, int]] = []
        self._began = 0
        gc.callbacks.append(self._hook)

    def _hook(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.perf_counter_ns()
        else:
            self.passes.append((info["generation"], time.perf_counter_ns() - self._began))

    def take(self) -> Sequence[tuple[int, int]]:
        # An empty tuple while no pass ran: a new list per request would be an object the collector
        # tracks, kept for the whole run, and the bench's own passes would be measured.
        passes = self.passes
        if not passes:
            return ()
        self.passes = []
        return passes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run(args: argparse.Namespace, policy: bool) -> int:
    app: Any = create_app(
        args.spec, seed=args.seed, max_records=max(args.max_records, args.requests + WARMUP)
    )
    send_once = request_sender(app, args)
    status = await send_once()
    for _ in range(WARMUP):
        await send_once()
    if policy:
        collector.serving(reloads=False)
    watch = GcWatch()
    walls: list[float] = []
    times: list[float] = []  # CPU time of this thread: what the request cost, preemption left out
    passes: list[Sequence[tuple[int, int]]] = []
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    for _ in range(args.requests):
        began, began_cpu = wall(), cpu()
        await send_once()
        times.append((cpu() - began_cpu) / 1000)
        walls.append((wall() - began) / 1000)
        passes.append(watch.take())
    quiet = [t for t, p in zip(times, passes, strict=True) if not p]
    print(f"{args.method} {args.path} → {status}: {args.requests:,} requests, one at a time, in-process")
    print(f"collector policy: {'specmock serve (freeze survivors)' if policy else 'CPython default'}")
    print("| requests | n | p50 µs | p99 µs | p99.9 µs | max µs | total ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = (
        ("all, CPU time", times),
        ("no collector pass during it, CPU time", quiet),
        ("all, wall time (with preemption)", walls),
    )
    for label, values in rows:
        if values:
            p50, p99, p999 = statistics.median(values), percentile(values, 0.99), percentile(values, 0.999)
            print(
                f"| {label} | {len(values):,} | {p50:.0f} | {p99:.0f} | {p999:.0f} | {max(values):,.0f}"
                f" | {sum(values) / 1000:,.0f} |"
            )
    for generation in (0, 1, 2):
        pauses = [ns / 1000 for p in passes for g, ns in p if g == generation]
        if pauses:
            print(
                f"generation {generation}: {len(pauses):,} passes, {sum(pauses) / 1000:,.1f} ms in all, "
                f"longest {max(pauses):,.0f} µs"
            )
    print(f"slowest {SLOWEST} by CPU time (request number: µs, what ran during it):")
    for index in sorted(range(len(times)), key=times.__getitem__, reverse=True)[:SLOWEST]:
        during = (
            ", ".join(f"gen {g} pass {ns / 1000:,.0f} µs" for g, ns in passes[index]) or "no collector pass"
        )
        print(f"  {index + WARMUP + 1:>9,}: {times[index]:8,.0f} µs  {during}")
    return 0 if status < 500 else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    policy = "--no-collector-policy" not in argv
    argv = [a for a in argv if a != "--no-collector-policy"]
    if not any(a in ("-n", "--requests") for a in argv):
        argv = [*argv, "-n", "200000"]
    return asyncio.run(run(parse_args(argv), policy))


if __name__ == "__main__":
    sys.exit(main())
