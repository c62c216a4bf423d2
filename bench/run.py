"""Benchmark specmock against Prism and a bare-Starlette ceiling with wrk.

    python bench/run.py [--duration 10] [--runs 5] [--connections 50] [--threads 1]
                        [--cases hellgate-list,...] [--out bench/results/latest.md] [--smoke]

A case is one server command plus one request (see CASES). Every run starts each selected case's
server on a free 127.0.0.1 port, waits for the first 200 on its readiness URL (the start-up time),
checks the status of the benchmarked request, warms up, measures with wrk, reads the resident memory
of the server's process tree, and stops the server by its process group. Cases alternate run by run
(A B A B ...); the report gives medians. See BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import gzip
import http.client
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, NotRequired, TypedDict, cast

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PRISM_DIR = BENCH / ".prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5"
HELLGATE = "specs/hellgate/openapi.yaml"
REBILLY = "specs/rebilly/openapi.yaml"
# The upstream document, vendored for the tests (gzip: unpacked into the run's scratch folder).
REBILLY_FULL = "tests/corpus/reference/rebilly/openapi.json.gz"
# specmock mounts an API at the path of servers[0]; Prism ignores servers and serves paths at /.
REBILLY_BASE = "/organizations/org_0YVDM8RC7GDADADSBSMW124JA8"
CREATE_BODY = '{"mode":"password","username":"a@b.co","password":"secret"}'
JSON = {"Content-Type": "application/json"}
ANSWER_GRACE_S = 5.0  # once a server answers, it has this long to answer 200 on its readiness URL

SPECMOCK_CMD = "{specmock} serve {spec} --host 127.0.0.1 --port {port} --seed 1 --quiet"
# "Logging off": -v silent (--verboseLevel). Prism's default "info" level logs every request.
PRISM_STATIC_CMD = "{prism} mock -h 127.0.0.1 -p {port} --errors false -v silent {spec}"
PRISM_DYNAMIC_CMD = "{prism} mock -h 127.0.0.1 -p {port} --errors false -v silent -d --seed 1 {spec}"
CEILING_CMD = "{python} {bench}/ceiling_app.py --port {port}"
GRANIAN_CMD = CEILING_CMD + " --server granian"
# Creates must succeed for the whole run: the default bound (10,000 records per collection) fills
# within a second of the warm-up, and every later create is a 507 refusal.
CREATE_MAX_RECORDS = 2_000_000

SERVER_LABELS = {
    "specmock": "specmock",
    "prism-static": "Prism static",
    "prism-dynamic": "Prism dynamic",
    "ceiling": "Starlette ceiling",
    "granian": "Granian ceiling",
    "granian-body": "Granian ceiling, body read",
}
REPLAY_LABELS = {
    "ceiling": "Starlette, same answer",
    "granian": "Granian, same answer",
    "granian-body": "Granian, same answer, body read",
}


class Case(TypedDict):
    """One benchmark: a server command template and the request sent to it."""

    name: str  # unique; ``--cases`` matches it, its group or its server
    group: str  # the workload; servers in one group are compared with each other
    server: str  # a key of SERVER_LABELS
    command: str  # template: {python} {specmock} {prism} {bench} {spec} {port}
    spec: NotRequired[str]  # relative to the repository root, or absolute
    method: str
    path: str
    headers: dict[str, str]
    body: NotRequired[str]
    expect: int  # status the benchmarked request must get
    ready_path: str  # first 200 on GET ready_path (with ready_headers) = ready
    ready_headers: dict[str, str]
    startup_only: NotRequired[bool]  # no load: measure time to ready and RSS at ready
    env: NotRequired[dict[str, str]]  # added to the server's environment
    label: NotRequired[str]  # the server column, when not the server's own label
    ready_timeout: NotRequired[float]


def _load_case(
    group: str, server: str, command: str, spec: str, method: str, path: str, **extra: Any
) -> Case:
    headers: dict[str, str] = extra.pop("headers", {})
    case: dict[str, Any] = {
        "name": extra.pop("name", f"{group}/{server}"),
        "group": group,
        "server": server,
        "command": command,
        "spec": spec,
        "method": method,
        "path": path,
        "headers": headers,
        "expect": extra.pop("expect", 200),
        "ready_path": extra.pop("ready_path", path),
        "ready_headers": extra.pop("ready_headers", headers),
        **extra,
    }
    return cast(Case, case)


def _group(
    group: str, servers: dict[str, str], spec: str, method: str, paths: dict[str, str], **kw: Any
) -> list[Case]:
    """The same request against several servers (``paths`` per server, or ``"*"`` for all), and the
    group's own ceilings: bare Starlette and bare Granian replaying specmock's answer to that request
    (``ceilings``: which of the two, and extra options for their command)."""
    ceilings: dict[str, str] = kw.pop("ceilings", {"ceiling": CEILING_CMD, "granian": GRANIAN_CMD})
    cases = [
        _load_case(group, server, command, spec, method, paths.get(server, paths["*"]), **kw)
        for server, command in servers.items()
    ]
    if not kw.get("startup_only"):
        specmock = next(c for c in cases if c["server"] == "specmock")
        cases += [_replay_ceiling(specmock, server, command) for server, command in ceilings.items()]
    return cases


def _replay_ceiling(like: Case, server: str, base: str) -> Case:
    def arg(text: str) -> str:  # command templates go through str.format
        return shlex.quote(text).replace("{", "{{").replace("}", "}}")

    command = base + f" --replay {{spec}} --method {like['method']} --path {arg(like['path'])}"
    command += "".join(f" --header {arg(f'{k}:{v}')}" for k, v in like["headers"].items())
    if "body" in like:
        command += f" --data {arg(like['body'])}"
    return _load_case(
        like["group"],
        server,
        command,
        like["spec"],
        like["method"],
        like["path"],
        headers=like["headers"],
        **({"body": like["body"]} if "body" in like else {}),
        expect=like["expect"],
        ready_path="/__ceiling/ready",
        ready_headers={},
    )


def _store_group(group: str, spec: str, method: str, path: str, **kw: Any) -> list[Case]:
    """One request to specmock in-memory, on Redis (``{store}``), and on Redis with two workers; and
    in-memory on two workers, each with its own state: how far two processes scale on this machine
    when they share nothing, the bound for what sharing the state can reach."""
    memory = SPECMOCK_CMD + " --max-records {max_records}"
    shared = memory + " --store {store}"
    layouts = [
        ("memory", memory, "specmock, in-memory"),
        ("redis", shared, "specmock, Redis store"),
        ("redis-2w", shared + " --workers 2", "specmock, Redis store"),
        ("memory-2w", memory + " --workers 2", "specmock, in-memory (own state per worker)"),
    ]
    return [
        _load_case(group, "specmock", command, spec, method, path, name=f"{group}/{name}", label=label, **kw)
        for name, command, label in layouts
    ]


ALL_SERVERS = {"specmock": SPECMOCK_CMD, "prism-static": PRISM_STATIC_CMD, "prism-dynamic": PRISM_DYNAMIC_CMD}
STATIC_ONLY = {"specmock": SPECMOCK_CMD, "prism-static": PRISM_STATIC_CMD}
HG_KEY = {"X-API-Key": "bench"}
REB_KEY = {"REB-APIKEY": "bench"}

CASES: list[Case] = [
    *_group("hellgate-list", ALL_SERVERS, HELLGATE, "GET", {"*": "/authentications"}, headers=HG_KEY),
    *_group(
        "rebilly-list",
        ALL_SERVERS,
        REBILLY,
        "GET",
        {"*": "/authentication-tokens", "specmock": f"{REBILLY_BASE}/authentication-tokens"},
        headers=REB_KEY,
    ),
    *_group(
        "hellgate-401",
        STATIC_ONLY,
        HELLGATE,
        "GET",
        {"*": "/authentications"},
        expect=401,
        ready_headers=HG_KEY,
    ),
    *_group(
        "rebilly-create",
        {**ALL_SERVERS, "specmock": SPECMOCK_CMD + " --max-records {max_records}"},
        REBILLY,
        "POST",
        {"*": "/authentication-tokens", "specmock": f"{REBILLY_BASE}/authentication-tokens"},
        headers={**REB_KEY, **JSON},
        body=CREATE_BODY,
        expect=201,
        ready_headers=REB_KEY,
        # and the Granian ceiling that awaits the request's body before answering: what reading a
        # body costs on this stack, the one part of a create's work no server can skip
        ceilings={
            "ceiling": CEILING_CMD,
            "granian": GRANIAN_CMD,
            "granian-body": GRANIAN_CMD + " --read-body",
        },
    ),
    # Reads on two worker processes (each with its own state: stateless load only) against the Granian
    # ceiling on two workers; the one-worker figures are hellgate-list's.
    *_group(
        "hellgate-list-2w",
        {"specmock": SPECMOCK_CMD + " --workers 2"},
        HELLGATE,
        "GET",
        {"*": "/authentications"},
        headers=HG_KEY,
        ceilings={"granian": GRANIAN_CMD + " --workers 2"},
    ),
    # The shared store (--store redis://, issue 16): the create and the cached read on one and two
    # workers with their records in Redis, beside in-memory, in the same run (see store_ratios).
    *_store_group(
        "store-create",
        REBILLY,
        "POST",
        f"{REBILLY_BASE}/authentication-tokens",
        headers={**REB_KEY, **JSON},
        body=CREATE_BODY,
        expect=201,
        ready_headers=REB_KEY,
    ),
    *_store_group("store-read", HELLGATE, "GET", "/authentications", headers=HG_KEY),
    _load_case(
        "starlette-ceiling",
        "ceiling",
        CEILING_CMD,
        "",
        "GET",
        "/authentications",
        headers=HG_KEY,
        name="starlette-ceiling",
    ),
    # Start-up on the full 3.6 MB Rebilly document (613 operations). Its servers[0] has the literal
    # "{organizationId}" as default, so specmock is mounted at / to use the same URL as Prism.
    *_group(
        "rebilly-full-startup",
        {"specmock": SPECMOCK_CMD + " --base-path /", "prism-static": PRISM_STATIC_CMD},
        REBILLY_FULL,
        "GET",
        {"*": "/authentication-tokens"},
        headers=REB_KEY,
        startup_only=True,
        ready_timeout=180.0,
    ),
]


# --------------------------------------------------------------------------- results


@dataclass
class RunResult:
    ready_s: float
    rss_mb: float
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    body_bytes: float | None = None  # size of the benchmarked response body
    problems: str = ""  # socket errors and unexpected statuses seen by wrk
    rss_samples: list[tuple[float, float]] = field(default_factory=list)  # (s into the load, MiB)


@dataclass
class CaseResult:
    case: Case
    runs: list[RunResult] = field(default_factory=list)
    status: str = "ok"  # ok | failed: ... | skipped: ... | not run
    notes: list[str] = field(default_factory=list)

    def median(self, attribute: str) -> float | None:
        values = [getattr(r, attribute) for r in self.runs if getattr(r, attribute) is not None]
        return statistics.median(values) if values else None


class CaseError(Exception):
    """The case cannot be measured (server did not start, wrong status, wrk failed)."""


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def specmock_command() -> Path:
    """The console script of the environment running the bench (next to sys.executable)."""
    return Path(sys.executable).parent / "specmock"


def resolve_spec(spec: str) -> str:
    if not spec:
        return ""
    path = Path(spec)
    path = path if path.is_absolute() else ROOT / path
    return str(_unpacked(path) if path.suffix == ".gz" and path.exists() else path)


@functools.cache
def _unpacked(packed: Path) -> Path:
    """A .gz document unpacked once per run (same file name without .gz, in a temporary folder)."""
    folder = Path(tempfile.mkdtemp(prefix="specmock-bench-spec-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    target = folder / packed.parent.name / packed.stem
    target.parent.mkdir()
    target.write_bytes(gzip.decompress(packed.read_bytes()))
    return target


class BenchRedis:
    """The redis-server the ``--store`` cases share: started on first use on a free 127.0.0.1 port,
    no persistence, stopped by its pid at exit; emptied before each server start (every run starts
    from the seeded records, as an in-memory server does)."""

    process: subprocess.Popen[bytes] | None = None
    port = 0

    @classmethod
    def fresh_url(cls) -> str:
        import redis

        if cls.process is None:
            binary = shutil.which("redis-server")
            if binary is None:
                raise CaseError("redis-server is not installed (apt-get install redis-server)")
            cls.port = free_port()
            command = [binary, "--port", str(cls.port), "--bind", "127.0.0.1", "--save", ""]
            cls.process = subprocess.Popen(
                [*command, "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            atexit.register(cls.stop)
        deadline = time.monotonic() + 10
        while True:
            try:
                with redis.Redis(host="127.0.0.1", port=cls.port, socket_connect_timeout=0.5) as client:
                    client.flushdb()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise CaseError("redis-server did not start") from None
                time.sleep(0.05)
        return f"redis://127.0.0.1:{cls.port}/0"

    @classmethod
    def stop(cls) -> None:
        if cls.process is not None and cls.process.poll() is None:
            cls.process.terminate()
            cls.process.wait(timeout=10)
        cls.process = None


def build_command(case: Case, port: int, max_records: int = CREATE_MAX_RECORDS) -> list[str]:
    values = {
        "python": sys.executable,
        "specmock": str(specmock_command()),
        "prism": str(PRISM_BIN),
        "bench": str(BENCH),
        "spec": resolve_spec(case.get("spec", "")),
        "port": str(port),
        "max_records": str(max_records),
        "store": BenchRedis.fresh_url() if "{store}" in case["command"] else "",
    }
    return [part.format(**values) for part in shlex.split(case["command"])]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    started: float

    def log_tail(self, lines: int = 4) -> str:
        try:
            text = self.log.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " ⏎ ".join(line.strip() for line in text[-lines:])


def start_server(case: Case, log_dir: Path, max_records: int = CREATE_MAX_RECORDS) -> Server:
    port = free_port()
    log = log_dir / f"{case['name'].replace('/', '_')}-{port}.log"
    with log.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            build_command(case, port, max_records),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **case.get("env", {})},
            start_new_session=True,  # its own process group: stopped with killpg(pid)
        )
    return Server(process, port, log, started)


def stop_server(server: Server) -> None:
    """Stop the process group we started (its leader is our child), TERM then KILL."""
    if server.process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=5)


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: str | None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(server: Server, case: Case) -> float:
    """Seconds from process start to the first 200 on the readiness URL."""
    deadline = server.started + case.get("ready_timeout", 60.0)
    last = "no answer"
    while time.perf_counter() < deadline:
        if last != "no answer" and deadline - time.perf_counter() > ANSWER_GRACE_S:
            deadline = time.perf_counter() + ANSWER_GRACE_S  # it answers, but not 200: do not wait long
        if server.process.poll() is not None:
            raise CaseError(
                f"server exited with {server.process.returncode} before ready: {server.log_tail()}"
            )
        try:
            status, body = request(server.port, "GET", case["ready_path"], case["ready_headers"], None)
        except OSError:
            time.sleep(0.02)
            continue
        if status == 200:
            return time.perf_counter() - server.started
        last = f"{status} {body[:120]!r}"
        time.sleep(0.05)
    waited = time.perf_counter() - server.started
    raise CaseError(f"no 200 on GET {case['ready_path']} after {waited:.0f} s (last answer: {last})")


def check_status(server: Server, case: Case) -> int:
    """Send the benchmarked request once; it must get the expected status. Returns the body size."""
    status, body = request(server.port, case["method"], case["path"], case["headers"], case.get("body"))
    if status != case["expect"]:
        raise CaseError(
            f"{case['method']} {case['path']} answered {status}, expected {case['expect']}: {body[:160]!r}"
        )
    return len(body)


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_mb(root: int) -> float:
    """Resident memory (VmRSS) of ``root`` and its descendants, in MiB."""
    total_kb = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


# --------------------------------------------------------------------------- wrk


def lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def wrk_script(case: Case, directory: Path) -> Path:
    """A wrk Lua script setting the case's method, headers and body."""
    lines = [f"wrk.method = {lua_string(case['method'])}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in case["headers"].items()]
    if "body" in case:
        lines.append(f"wrk.body = {lua_string(case['body'])}")
    script = directory / f"{case['name'].replace('/', '_')}.lua"
    script.write_text("\n".join(lines) + "\n")
    return script


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(text: str, percentile: str) -> float | None:
    match = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
    return float(match.group(1)) * _UNITS_MS[match.group(2)] if match else None


@dataclass
class WrkResult:
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    socket_errors: str  # wrk's "connect 0, read 0, write 0, timeout 3", or "" when there were none
    non_2xx: int


def parse_wrk(text: str) -> WrkResult:
    """req/s, p50 and p99 latency, request count and errors from ``wrk --latency`` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.MULTILINE)
    if not rps:
        raise CaseError(f"cannot parse wrk output: {text[-300:]!r}")
    requests = re.search(r"^\s*(\d+) requests in", text, re.MULTILINE)
    socket_errors = re.search(r"Socket errors: (connect \d+, read \d+, write \d+, timeout \d+)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=_latency_ms(text, "50"),
        p99_ms=_latency_ms(text, "99"),
        requests=int(requests.group(1)) if requests else 0,
        socket_errors=socket_errors.group(1) if socket_errors else "",
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def problems(case: Case, wrk: WrkResult) -> str:
    """What went wrong under load: socket errors, and error statuses where a success was expected."""
    found = [f"socket errors ({wrk.socket_errors})"] if wrk.socket_errors else []
    if case["expect"] < 400 and wrk.non_2xx:
        found.append(f"{wrk.non_2xx} of {wrk.requests} responses not 2xx/3xx")
    return "; ".join(found)


def run_wrk(case: Case, port: int, script: Path, seconds: int, options: argparse.Namespace) -> str:
    command = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{case['path']}",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    except subprocess.TimeoutExpired as error:
        raise CaseError(f"wrk did not finish in {seconds + 60} s") from error
    if done.returncode != 0:
        raise CaseError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return done.stdout


# --------------------------------------------------------------------------- one run


def measure(case: Case, server: Server, work: Path, options: argparse.Namespace) -> RunResult:
    ready = wait_ready(server, case)
    if case.get("startup_only"):
        return RunResult(ready_s=ready, rss_mb=rss_mb(server.process.pid))
    body_bytes = check_status(server, case)
    script = wrk_script(case, work)
    if options.warmup > 0:
        run_wrk(case, server.port, script, options.warmup, options)
    with RssSampler(server.process.pid, options.rss_every) as sampler:
        wrk = parse_wrk(run_wrk(case, server.port, script, options.duration, options))
    memory = rss_mb(server.process.pid)
    return RunResult(
        ready, memory, wrk.rps, wrk.p50_ms, wrk.p99_ms, body_bytes, problems(case, wrk), sampler.samples
    )


class RssSampler:
    """The server's resident memory every ``every`` seconds while the load runs (0: not sampled)."""

    def __init__(self, pid: int, every: float) -> None:
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> RssSampler:
        if self.every > 0:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        started = time.monotonic()
        while True:
            self.samples.append((time.monotonic() - started, rss_mb(self.pid)))
            if self._stop.wait(self.every):
                return


def run_once(case: Case, work: Path, options: argparse.Namespace) -> RunResult:
    server = start_server(case, work, options.max_records)
    try:
        return measure(case, server, work, options)
    finally:
        stop_server(server)


def skip_reason(case: Case, prism_ok: bool) -> str | None:
    if case["server"] == "specmock" and not specmock_command().exists():
        return f"skipped: `specmock` command not found at {specmock_command()}"
    if case["server"].startswith("prism") and not prism_ok:
        return "skipped: Prism is not installed (npm install failed)"
    spec = resolve_spec(case.get("spec", ""))
    if spec and not Path(spec).exists():
        return f"skipped: spec {spec} does not exist"
    return None


def with_baseline(cases: list[Case], source: Path | None) -> list[Case]:
    """``--baseline SRC``: each specmock case twice, the second importing specmock from SRC (another
    checkout's ``src``), run right after it in every round: a before/after in one alternating run."""
    if source is None:
        return cases
    out = []
    for case in cases:
        out.append(case)
        if case["server"] == "specmock":
            env = {"PYTHONPATH": str(source.resolve())}
            out.append(
                cast(
                    Case,
                    {**case, "name": case["name"] + "-baseline", "env": env, "label": "specmock, baseline"},
                )
            )
    return out


def run_all(cases: list[Case], options: argparse.Namespace, prism_ok: bool) -> list[CaseResult]:
    """Every case once per run, in the same order each run (A B A B ...)."""
    groups = {case["group"] for case in cases}
    # selected, and the rest of their groups
    shown = [case for case in with_baseline(CASES, options.baseline) if case["group"] in groups]
    cases = with_baseline(cases, options.baseline)
    results = [
        CaseResult(case) if case in cases else CaseResult(case, status="not selected") for case in shown
    ]
    for result in results:
        if result.status != "ok":
            continue
        reason = skip_reason(result.case, prism_ok)
        if reason:
            result.status = reason
            print(f"[bench] {result.case['name']}: {reason}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="specmock-bench-") as tmp:
        for run in range(1, options.runs + 1):
            for result in results:
                if result.status != "ok":
                    continue
                _run_case(result, run, Path(tmp), options)
    return results


def _run_case(result: CaseResult, run: int, work: Path, options: argparse.Namespace) -> None:
    name = result.case["name"]
    try:
        outcome = run_once(result.case, work, options)
    except CaseError as error:
        result.status = f"failed: {error}"
        print(f"[bench] run {run} {name}: FAILED {error}", file=sys.stderr)
        return
    result.runs.append(outcome)
    if outcome.problems:
        result.notes.append(f"run {run}: {outcome.problems}")
    rate = f"{outcome.rps:,.0f} req/s, " if outcome.rps is not None else ""
    print(
        f"[bench] run {run} {name}: {rate}ready {outcome.ready_s:.2f} s, {outcome.rss_mb:.0f} MiB",
        file=sys.stderr,
    )


# --------------------------------------------------------------------------- Prism


def ensure_prism(smoke: bool) -> bool:
    """Install Prism into bench/.prism when missing. In --smoke mode a failed install is a skip."""
    if PRISM_BIN.exists():
        return True
    npm = shutil.which("npm")
    command = [npm or "npm", "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund", PRISM_PACKAGE]
    print(f"[bench] installing Prism: {shlex.join(command)}", file=sys.stderr)
    try:
        done = (
            subprocess.run(command, capture_output=True, text=True, timeout=600, check=False) if npm else None
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is not None and done.returncode == 0 and PRISM_BIN.exists():
        return True
    detail = done.stderr.strip()[-500:] if done is not None else "npm missing or timed out"
    if smoke:
        print(f"[bench] Prism install failed, Prism cases skipped: {detail}", file=sys.stderr)
        return False
    raise SystemExit(f"bench: Prism install failed: {detail}")


# --------------------------------------------------------------------------- report


def _version_of(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "not available"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def interpreter() -> str:
    """The Python running the bench and every server it starts, and whether its ``libpython`` is a
    shared library: the interpreter's build sets how fast specmock's own Python runs (a create costs
    ~20 % less server CPU on Debian's PGO + LTO python3.11, libpython linked in, than on a plain
    ``--enable-shared`` build: BENCHMARKS, issue 20), while the ceilings' work is mostly Rust."""
    with contextlib.suppress(OSError):
        maps = Path("/proc/self/maps").read_text()
        linked = "shared libpython" if re.search(r"/libpython[0-9.]*\.so", maps) else "libpython linked in"
        return f"{Path(sys.executable).resolve()}, {linked}"
    return str(Path(sys.executable).resolve())


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "unknown"


def environment(prism_ok: bool, load_before: str) -> list[str]:
    prism = _version_of([str(PRISM_BIN), "--version"]) if prism_ok and PRISM_BIN.exists() else "not installed"
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {_cpu_model()}, "
        f"Linux {platform.release()}",
        f"- Python {platform.python_version()} ({interpreter()}); specmock {_package_version('specmock')} on "
        f"granian {_package_version('granian')}; the ceilings: "
        f"uvicorn {_package_version('uvicorn')}, starlette {_package_version('starlette')}, "
        f"uvloop {_package_version('uvloop')}, httptools {_package_version('httptools')}",
        f"- Prism {prism} (Node {_version_of(['node', '--version'])}); {_version_of(['wrk', '-v'])}",
        f"- Load average (1, 5, 15 min) before: {load_before}; after: {load_average()}",
    ]


def _fmt(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _ratio(value: float | None, reference: float | None) -> str:
    return "—" if value is None or not reference else f"{value / reference:.2f}×"


def _reference(results: list[CaseResult], group: str | None, server: str) -> CaseResult | None:
    for result in results:
        same_group = group is None or result.case["group"] == group
        if same_group and result.case["server"] == server and result.runs:
            return result
    return None


def _ratios(result: CaseResult, results: list[CaseResult]) -> list[str]:
    """This row against Prism static and dynamic of its group and the ceiling (req/s, or ready time)."""
    metric = "ready_s" if result.case.get("startup_only") else "rps"
    cells = []
    for group, server in ((result.case["group"], "prism-static"), (result.case["group"], "prism-dynamic")):
        reference = _reference(results, group, server)
        same = reference is result
        cells.append(
            "—" if reference is None or same else _ratio(result.median(metric), reference.median(metric))
        )
    # The group's replaying Starlette ceiling (the same answer) when it ran, else the fixed-page one.
    ceiling = _reference(results, result.case["group"], "ceiling") or _reference(
        results, "starlette-ceiling", "ceiling"
    )
    usable = ceiling is not None and ceiling is not result and metric == "rps"
    cells.append(_ratio(result.median("rps"), ceiling.median("rps")) if usable and ceiling else "—")
    granian = _reference(results, result.case["group"], "granian")
    if granian is None or granian is result or metric != "rps":
        return [*cells, "—", "—"]
    return [
        *cells,
        _ratio(result.median("rps"), granian.median("rps")),
        _ratio(result.median("p99_ms"), granian.median("p99_ms")),
    ]


def _short(status: str) -> str:
    """The table cell for a case without measurements (the full reason goes to the notes)."""
    if status.startswith("failed"):
        return "failed (see notes)"
    return status.replace("|", "/")


def _row(result: CaseResult, results: list[CaseResult]) -> str:
    case = result.case
    label = case.get("label") or (
        REPLAY_LABELS[case["server"]] if "--replay" in case["command"] else SERVER_LABELS[case["server"]]
    )
    workers = re.search(r"--workers (\d+)", case["command"])
    label += f", {workers.group(1)} workers" if workers else ""
    request_line = f"{case['method']} {case['path']}" + (
        f" → {case['expect']}" if case["expect"] != 200 else ""
    )
    if case.get("startup_only"):
        request_line = f"start-up, ready = 200 on {case['ready_path']}"
    if not result.runs:
        return (
            f"| {case['group']} | {label} | {request_line} | | {_short(result.status)} | | | | | | | | | | |"
        )
    runs = ", ".join(
        _fmt(r.rps if r.rps is not None else r.ready_s, 0 if r.rps is not None else 2) for r in result.runs
    )
    cells = [
        case["group"],
        label,
        request_line,
        _fmt(result.median("body_bytes")),
        _fmt(result.median("rps")),
        _fmt(result.median("p50_ms"), 1),
        _fmt(result.median("p99_ms"), 1),
        _fmt(result.median("ready_s"), 2),
        _fmt(result.median("rss_mb")),
        *_ratios(result, results),
        runs,
    ]
    return "| " + " | ".join(cells) + " |"


STORE_TARGETS = [  # (what, group, case, reference case, target)
    ("create: Redis, 1 worker ÷ in-memory", "store-create", "redis", "memory", "≥ 0.50"),
    ("create: Redis, 2 workers ÷ Redis, 1 worker", "store-create", "redis-2w", "redis", "≥ 1.30"),
    # the bound: two workers that share nothing (each its own records), on the same machine
    ("create: in-memory, 2 workers ÷ 1 (nothing shared)", "store-create", "memory-2w", "memory", ""),
    ("cached read: Redis, 1 worker ÷ in-memory", "store-read", "redis", "memory", "≈ 1"),
    ("cached read: Redis, 2 workers ÷ Redis, 1 worker", "store-read", "redis-2w", "redis", ""),
]


def store_ratios(results: list[CaseResult]) -> list[str]:
    """The shared store's ratios (issue 16's targets), measured in this run."""
    by_name = {result.case["name"]: result for result in results if result.runs}
    lines = []
    for what, group, name, reference, target in STORE_TARGETS:
        case, base = by_name.get(f"{group}/{name}"), by_name.get(f"{group}/{reference}")
        if case is not None and base is not None:
            aim = f" (target {target})" if target else ""
            lines.append(f"- {what}: {_ratio(case.median('rps'), base.median('rps'))}{aim}")
    return ["", "The shared store (median req/s ratios, this run):", *lines] if lines else []


def rss_over_time(results: list[CaseResult]) -> list[str]:
    """``--rss-every``: the samples of each run, as "seconds into the measured load: MiB"."""
    lines = []
    for result in results:
        for number, run in enumerate(result.runs, 1):
            if run.rss_samples:
                samples = ", ".join(f"{at:.0f} s: {mib:.0f}" for at, mib in run.rss_samples)
                lines.append(f"- {result.case['name']} run {number}: {samples}")
    return (
        ["", "RSS over time (MiB of the server's process tree, sampled during the measured load):", *lines]
        if lines
        else []
    )


def report(results: list[CaseResult], options: argparse.Namespace, prism_ok: bool, load_before: str) -> str:
    header = (
        "| case | server | request | body B | req/s | p50 ms | p99 ms | ready s | RSS MiB "
        "| ÷ Prism static | ÷ Prism dynamic | ÷ Starlette ceiling | ÷ Granian ceiling "
        "| p99 ÷ Granian ceiling p99 | per run (req/s or ready s) |"
    )
    lines = [
        "## Results",
        "",
        *environment(prism_ok, load_before),
        f"- Command: `{shlex.join(['python', *sys.argv])}`",
        f"- Settings: {options.runs} run(s) per case, alternating; wrk {options.threads} thread(s), "
        f"{options.connections} connections, {options.warmup} s warm-up then {options.duration} s measured; "
        "medians.",
        "",
        header,
        "|" + "---|" * 15,
        *[_row(result, results) for result in results],
        "",
        "Ratios divide this row's median req/s by the reference's (start-up rows: ready time, lower is "
        "better; the p99 column: median p99 by median p99, lower is better). The ceilings are the same "
        "answer from bare Starlette (uvicorn) and bare Granian (RSGI, specmock's own listener) in the "
        "group. RSS is the server's process tree after the load (start-up rows: at ready).",
        *rss_over_time(results),
        *store_ratios(results),
    ]
    notes = [f"- {r.case['name']}: {note}" for r in results for note in r.notes]
    notes += [f"- {r.case['name']}: {r.status}" for r in results if r.status.startswith("failed")]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- CLI


def select_cases(spec: str | None) -> list[Case]:
    """``--cases`` entries match a case's name, group or server; default: all cases."""
    if not spec:
        return list(CASES)
    wanted = {item.strip() for item in spec.split(",") if item.strip()}
    known = {c["name"] for c in CASES} | {c["group"] for c in CASES} | {c["server"] for c in CASES}
    unknown = wanted - known
    if unknown:
        raise SystemExit(f"bench: unknown case(s) {sorted(unknown)}; known: {sorted(known)}")
    return [c for c in CASES if wanted & {c["name"], c["group"], c["server"]}]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark specmock against Prism and a Starlette ceiling.")
    parser.add_argument("--duration", type=int, default=10, help="measured seconds per run (wrk -d)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up seconds before each measurement")
    parser.add_argument("--runs", type=int, default=5, help="runs per case (alternating)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cases", default=None, help="comma-separated names, groups or servers")
    parser.add_argument(
        "--out", type=Path, default=None, help="Markdown report (default bench/results/latest.md)"
    )
    parser.add_argument("--smoke", action="store_true", help="1 run of 1 s, 1 s warm-up; Prism optional")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument(
        "--max-records",
        type=int,
        default=CREATE_MAX_RECORDS,
        help="specmock's --max-records in the create case (the store's bound)",
    )
    parser.add_argument(
        "--rss-every",
        type=float,
        default=0,
        metavar="S",
        help="sample the server's RSS every S s of the load",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="SRC",
        help="also run each specmock case importing specmock from SRC (another checkout's src)",
    )
    options = parser.parse_args(argv)
    if options.smoke:
        options.runs, options.duration, options.warmup = 1, 1, 1
    if options.out is None:
        options.out = BENCH / "results" / ("smoke.md" if options.smoke else "latest.md")
    return options


def _stop_on_sigterm(signum: int, frame: object) -> None:
    """Turn SIGTERM into SystemExit so that the running server is stopped on the way out."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    options = parse_args(argv)
    load_before = load_average()
    if options.list:
        for case in CASES:
            print(f"{case['name']:38} {case['method']:5} {case['path']}")
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed")
    cases = select_cases(options.cases)
    needs_prism = any(c["server"].startswith("prism") for c in cases)
    prism_ok = ensure_prism(options.smoke) if needs_prism else PRISM_BIN.exists()
    results = run_all(cases, options, prism_ok)
    text = report(results, options, prism_ok, load_before)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(text)
    print(text, end="")
    failed = [r for r in results if r.status.startswith("failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
