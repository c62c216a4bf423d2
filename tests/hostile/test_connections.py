"""Connections: many open connections never freeze the server for a new client, and idle
keep-alive connections are closed. Behaviour only (generous bounds); the figures are in
``bench/connections.py``."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from specmock import serve
from specmock.server import free_port
from tests.hostile.conftest import connect, get_request, read_response

HELD = 300  # well above the 128 that froze the server before
PATH = "/authentications"
KEY = "X-API-Key: k\r\n"
SPECMOCK = Path(sys.executable).parent / "specmock"


@contextlib.contextmanager
def held_connections(port: int, count: int, used: bool) -> Iterator[list[socket.socket]]:
    """``count`` open connections; ``used`` ones sent a request and read its answer first (the
    keep-alive connections a browser holds), the others never sent a byte."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = connect(port, timeout=10)
            sockets.append(sock)
            if used:
                sock.sendall(get_request(PATH, headers=KEY))
                status, _ = read_response(sock)
                assert status == 200
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def new_client_status(port: int) -> int:
    with connect(port, timeout=10) as sock:
        sock.sendall(get_request(PATH, headers=KEY))
        return read_response(sock)[0]


@pytest.mark.parametrize("used", [True, False], ids=["keep-alive", "silent"])
def test_held_connections_do_not_keep_a_new_client_waiting(used: bool) -> None:
    with serve("hellgate", seed=1) as server, held_connections(server.port, HELD, used):
        assert new_client_status(server.port) == 200


def test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() -> None:
    with (
        serve("hellgate", seed=1, idle_timeout=1) as server,
        held_connections(server.port, 1, True) as [sock],
    ):
        started = time.monotonic()
        readable, _, _ = select.select([sock], [], [], 15)
        assert readable, "the idle connection was still open after 15 s"
        assert sock.recv(1) == b""  # closed by the server, nothing sent
        assert time.monotonic() - started < 15


def test_workers_hold_many_connections_and_take_the_limits_as_flags() -> None:
    port = free_port()
    command = [
        str(SPECMOCK), "serve", "hellgate", "--port", str(port), "--workers", "2", "--quiet",
        "--backlog", "2048", "--max-connections", "1000", "--idle-timeout", "20",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (
                process.stdout.read().decode(errors="replace") if process.stdout else ""
            )
            with contextlib.suppress(OSError, IndexError, ValueError):
                if new_client_status(port) == 200:
                    break
            assert time.monotonic() < deadline, "specmock serve --workers 2 did not answer within 60 s"
            time.sleep(0.1)
        with held_connections(port, HELD, used=True):
            assert new_client_status(port) == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()
