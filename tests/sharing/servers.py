"""`specmock serve` processes on one Redis, for the tests that need separate processes (or workers)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

from specmock.server import free_port
from tests.integration.test_serve_command import SPECMOCK, stop, wait_ready

RECORDS = 10  # seeded books per process start


@contextlib.contextmanager
def serving(spec: Path, store: str, workers: int) -> Iterator[str]:
    with serving_process(spec, store, workers) as (url, _):
        yield url


@contextlib.contextmanager
def serving_process(spec: Path, store: str, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``serving``, with the process (the leader of its own process group, workers included)."""
    port = free_port()
    command = [str(SPECMOCK), "serve", str(spec), "--port", str(port), "--store", store, "--quiet"]
    command += ["--records", str(RECORDS), "--max-records", "100000", "--workers", str(workers)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, url + "/health")
        yield url, process
    finally:
        if process.poll() is None:
            stop(process)
        if process.stdout is not None:
            process.stdout.close()
