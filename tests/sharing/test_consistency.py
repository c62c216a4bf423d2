"""Many clients creating and deleting at once through several processes on one Redis: afterwards
every process lists exactly what the clients' answers add up to (0 lost, 0 phantom, 0 duplicate ids).

Two layouts: two separate `specmock serve` processes, and one `specmock serve --workers 2`. Fifty
clients, each bounded in requests and in time, alternate between the processes (or reach whichever
worker the kernel hands the connection to).
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import yaml

from specmock.server import free_port
from tests.integration.test_serve_command import SPECMOCK, stop, wait_ready
from tests.state.specs import bookstore

CLIENTS = 50
REQUESTS = 40  # per client
SECONDS = 6.0  # per client, whatever it managed by then
RECORDS = 10


@dataclass
class Seen:
    created: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


@contextlib.contextmanager
def serving(spec: Path, store: str, workers: int) -> Iterator[str]:
    port = free_port()
    command = [str(SPECMOCK), "serve", str(spec), "--port", str(port), "--store", store, "--quiet"]
    command += ["--records", str(RECORDS), "--max-records", "100000", "--workers", str(workers)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, url + "/health")
        yield url
    finally:
        if process.poll() is None:
            stop(process)
        if process.stdout is not None:
            process.stdout.close()


async def one_client(number: int, urls: list[str]) -> Seen:
    seen = Seen()
    deadline = time.monotonic() + SECONDS
    async with httpx.AsyncClient(timeout=30) as http:
        if number < RECORDS:  # the seeded books are shared out: each deleted by one client only
            answer = await http.delete(f"{urls[number % len(urls)]}/books/{number + 1}")
            assert answer.status_code == 204, answer.text
            seen.deleted.append(number + 1)
        live: list[int] = []
        for step in range(REQUESTS):
            if time.monotonic() > deadline:
                break
            url = urls[(number + step) % len(urls)]
            if live and step % 3 == 2:
                victim = live.pop(0)
                answer = await http.delete(f"{url}/books/{victim}")
                assert answer.status_code == 204, answer.text
                seen.deleted.append(victim)
            else:
                answer = await http.post(f"{url}/books", json={"title": f"c{number}s{step}"})
                assert answer.status_code == 201, answer.text
                live.append(answer.json()["id"])
                seen.created.append(answer.json()["id"])
    return seen


async def all_clients(urls: list[str]) -> list[Seen]:
    return list(await asyncio.gather(*(one_client(n, urls) for n in range(CLIENTS))))


def check(urls: list[str], seen: list[Seen]) -> None:
    created = [book for client in seen for book in client.created]
    deleted = {book for client in seen for book in client.deleted}
    assert len(created) == len(set(created)), "an id was handed out twice"
    assert len(created) > CLIENTS, "the clients got almost nothing done"
    expected = (set(range(1, RECORDS + 1)) | set(created)) - deleted
    for url in urls:
        stored = [book["id"] for book in httpx.get(f"{url}/__specmock/apis/books/state/books").json()]
        assert len(stored) == len(set(stored)), "a duplicate record"
        assert not expected - set(stored), f"lost: {sorted(expected - set(stored))[:10]}"
        assert not set(stored) - expected, f"phantom: {sorted(set(stored) - expected)[:10]}"
        listed = httpx.get(f"{url}/books", params={"limit": 1}).json()
        assert listed["meta"]["total"] == len(expected)


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "books.yaml"
    path.write_text(yaml.safe_dump(bookstore(), sort_keys=False))
    return path


def test_two_server_processes_on_one_redis_agree_after_concurrent_creates_and_deletes(
    spec: Path, redis_url: str
) -> None:
    with serving(spec, redis_url, 1) as first, serving(spec, redis_url, 1) as second:
        urls = [first, second]
        check(urls, asyncio.run(all_clients(urls)))


def test_two_workers_on_one_redis_agree_after_concurrent_creates_and_deletes(
    spec: Path, redis_url: str
) -> None:
    with serving(spec, redis_url, 2) as url:
        urls = [url]
        check(urls, asyncio.run(all_clients(urls)))
