"""bench/run.py still works end to end (``--smoke``: 1 run of 1 s). It never asserts a speed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "run.py"
SPECMOCK_CASES = [
    "hellgate-list/specmock",
    "rebilly-list/specmock",
    "hellgate-401/specmock",
    "rebilly-create/specmock",
]
TABLE_HEADER = "| case | server | request | body B | req/s |"
TIMEOUT_S = 120


def specmock_server_importable() -> bool:
    """The specmock cases join once ``specmock serve`` can build its app."""
    try:
        import specmock.server  # noqa: F401
    except ImportError:
        return False
    return True


def smoke_cases() -> list[str]:
    specmock = [*SPECMOCK_CASES, "rebilly-create/granian"] if specmock_server_importable() else []
    return ["starlette-ceiling", *specmock]


def require_wrk() -> None:
    """wrk is a Debian package (``apt-get install wrk``); ``.ci/run`` installs it when missing."""
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed: apt-get install wrk (.ci/run installs it)")


def test_smoke_run_prints_a_table(tmp_path: Path) -> None:
    require_wrk()
    cases = smoke_cases()
    out = tmp_path / "smoke.md"
    returncode, stdout, stderr = run_bench(["--smoke", "--cases", ",".join(cases), "--out", str(out)])
    assert returncode == 0, stderr[-2000:]
    assert TABLE_HEADER in stdout
    assert out.read_text() == stdout
    rows = [line for line in stdout.splitlines() if line.startswith("| ") and "---" not in line]
    groups = {line.split(" | ")[0].removeprefix("| ") for line in rows[1:]}
    assert groups == {case.split("/")[0] for case in cases}
    assert "failed" not in stdout
    assert "not 2xx" not in stdout  # the create case stores every record (no 507 once a bound fills)
    # the interpreter every server ran on: its build sets how fast specmock's own Python runs
    assert f"({Path(sys.executable).resolve()}, " in stdout


def test_connection_scaling_smoke_run_holds_connections_and_answers_every_probe(tmp_path: Path) -> None:
    """bench/connections.py --smoke: 50 held connections, idle then busy (wrk), and a new client's
    probes; every probe answered, the idle connections still held. No latency is asserted."""
    require_wrk()
    out = tmp_path / "connections.md"
    returncode, stdout, stderr = run_bench(["--smoke", "--out", str(out)], ROOT / "bench" / "connections.py")
    assert returncode == 0, stderr[-2000:]
    assert out.read_text() == stdout
    rows = {
        line.split(" | ")[1]: line.split(" | ")
        for line in stdout.splitlines()
        if line.startswith("| specmock")
    }
    assert set(rows) == {"idle", "active"}
    for cells in rows.values():
        held, probes, no_answer = cells[2], cells[4], cells[8]
        assert (held, probes, no_answer) == ("50", "10", "0"), cells
    assert rows["idle"][3] == "50"  # no idle connection dropped within the idle timeout
    assert "req/s" in rows["active"][11]


def run_bench(arguments: list[str], script: Path = SCRIPT) -> tuple[int, str, str]:
    """Run a bench script; on timeout SIGTERM it (it then stops its server) and fail."""
    process = subprocess.Popen(
        [sys.executable, str(script), *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
        pytest.fail(f"{script.name} did not finish in {TIMEOUT_S} s: {stderr[-2000:]}")
    return process.returncode, stdout, stderr


@pytest.mark.parametrize("interface", ["rsgi", "asgi"])
def test_in_process_cost_script_sends_the_create_and_reports_a_cost(interface: str) -> None:
    """bench/inprocess.py (the before/after number for code changes) runs through either of the
    app's interfaces; no speed is asserted."""
    returncode, stdout, stderr = run_bench(
        ["-n", "40", "--batches", "2", "--interface", interface], ROOT / "bench" / "inprocess.py"
    )
    assert returncode == 0, stderr[-2000:]
    assert f"authentication-tokens → 201 ({interface.upper()})" in stdout
    assert "CPU per request: fastest batch" in stdout


def test_proxy_bench_compares_direct_and_proxied_calls(tmp_path: Path) -> None:
    """bench/proxy.py starts its upstream and ``specmock proxy``, and reports every case; no speed is
    asserted."""
    out = tmp_path / "proxy.md"
    arguments = ["--requests", "20", "--rounds", "1", "--wrk-seconds", "0", "--upload-rounds", "1"]
    returncode, stdout, stderr = run_bench([*arguments, "--out", str(out)], ROOT / "bench" / "proxy.py")
    assert returncode == 0, stderr[-2000:]
    rows = [line.split(" | ")[0].removeprefix("| ") for line in stdout.splitlines() if "ms |" in line]
    assert rows == ["list", "create", "download", "upload"]
    assert "CPU per proxied `list` request" in stdout
    peaks = [line.split(" | ")[0] for line in stdout.splitlines() if line.endswith(" MiB |")]
    assert peaks == ["| 8 MiB", "| 64 MiB"]
    assert out.read_text().strip() == stdout.strip()


def test_tail_script_times_each_create_and_names_the_slowest() -> None:
    """bench/tail.py (per-request CPU time, collector passes attributed); no speed is asserted."""
    returncode, stdout, stderr = run_bench(["-n", "300"], ROOT / "bench" / "tail.py")
    assert returncode == 0, stderr[-2000:]
    assert "authentication-tokens → 201: 300 requests" in stdout
    assert "| all, CPU time | 300 |" in stdout
    assert "slowest 15 by CPU time" in stdout


def test_shared_creates_script_creates_in_memory_and_on_redis() -> None:
    """bench/shared_creates.py (a create's cost on a shared store, in-process, against a redis-server
    of its own); no speed is asserted."""
    returncode, stdout, stderr = run_bench(
        ["--tasks", "5", "--creates", "4", "--runs", "1"], ROOT / "bench" / "shared_creates.py"
    )
    assert returncode == 0, stderr[-2000:]
    stores = [line.split(": ")[0] for line in stdout.splitlines() if "µs of CPU per create" in line]
    assert stores == ["memory", "redis"]


@pytest.mark.parametrize("interface", ["rsgi", "asgi"])
def test_in_process_cost_script_sends_a_fresh_header_on_every_read(interface: str) -> None:
    """bench/inprocess.py --fresh-header (a read that is never a repeat) runs through either interface."""
    read = ["--spec", "hellgate", "--method", "GET", "--path", "/authentications"]
    options = ["-n", "40", "--batches", "2", "--interface", interface, "--fresh-header", "traceparent"]
    returncode, stdout, stderr = run_bench([*read, *options], ROOT / "bench" / "inprocess.py")
    assert returncode == 0, stderr[-2000:]
    assert f"GET /authentications → 401 ({interface.upper()})" in stdout
