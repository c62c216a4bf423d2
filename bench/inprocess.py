"""What one request costs specmock's own code: the app called in-process, no server, no socket.

    python bench/inprocess.py                       # Rebilly create (the bench's rebilly-create request)
    python bench/inprocess.py --spec hellgate --method GET --path /authentications -H X-API-Key:k
    python bench/inprocess.py --profile cprofile    # or pyinstrument (if installed): where the time goes
    python bench/inprocess.py --instructions        # instructions per request (valgrind), ~1 minute
    python bench/inprocess.py --instructions --prefill 12000   # … once 12,000 creates were stored
    python bench/inprocess.py --spec hellgate --method GET --path /authentications --fresh-header traceparent
                                                    # a new value each request: never a repeat

The app is called through RSGI, as ``specmock serve`` (Granian) calls it; ``--interface asgi``
calls its ASGI side (in-process clients, ASGI servers). Sends the request N times (after a warm-up)
in B batches and prints the CPU time per request of the fastest and the median batch (CPU time, so
time stolen by other processes does not count; the fastest batch is the least disturbed one). This
is the number to compare before and after a change: on a shared machine wrk's req/s varies
several-fold between runs, this within ~10 %.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app_call import RsgiScope, call, call_rsgi, http_scope

from specmock.server import create_app

REBILLY_TOKENS = "/organizations/org_0YVDM8RC7GDADADSBSMW124JA8/authentication-tokens"
CREATE_BODY = '{"mode":"password","username":"a@b.co","password":"secret"}'
WARMUP = 200


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", default="rebilly", help="bundled API name or spec path (default rebilly)")
    parser.add_argument("--method", default="POST")
    parser.add_argument("--path", default=REBILLY_TOKENS, help="path and query as sent (with the base path)")
    parser.add_argument("--body", default=None, help=f"request body (default for the POST: {CREATE_BODY})")
    parser.add_argument("-H", "--header", action="append", default=[], help="Name:value (repeatable)")
    parser.add_argument("-n", "--requests", type=int, default=20_000, help="measured requests")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--prefill",
        type=int,
        default=0,
        help="requests sent before any measured one (with --instructions, in both counted runs): "
        "a long-running server's state, e.g. 12000 creates (past the 10,000 issued tokens kept)",
    )
    parser.add_argument(
        "--max-records",
        type=int,
        default=2_000_000,
        help="the store's bound, as in bench/run.py's create case (the default 10,000 would refuse "
        "creates once prefilled)",
    )
    parser.add_argument(
        "--fresh-header",
        metavar="NAME",
        default=None,
        help="send NAME with a new value on every request (a client's trace header): the request is "
        "never one answered before, so no repeat answers it",
    )
    parser.add_argument("--profile", choices=("cprofile", "pyinstrument"), default=None)
    parser.add_argument("--interface", choices=("rsgi", "asgi"), default="rsgi")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per request under valgrind's callgrind instead of timing",
    )
    parser.add_argument("--send-only", action="store_true", help=argparse.SUPPRESS)  # one counted run
    args = parser.parse_args(argv)
    if args.body is None:
        args.body = CREATE_BODY if args.method == "POST" and args.path == REBILLY_TOKENS else ""
    if not args.header and args.spec == "rebilly":
        args.header = ["REB-APIKEY:bench"]
    return args


def request_sender(app: Any, args: argparse.Namespace) -> Callable[[], Awaitable[int]]:
    """A coroutine function sending the request once and returning the status."""
    body = args.body.encode()
    headers = [("host", "127.0.0.1:8000")]
    for item in args.header:
        name, _, value = item.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    if body:
        headers += [("content-type", "application/json"), ("content-length", str(len(body)))]

    fresh = itertools.count()

    def fresh_headers() -> list[tuple[str, str]]:
        if args.fresh_header is None:
            return headers
        return [*headers, (args.fresh_header.lower(), f"00-{next(fresh):032x}-00f067aa0ba902b7-01")]

    if args.interface == "rsgi":

        async def send_rsgi() -> int:
            sent = await call_rsgi(app, RsgiScope(args.method, args.path, fresh_headers()), body)
            return sent.status

        return send_rsgi

    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]

    async def send_asgi() -> int:
        pairs = fresh_headers()
        encoded = raw if pairs is headers else [*raw, (pairs[-1][0].encode(), pairs[-1][1].encode())]
        sent = await call(app, http_scope(args.method, args.path, encoded), body)
        return int(sent[0]["status"])

    return send_asgi


async def measure(send_once: Callable[[], Awaitable[int]], requests: int, batches: int) -> list[float]:
    """CPU µs per request of each batch."""
    size = max(requests // batches, 1)
    out = []
    for _ in range(batches):
        started = time.process_time()
        for _ in range(size):
            await send_once()
        out.append((time.process_time() - started) / size * 1e6)
    return out


async def run(args: argparse.Namespace) -> int:
    app: Any = create_app(args.spec, seed=args.seed, max_records=args.max_records)
    send_once = request_sender(app, args)
    for _ in range(args.prefill):
        await send_once()
    status = await send_once()
    if args.send_only:
        for _ in range(WARMUP + args.requests):
            await send_once()
        return 0
    print(f"{args.method} {args.path} → {status} ({args.interface.upper()})")
    for _ in range(WARMUP):
        await send_once()
    profiler: Any = None
    if args.profile == "cprofile":
        profiler = cProfile.Profile()
        profiler.enable()
    elif args.profile == "pyinstrument":
        import pyinstrument

        profiler = pyinstrument.Profiler(interval=0.0002)
        profiler.start()
    costs = await measure(send_once, args.requests, args.batches)
    if args.profile == "cprofile":
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    elif args.profile == "pyinstrument":
        profiler.stop()
        print(profiler.output_text(unicode=True, show_all=False))
    print(
        f"CPU per request: fastest batch {min(costs):.1f} µs, median batch {statistics.median(costs):.1f} µs"
        f" ({args.requests:,} requests in {args.batches} batches"
        f"{', profiled: times inflated' if args.profile else ''})"
    )
    return 0 if status < 500 else 1


COLLECTED = re.compile(r"Collected\s*:\s*([0-9]+)")


def instructions(argv: list[str], requests: int) -> int:
    """Instructions per request: this script under callgrind with N and with 4N requests sent, the
    difference divided by 3N, so start-up and warm-up cancel out. Counts repeat to ~0.5 % whatever
    else the machine does (times here vary up to 2x), which makes them the figure for small changes."""
    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    passed = [a for a in argv if a != "--instructions"]
    counts = []
    for n in (requests, 4 * requests):
        command = [
            "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
            sys.executable, __file__, *passed, "--send-only", "-n", str(n),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        found = COLLECTED.search(done.stderr)
        if done.returncode != 0 or found is None:
            print(f"callgrind run failed: {done.stderr[-2000:]}", file=sys.stderr)
            return 1
        counts.append(int(found.group(1)))
    per_request = (counts[1] - counts[0]) / (3 * requests)
    print(f"instructions per request: {per_request:,.0f} (callgrind: {requests:,} vs {4 * requests:,} sent)")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.instructions:
        return instructions(argv, min(args.requests, 500))
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
