"""Many clients creating and deleting at once through several processes on one Redis: afterwards
every process lists exactly what the clients' answers add up to (0 lost, 0 phantom, 0 duplicate ids).

Two layouts: two separate `specmock serve` processes, and one `specmock serve --workers 2`. Fifty
clients, each bounded in requests and in time, alternate between the processes (or reach whichever
worker the kernel hands the connection to).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.sharing.servers import RECORDS, serving

CLIENTS = 50
REQUESTS = 40  # per client
SECONDS = 6.0  # per client, whatever it managed by then


@dataclass
class Seen:
    created: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


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
