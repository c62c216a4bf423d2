"""What `specmock proxy` adds to a call: the same upstream called directly and through the proxy.

    python bench/proxy.py [--requests 2000] [--rounds 3] [--wrk-seconds 5] [--upstream-ms 0]
                          [--out bench/results/proxy.md]

The upstream is a bare Granian RSGI app in its own process (``--serve-upstream``: fixed answers, no
work), so the proxy's own cost is what shows; a real backend that spends milliseconds per request
makes the ratios smaller (``--upstream-ms N`` has the upstream wait N ms before each answer, as a
backend doing some work would). The proxy is ``specmock proxy tests/proxy/shop.yaml --upstream URL --quiet``,
also in its own process. Both listen on 127.0.0.1 on free ports and are stopped by their process group.

Cases (each request is checked by the proxy: parameters, status, headers, body schema):

- ``list``: GET /api/pets?limit=50, a 4.3 KB JSON array of 50 pets with X-Total-Count;
- ``create``: POST /api/pets with a JSON body (request body and security checked), 201 with the pet;
- ``download``: GET /api/export?size=8388608, 8 MiB of octet-stream, past the check limit: streamed;
- ``upload``: PUT /api/uploads/big.bin with 8 MiB of octet-stream (Content-Length): the proxy streams
  the body to the upstream as it arrives (nothing in it to check), the upstream reads it as it comes.

Memory: the proxy's peak RSS (VmHWM, reset through /proc/PID/clear_refs before each size) while it
relays ``--upload-rounds`` uploads of 8 MiB and of 64 MiB: a proxy holding the body would grow by the
body's size.

For each case and target, ``--rounds`` rounds (direct and proxy alternating) of ``--requests``
sequential requests on one keep-alive connection (http.client): median, p90 and p99 latency; the
ratio is proxy / direct of the medians. The CPU time (user + system, from /proc) each process spent
per ``list`` request is measured over those rounds: it varies less with the machine's load. With wrk
on the PATH, also ``--wrk-seconds`` of wrk with 16 connections per target (req/s and its latency
percentiles) for ``list``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from run import free_port  # bench/run.py

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "proxy" / "shop.yaml"
PETS = [{"id": i, "name": f"pet number {i}", "tag": "dog" if i % 2 else "cat"} for i in range(1, 51)]
LIST_BODY = json.dumps(PETS).encode()
CREATE_BODY = b'{"name": "Kit", "tag": "new"}'
DOWNLOAD = 8 << 20
CHUNK = 64 << 10
UPLOAD = 8 << 20
OCTETS = {"Content-Type": "application/octet-stream"}
CASES = {
    "list": ("GET", "/api/pets?limit=50", b"", {}),
    "create": ("POST", "/api/pets", CREATE_BODY, {"Content-Type": "application/json", "X-API-Key": "k"}),
    "download": ("GET", f"/api/export?size={DOWNLOAD}", b"", {}),
    "upload": ("PUT", "/api/uploads/big.bin", b"u" * UPLOAD, OCTETS),
}
LARGE = ("download", "upload")  # fewer requests: each moves 8 MiB


class Upstream:
    """Fixed answers; the export is streamed in 64 KiB chunks without Content-Length."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.path.startswith("/api/uploads/"):  # read as it arrives, counted, not kept
            size = 0
            async for chunk in protocol:
                size += len(chunk)
            answer = {"name": scope.path.rsplit("/", 1)[1], "size": size, "sha256": "not computed"}
            protocol.response_bytes(201, [("content-type", "application/json")], json.dumps(answer).encode())
            return
        body = await protocol()
        if self.delay:
            await asyncio.sleep(self.delay)
        path = scope.path
        if path == "/api/pets" and scope.method == "GET":
            headers = [("content-type", "application/json"), ("x-total-count", "50")]
            protocol.response_bytes(200, headers, LIST_BODY)
        elif path == "/api/pets":
            pet = {"id": 51, **json.loads(body)}
            protocol.response_bytes(201, [("content-type", "application/json")], json.dumps(pet).encode())
        elif path == "/api/export":
            transport = protocol.response_stream(200, [("content-type", "application/octet-stream")])
            block = b"x" * CHUNK
            for _ in range(DOWNLOAD // CHUNK):
                await transport.send_bytes(block)
        else:
            protocol.response_bytes(
                404, [("content-type", "application/json")], b'{"code":404,"message":"no"}'
            )


def serve_upstream(port: int, delay: float) -> None:
    from granian.constants import Interfaces
    from granian.server.embed import Server

    server = Server(
        Upstream(delay), address="127.0.0.1", port=port, interface=Interfaces.RSGI, log_enabled=False
    )
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, server.stop)
    loop.run_until_complete(server.serve())


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/pets")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{process.args} did not answer within {timeout} s")


@contextmanager
def started(command: list[str], port: int) -> Iterator[int]:
    """The process's pid, once it answers on ``port``."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_ready(port, process)
        yield process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def latencies(port: int, case: str, count: int) -> list[float]:
    """Seconds per request, first to last byte read, on one keep-alive connection."""
    method, path, body, headers = CASES[case]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    for _ in range(count):
        started_at = time.perf_counter()
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        while response.read(1 << 20):
            pass
        out.append(time.perf_counter() - started_at)
        if response.status >= 300:
            raise RuntimeError(f"{case}: {response.status} from port {port}")
    connection.close()
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kib(pid: int, field: str) -> int:
    """A memory figure of a process from /proc/PID/status (VmRSS, VmHWM), in KiB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, flags=re.MULTILINE).group(1))  # type: ignore[union-attr]


def upload_peak_kib(pid: int, port: int, size: int, rounds: int) -> int:
    """The proxy's peak RSS over ``rounds`` uploads of ``size`` bytes (the peak reset first)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
    body = b"u" * size
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(rounds):
        connection.request("PUT", "/api/uploads/big.bin", body=body, headers=OCTETS)
        response = connection.getresponse()
        response.read()
        if response.status != 201:
            raise RuntimeError(f"upload of {size} bytes: {response.status}")
    connection.close()
    return status_kib(pid, "VmHWM")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def wrk(port: int, seconds: int) -> tuple[float, str, str]:
    """req/s, p50 and p99 of wrk -c16 on the list case."""
    url = f"http://127.0.0.1:{port}{CASES['list'][1]}"
    output = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--requests", type=int, default=2000, help="sequential requests per case, target, round"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wrk-seconds", type=int, default=5, help="0: no wrk run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "proxy.md")
    parser.add_argument("--upstream-ms", type=float, default=0.0, help="the upstream's own time per answer")
    parser.add_argument("--upload-rounds", type=int, default=5, help="uploads per size for peak RSS")
    parser.add_argument("--serve-upstream", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_upstream is not None:
        serve_upstream(args.serve_upstream, args.upstream_ms / 1000)
        return
    specmock = Path(sys.executable).parent / "specmock"
    upstream_port, proxy_port = free_port(), free_port()
    upstream_cmd = [sys.executable, __file__, "--serve-upstream", str(upstream_port)]
    upstream_cmd += ["--upstream-ms", str(args.upstream_ms)]
    proxy_cmd = [
        str(specmock), "proxy", str(SPEC), "--upstream", f"http://127.0.0.1:{upstream_port}",
        "--port", str(proxy_port), "--quiet", "--max-body", "128MiB",
    ]  # fmt: skip
    samples: dict[tuple[str, str], list[float]] = {}
    rates: dict[str, tuple[float, str, str]] = {}
    cpu: dict[str, float] = {"upstream": 0.0, "proxy": 0.0}
    counted = 0
    memory: dict[int, int] = {}
    with started(upstream_cmd, upstream_port) as upstream_pid, started(proxy_cmd, proxy_port) as proxy_pid:
        targets = {"direct": upstream_port, "proxy": proxy_port}
        for case in CASES:
            count = args.requests if case not in LARGE else max(20, args.requests // 50)
            for port in targets.values():
                latencies(port, case, max(10, count // 10))  # warm-up: connections, first compiles
            for _ in range(args.rounds):
                for name, port in targets.items():
                    before = cpu_seconds(upstream_pid), cpu_seconds(proxy_pid)
                    samples.setdefault((case, name), []).extend(latencies(port, case, count))
                    if case == "list" and name == "proxy":
                        cpu["upstream"] += cpu_seconds(upstream_pid) - before[0]
                        cpu["proxy"] += cpu_seconds(proxy_pid) - before[1]
                        counted += count
        resting = status_kib(proxy_pid, "VmRSS")
        for size in (8 << 20, 64 << 20):
            memory[size] = upload_peak_kib(proxy_pid, proxy_port, size, args.upload_rounds)
        if args.wrk_seconds and shutil.which("wrk"):
            for name, port in targets.items():
                wrk(port, 1)
                rates[name] = wrk(port, args.wrk_seconds)
    lines = [
        "# specmock proxy vs a direct call (same upstream, one run)",
        "",
        f"`{' '.join(['python', 'bench/proxy.py', *sys.argv[1:]])}` at "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}",
        "",
        "| case | direct p50 | proxy p50 | ratio p50 | direct p90 | proxy p90 | direct p99 | proxy p99 "
        "| added p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case in CASES:
        direct, proxied = samples[(case, "direct")], samples[(case, "proxy")]
        d50, p50 = statistics.median(direct), statistics.median(proxied)
        lines.append(
            f"| {case} | {d50 * 1e3:.3f} ms | {p50 * 1e3:.3f} ms | {p50 / d50:.2f}x "
            f"| {percentile(direct, 0.9) * 1e3:.3f} ms | {percentile(proxied, 0.9) * 1e3:.3f} ms "
            f"| {percentile(direct, 0.99) * 1e3:.3f} ms | {percentile(proxied, 0.99) * 1e3:.3f} ms "
            f"| {(p50 - d50) * 1e3:.3f} ms |"
        )
    lines += [
        "",
        f"CPU per proxied `list` request: proxy process {cpu['proxy'] / counted * 1e3:.3f} ms, "
        f"upstream process {cpu['upstream'] / counted * 1e3:.3f} ms "
        f"(upstream answers after {args.upstream_ms:g} ms).",
    ]
    lines += [
        "",
        f"Proxy peak RSS while relaying {args.upload_rounds} uploads (streamed; {resting / 1024:.1f} MiB "
        "resident before):",
        "",
        "| upload | proxy peak RSS |",
        "| ---: | ---: |",
    ]
    lines += [f"| {size >> 20} MiB | {kib / 1024:.1f} MiB |" for size, kib in memory.items()]
    if rates:
        lines += [
            "",
            "wrk -t1 -c16, list case:",
            "",
            "| target | req/s | p50 | p99 |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [f"| {name} | {rate:,.0f} | {p50} | {p99} |" for name, (rate, p50, p99) in rates.items()]
        lines.append(f"\nproxy / direct throughput: {rates['proxy'][0] / rates['direct'][0]:.2f}")
    report = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
