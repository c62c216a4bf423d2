"""Where a served create's latency tail comes from: the garbage collector's passes, timed.

    python bench/gc_pauses.py                          # Rebilly create, 60 s of wrk, --max-records 2,000,000
    python bench/gc_pauses.py --duration 20 --max-records 10000
    python bench/gc_pauses.py --spec hellgate --method GET --path /authentications -H X-API-Key:k

Starts ``specmock serve`` (the same command line as ``bench/run.py``'s specmock cases) in a child
process with a ``gc.callbacks`` hook installed first, loads it with wrk, stops it by its process
group, and prints, per generation, how many collections ran, their total and longest pause, and each
full (generation 2) pass with the number of objects the collector tracked at that moment; next to
wrk's own latency percentiles. A pause longer than wrk's p99 that recurs is the tail.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import (
    CREATE_BODY,
    REBILLY,
    REBILLY_BASE,
    ROOT,
    Case,
    Server,
    free_port,
    parse_wrk,
    run_wrk,
    stop_server,
    wait_ready,
    wrk_script,
)

HOOK = r"""
import atexit, gc, json, os, sys, time
_log, _start = [], [0, 0]
def _hook(phase, info):
    if phase == "start":
        _start[0] = time.perf_counter_ns()
        return
    took = time.perf_counter_ns() - _start[0]
    gen = info["generation"]
    tracked = len(gc.get_objects(2)) if gen == 2 else -1
    _log.append((time.monotonic(), gen, took, info["collected"], tracked, gc.get_freeze_count()))
gc.callbacks.append(_hook)
def _dump():
    with open(os.environ["SPECMOCK_GC_LOG"], "w") as sink:
        json.dump({"log": _log, "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}, sink)
atexit.register(_dump)
from specmock.cli import main
sys.argv = ["specmock", *sys.argv[1:]]
main()
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", default=REBILLY)
    parser.add_argument("--method", default="POST")
    parser.add_argument("--path", default=f"{REBILLY_BASE}/authentication-tokens")
    parser.add_argument(
        "--body", default=None, help="request body (default: the bench's create body for POST)"
    )
    parser.add_argument("-H", "--header", action="append", default=None, help="Name:value (repeatable)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of wrk")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--max-records", type=int, default=2_000_000)
    parser.add_argument("--serve-option", action="append", default=[], help="extra `specmock serve` option")
    args = parser.parse_args(argv)
    if args.body is None:
        args.body = CREATE_BODY if args.method == "POST" else ""
    if args.header is None:
        args.header = ["REB-APIKEY:bench"] + (["Content-Type:application/json"] if args.body else [])
    args.threads = 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    headers = dict(h.split(":", 1) for h in args.header)
    case: Case = {
        "name": "gc",
        "group": "gc",
        "server": "specmock",
        "command": "",
        "method": args.method,
        "path": args.path,
        "headers": headers,
        "expect": 201 if args.method == "POST" else 200,
        "ready_path": args.path,
        "ready_headers": {k: v for k, v in headers.items() if k.lower() != "content-type"},
    }
    if args.body:
        case["body"] = args.body
    with tempfile.TemporaryDirectory(prefix="specmock-gc-") as tmp:
        work = Path(tmp)
        log_file = work / "gc.json"
        port = free_port()
        command = [
            sys.executable, "-c", HOOK, "serve", str(ROOT / args.spec), "--host", "127.0.0.1",
            "--port", str(port), "--seed", "1", "--quiet", "--max-records", str(args.max_records),
            *args.serve_option,
        ]  # fmt: skip
        with (work / "server.log").open("wb") as sink:
            started = time.perf_counter()
            process = subprocess.Popen(
                command,
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env={**os.environ, "SPECMOCK_GC_LOG": str(log_file)},
                start_new_session=True,
            )
        server = Server(process, port, work / "server.log", started)
        try:
            wait_ready(server, case)
            began = time.monotonic()
            wrk = parse_wrk(run_wrk(case, port, wrk_script(case, work), args.duration, args))
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            stop_server(server)
        if not log_file.exists():
            print(f"no GC log: {server.log_tail()}", file=sys.stderr)
            return 1
        data = json.loads(log_file.read_text())
    log = [entry for entry in data["log"] if entry[0] >= began]
    print(
        f"{args.method} {args.path}: {wrk.rps:,.0f} req/s over {args.duration} s, {wrk.non_2xx} not 2xx/3xx"
    )
    print(f"wrk latency p50 {wrk.p50_ms} ms, p99 {wrk.p99_ms} ms")
    print(f"gc threshold {tuple(data['threshold'])}, frozen objects at exit {data['frozen']:,}")
    print("| generation | collections | total ms | longest ms | per second | objects collected |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for generation in (0, 1, 2):
        pauses = [entry[2] / 1e6 for entry in log if entry[1] == generation]
        collected = sum(entry[3] for entry in log if entry[1] == generation)
        total, longest = sum(pauses), max(pauses, default=0.0)
        print(
            f"| {generation} | {len(pauses):,} | {total:,.1f} | {longest:.1f} "
            f"| {len(pauses) / args.duration:.1f} | {collected:,} |"
        )
    full = [entry for entry in log if entry[1] == 2]
    if full:
        print("full passes (s after the load began: pause, objects in generation 2 after it, frozen):")
        for moment, _, took, _, tracked, frozen in full:
            print(f"  {moment - began:6.1f} s: {took / 1e6:7.1f} ms, {tracked:,} objects, {frozen:,} frozen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
