"""Connection scaling: does a new client still get a prompt answer while many connections are open?

    python bench/connections.py [--connections 1000] [--probes 200] [--seconds 20]
                                [--servers specmock,specmock-workers,prism-static]
                                [--variants idle,active] [--out bench/results/connections.md] [--smoke]

For each server and variant, the server is started on a free 127.0.0.1 port (as ``bench/run.py``
starts it, stopped by its process group) and ``--connections`` connections are held open:

- idle: each sends one request, reads its answer and then stays open doing nothing (the keep-alive
  connections browsers and HTTP client pools hold);
- active: wrk keeps them all busy, each sending its next request as soon as the last is answered.

Meanwhile an extra client makes ``--probes`` requests, each on a new connection (connect, request,
whole answer, close), one every 10 ms; the table gives their latency (p50, p99, max), how many got
no answer within 10 s, and for the idle variant how many held connections the server still kept
open at the end (specmock closes them after ``--idle-timeout``, 15 s by default; Prism (Node) after
5 s). The request is the Hellgate list (``GET /authentications`` with an API key), the same spec
for every server. Nothing here asserts a speed: ``tests/test_bench_script.py`` only checks that the
``--smoke`` run (50 connections, 10 probes, specmock only) completes.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from run import (
    HELLGATE,
    HG_KEY,
    PRISM_STATIC_CMD,
    SPECMOCK_CMD,
    Case,
    CaseError,
    WrkResult,
    _load_case,
    ensure_prism,
    environment,
    load_average,
    parse_wrk,
    rss_mb,
    start_server,
    stop_server,
    wait_ready,
    wrk_script,
)

PATH = "/authentications"
PROBE_TIMEOUT_S = 10.0
PROBE_GAP_S = 0.01
SERVERS = {
    "specmock": SPECMOCK_CMD,
    "specmock-workers": SPECMOCK_CMD + " --workers 2",
    "prism-static": PRISM_STATIC_CMD,
}
LABELS = {"specmock": "specmock", "specmock-workers": "specmock --workers 2", "prism-static": "Prism static"}
HEADER = (
    "| server | variant | held | still open | probes | p50 ms | p99 ms | max ms | no answer | RSS MiB | "
    "p99 vs Prism | held connections' load |"
)


@dataclass
class Result:
    server: str
    variant: str
    held: int
    still_open: int | None = None
    latencies_ms: list[float] | None = None
    failures: int = 0
    rss_mb: float = 0.0
    status: str = "ok"
    load: WrkResult | None = None  # active variant: what wrk's connections got meanwhile

    def percentile(self, share: float) -> float | None:
        values = sorted(self.latencies_ms or [])
        if not values:
            return None
        return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def case_for(server: str) -> Case:
    return _load_case("connections", server, SERVERS[server], HELLGATE, "GET", PATH, headers=HG_KEY)


def request_bytes(case: Case, close: bool) -> bytes:
    headers = "".join(f"{name}: {value}\r\n" for name, value in case["headers"].items())
    connection = "Connection: close\r\n" if close else ""
    return f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}{connection}\r\n".encode()


def read_answer(sock: socket.socket) -> int:
    """Read one response (Content-Length or chunked); its status."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the answer")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if "content-length" in fields:
        while len(body) < int(fields["content-length"]):
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed inside the answer")
            body += chunk
    elif fields.get("transfer-encoding") == "chunked":
        while not body.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed inside the answer")
            body += chunk
    return int(lines[0].split()[1])


@contextlib.contextmanager
def idle_connections(port: int, case: Case, count: int) -> Iterator[list[socket.socket]]:
    held: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT_S)
            held.append(sock)
            sock.sendall(request_bytes(case, close=False))
            status = read_answer(sock)
            if status != 200:
                raise CaseError(f"a held connection got {status}")
        yield held
    finally:
        for sock in held:
            sock.close()


def still_open(held: list[socket.socket]) -> int:
    """Held connections the server has not closed (no EOF waiting on them)."""
    count = 0
    for sock in held:
        sock.setblocking(False)
        try:
            count += sock.recv(1, socket.MSG_PEEK) != b""
        except BlockingIOError:
            count += 1
        except OSError:
            pass
    return count


@contextlib.contextmanager
def active_connections(
    port: int, case: Case, count: int, seconds: float, work: Path
) -> Iterator[list[WrkResult]]:
    """wrk keeping ``count`` connections busy (for at most ``seconds``); interrupted on the way out,
    its summary (what load the server actually carried) is appended to the yielded list."""
    script = wrk_script(case, work)
    threads = 2
    command = ["wrk", f"-t{threads}", f"-c{count}", f"-d{int(seconds)}s", "--latency", "-s", str(script)]
    process = subprocess.Popen(
        [*command, f"http://127.0.0.1:{port}{PATH}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    summary: list[WrkResult] = []
    try:
        time.sleep(2.0)  # let it open its connections
        yield summary
    finally:
        process.send_signal(signal.SIGINT)  # wrk stops and prints what it measured so far
        try:
            out, _ = process.communicate(timeout=15)
            summary.append(parse_wrk(out))
        except (subprocess.TimeoutExpired, CaseError):
            process.kill()
            process.wait(timeout=5)


def probe(port: int, case: Case, count: int) -> tuple[list[float], int]:
    """``count`` requests from a new client, each on its own connection; latencies and failures."""
    latencies, failures = [], 0
    for _ in range(count):
        started = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT_S) as sock:
                sock.sendall(request_bytes(case, close=True))
                if read_answer(sock) != 200:
                    failures += 1
                    continue
        except OSError:
            failures += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(PROBE_GAP_S)
    return latencies, failures


def measure(server_name: str, variant: str, options: argparse.Namespace, work: Path) -> Result:
    case = case_for(server_name)
    result = Result(LABELS[server_name], variant, options.connections)
    server = start_server(case, work)
    try:
        wait_ready(server, case)
        probe(server.port, case, 5)  # warm-up: first answers compile the operation
        if variant == "idle":
            with idle_connections(server.port, case, options.connections) as held:
                result.latencies_ms, result.failures = probe(server.port, case, options.probes)
                result.rss_mb = rss_mb(server.process.pid)
                result.still_open = still_open(held)
        else:
            seconds = max(options.seconds, options.probes * (PROBE_GAP_S + 0.05) + 30)
            with active_connections(server.port, case, options.connections, seconds, work) as load:
                result.latencies_ms, result.failures = probe(server.port, case, options.probes)
                result.rss_mb = rss_mb(server.process.pid)
            result.load = load[0] if load else None
    except (CaseError, OSError) as error:
        result.status = f"failed: {error}"
    finally:
        stop_server(server)
    return result


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _load(load: WrkResult | None) -> str:
    if load is None:
        return "idle"
    errors = f", socket errors {load.socket_errors}" if load.socket_errors else ""
    return f"{load.rps:,.0f} req/s, p99 {_fmt(load.p99_ms)} ms{errors}"


def report(results: list[Result], options: argparse.Namespace, prism_ok: bool, load_before: str) -> str:
    lines = [
        "# Connection scaling",
        "",
        f"`python bench/connections.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
        *environment(prism_ok, load_before),
        "",
        HEADER,
        "|" + " --- |" * (HEADER.count("|") - 1),
    ]
    for result in results:
        if result.status != "ok":
            lines.append(f"| {result.server} | {result.variant} | {result.held} | {result.status} |")
            continue
        prism = next(
            (r for r in results if r.server == LABELS["prism-static"] and r.variant == result.variant), None
        )
        p99, prism_p99 = result.percentile(0.99), prism.percentile(0.99) if prism else None
        ratio = f"{p99 / prism_p99:.2f}×" if p99 and prism_p99 and result is not prism else "—"
        lines.append(
            f"| {result.server} | {result.variant} | {result.held} | "
            f"{'—' if result.still_open is None else result.still_open} | "
            f"{len(result.latencies_ms or [])} | {_fmt(result.percentile(0.5))} | {_fmt(p99)} | "
            f"{_fmt(max(result.latencies_ms or [0.0]))} | {result.failures} | {_fmt(result.rss_mb, 0)} | "
            f"{ratio} | {_load(result.load)} |"
        )
    lines += [
        "",
        f"{options.probes} probes per row, each a new connection; a probe with no answer within "
        f'{PROBE_TIMEOUT_S:.0f} s counts under "no answer". "still open": held idle connections the '
        "server had not closed when the probes ended. p99 vs Prism: the p99 ratio to Prism static's "
        "in the same variant (lower is better).",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20, help="Least wrk duration (active variant).")
    parser.add_argument("--servers", default="specmock,specmock-workers,prism-static")
    parser.add_argument("--variants", default="idle,active")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "connections.md")
    parser.add_argument("--smoke", action="store_true", help="50 connections, 10 probes, specmock only.")
    options = parser.parse_args(argv)
    if options.smoke:
        options.connections, options.probes, options.seconds = 50, 10, 3
        options.servers = "specmock"
    return options


def _allow_open_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    load_before = load_average()
    _allow_open_files(options.connections * 2 + 256)
    servers = [s.strip() for s in options.servers.split(",") if s.strip()]
    variants = [v.strip() for v in options.variants.split(",") if v.strip()]
    unknown = set(servers) - set(SERVERS) or set(variants) - {"idle", "active"}
    if unknown:
        raise SystemExit(
            f"bench: unknown {sorted(unknown)}; servers: {sorted(SERVERS)}; variants: idle, active"
        )
    prism_ok = ensure_prism(options.smoke) if "prism-static" in servers else False
    results = []
    with tempfile.TemporaryDirectory(prefix="specmock-conn-") as directory:
        for variant in variants:
            for server in servers:
                if server.startswith("prism") and not prism_ok:
                    results.append(
                        Result(LABELS[server], variant, options.connections, status="skipped: no Prism")
                    )
                elif variant == "active" and shutil.which("wrk") is None:
                    results.append(
                        Result(LABELS[server], variant, options.connections, status="skipped: no wrk")
                    )
                else:
                    print(f"[bench] {server} {variant} …", file=sys.stderr)
                    results.append(measure(server, variant, options, Path(directory)))
    text = report(results, options, prism_ok, load_before)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(text)
    print(text, end="")
    return 1 if any(r.status.startswith("failed") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
