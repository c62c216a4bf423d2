"""Server CPU per request: the process tree's utime + stime from ``/proc`` around a fixed wrk run.

    python bench/cpu_per_request.py --cases store-create,store-read [--baseline OTHER_CHECKOUT/src]
                                    [--runs 3] [--duration 6] [--warmup 2] [--connections 50]

The cases are ``bench/run.py``'s (same names, groups and ``--baseline``). Each run starts the case's
server, warms it up, reads the CPU time of the server's process tree (and of the redis-server a
``--store`` case shares) before and after ``wrk -t1`` for ``--duration`` seconds, and divides by the
requests wrk counted. Cases alternate run by run; the table gives the median of the runs and every
run. Far less disturbed by other load on the machine than req/s: a busy machine delays a request,
it does not make it cost more cycles (mostly: see BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # bench/run.py: the cases and the server handling

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    rps: float
    server_us: float  # CPU of the server's process tree per request
    redis_us: float  # CPU of the shared redis-server per request (0 without --store)
    p50_ms: float | None
    p99_ms: float | None


@dataclass
class Measured:
    case: bench.Case
    samples: list[Sample] = field(default_factory=list)
    failed: str = ""


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of ``pids`` (their own, not their reaped children's), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / TICKS


def measure_once(case: bench.Case, work: Path, options: argparse.Namespace) -> Sample:
    server = bench.start_server(case, work)
    try:
        bench.wait_ready(server, case)
        bench.check_status(server, case)
        script = bench.wrk_script(case, work)
        if options.warmup > 0:
            bench.run_wrk(case, server.port, script, options.warmup, options)
        tree = bench.process_tree(server.process.pid)
        redis = (
            [bench.BenchRedis.process.pid]
            if "{store}" in case["command"] and bench.BenchRedis.process
            else []
        )
        before, redis_before = cpu_seconds(tree), cpu_seconds(redis)
        wrk = bench.parse_wrk(bench.run_wrk(case, server.port, script, options.duration, options))
        after, redis_after = cpu_seconds(tree), cpu_seconds(redis)
    finally:
        bench.stop_server(server)
    if wrk.requests == 0:
        raise bench.CaseError("wrk counted no requests")
    problems = bench.problems(case, wrk)
    if problems:
        raise bench.CaseError(problems)
    per_request = 1e6 / wrk.requests
    return Sample(
        wrk.rps,
        (after - before) * per_request,
        (redis_after - redis_before) * per_request,
        wrk.p50_ms,
        wrk.p99_ms,
    )


def table(results: list[Measured]) -> str:
    lines = [
        "| case | server CPU µs/request | redis-server µs/request | req/s | p50 ms | p99 ms "
        "| per run (µs, req/s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        name = result.case["name"]
        if result.failed or not result.samples:
            lines.append(f"| {name} | {result.failed or 'no run'} | | | | | |")
            continue
        samples = result.samples

        def median(values: list[float | None]) -> str:
            known = [value for value in values if value is not None]
            return f"{statistics.median(known):,.1f}" if known else "—"

        runs = ", ".join(f"{s.server_us:.0f} µs {s.rps:,.0f}" for s in samples)
        lines.append(
            f"| {name} | {median([s.server_us for s in samples])} | {median([s.redis_us for s in samples])} "
            f"| {median([s.rps for s in samples])} | {median([s.p50_ms for s in samples])} "
            f"| {median([s.p99_ms for s in samples])} | {runs} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Server CPU per request around a fixed wrk run.")
    parser.add_argument("--cases", required=True, help="bench/run.py's case names, groups or servers")
    parser.add_argument("--duration", type=int, default=6, help="measured seconds per run (wrk -d)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds before each measurement")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (alternating)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--baseline", type=Path, default=None, metavar="SRC", help="as bench/run.py's")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    load_before = bench.load_average()
    cases = bench.with_baseline(bench.select_cases(options.cases), options.baseline)
    results = [Measured(case) for case in cases]
    with tempfile.TemporaryDirectory(prefix="specmock-cpu-") as tmp:
        for run in range(1, options.runs + 1):
            for result in results:
                if result.failed:
                    continue
                try:
                    sample = measure_once(result.case, Path(tmp), options)
                except bench.CaseError as error:
                    result.failed = f"failed: {error}"
                    continue
                result.samples.append(sample)
                print(
                    f"[cpu] run {run} {result.case['name']}: {sample.server_us:.0f} µs/request "
                    f"(+{sample.redis_us:.0f} redis), {sample.rps:,.0f} req/s",
                    file=sys.stderr,
                )
    print(f"load average before: {load_before}; after: {bench.load_average()}")
    print(table(results))
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
