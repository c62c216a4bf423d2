"""`specmock serve` as users run it: a process on 127.0.0.1, one worker or several, stopped by its pid.

One worker is stateful (a create is listed afterwards); ``--workers N`` serves the same seeded data
from every process, and SIGTERM ends the process group cleanly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from specmock.server import free_port

SPECMOCK = Path(sys.executable).parent / "specmock"
KEY = {"X-API-Key": "k"}


def wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise AssertionError(f"specmock serve exited with {process.returncode}: {out[-2000:]}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"specmock serve did not answer on {url} within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> int:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
        raise AssertionError("specmock serve ignored SIGTERM") from None


@contextlib.contextmanager
def serving(spec: str, workers: int) -> Iterator[str]:
    port = free_port()
    command = [str(SPECMOCK), "serve", spec, "--port", str(port), "--seed", "7", "--workers", str(workers)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: workers are stopped with it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, url)
        yield url
    finally:
        if process.poll() is None:
            assert stop(process) in (0, -signal.SIGTERM)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_the_command_serves_the_spec(workers: int) -> None:
    with serving("hellgate", workers) as url, httpx.Client(base_url=url, timeout=30) as client:
        listed = client.get("/authentications", headers=KEY)
        assert listed.status_code == 200
        assert listed.headers["content-type"] == "application/json"
        page = listed.json()
        assert page["data"], page
        # Every worker seeds from the same seed: whichever process answers, the data is the same.
        for _ in range(4 * workers):
            assert client.get("/authentications", headers=KEY).content == listed.content
        head = client.head("/authentications", headers=KEY)
        assert head.status_code == 200
        assert head.content == b""
        assert int(head.headers["content-length"]) == len(listed.content)
        refused = client.get("/authentications")
        assert refused.status_code == 401
        assert refused.json() != {}
        assert client.get("/no-such-path", headers=KEY).status_code == 404


def test_one_worker_keeps_state_between_requests() -> None:
    tokens = "/organizations/org_0YVDM8RC7GDADADSBSMW124JA8/authentication-tokens"
    key = {"REB-APIKEY": "k"}
    with serving("rebilly", 1) as url, httpx.Client(base_url=url, timeout=30) as client:
        before = client.get(tokens, headers=key, params={"limit": 1000}).json()
        login = {"mode": "password", "username": "ann@example.com", "password": "secret"}
        created = client.post(tokens, headers=key, json=login)
        assert created.status_code == 201, created.text
        token = created.json()["token"]
        after = client.get(tokens, headers=key, params={"limit": 1000}).json()
        assert len(after) == len(before) + 1
        assert token in {t["token"] for t in after}
        assert client.get(f"{tokens}/{token}", headers=key).json() == created.json()
