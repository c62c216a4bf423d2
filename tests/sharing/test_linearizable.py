"""No stale read across replicas while each process shares its round trips to Redis among the
requests waiting at the same time: once one replica acknowledged a write, a read sent afterwards to
the other replica shows it, even when that replica had a round trip in flight when the read came
(a read waits for one that starts after it arrived).

Two `specmock serve` processes on one Redis. Writer clients each change their own book on the first
replica and then read it (and list it) on the second, whose round trips reader clients keep busy
(and its response cache warm) meanwhile. Bounded in requests and in time.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from tests.sharing.servers import serving

WRITERS = 8
READERS = 24
ROUNDS = 60  # per writer
SECONDS = 8.0  # per client, whatever it managed by then


async def writer(number: int, first: str, second: str) -> list[str]:
    """Change book ``number`` on one replica, then read it on the other: the stale reads seen."""
    stale = []
    deadline = time.monotonic() + SECONDS
    async with httpx.AsyncClient(timeout=30) as http:
        for step in range(ROUNDS):
            if time.monotonic() > deadline:
                break
            title = f"writer {number} step {step}"
            changed = await http.patch(f"{first}/books/{number}", json={"title": title})
            assert changed.status_code == 200, changed.text
            read = await http.get(f"{second}/books/{number}")
            assert read.status_code == 200, read.text
            if read.json()["title"] != title:
                stale.append(f"{title!r} acknowledged, then read {read.json()['title']!r}")
            listed = await http.get(f"{second}/books", params={"limit": 50})
            titles = {book["id"]: book["title"] for book in listed.json()["data"]}
            if titles.get(number) != title:
                stale.append(f"{title!r} acknowledged, then listed {titles.get(number)!r}")
    return stale


async def reader(number: int, url: str) -> int:
    """Cached reads on one replica for a bounded time: how many were answered."""
    answered = 0
    deadline = time.monotonic() + SECONDS
    async with httpx.AsyncClient(timeout=30) as http:
        while time.monotonic() < deadline:
            path = "/books" if answered % 2 else f"/books/{number % WRITERS + 1}"
            answer = await http.get(url + path)
            assert answer.status_code == 200, answer.text
            answered += 1
    return answered


async def everyone(first: str, second: str) -> tuple[list[str], int]:
    writers = [writer(n, first, second) for n in range(1, WRITERS + 1)]
    readers = [reader(n, second) for n in range(READERS)]
    seen, answered = await asyncio.gather(asyncio.gather(*writers), asyncio.gather(*readers))
    return [line for lines in seen for line in lines], sum(answered)


def test_a_write_acknowledged_by_one_replica_is_read_on_the_other_under_concurrent_load(
    spec: Path, redis_url: str
) -> None:
    with serving(spec, redis_url, 1) as first, serving(spec, redis_url, 1) as second:
        stale, reads = asyncio.run(everyone(first, second))
    assert reads > READERS, "the readers got almost nothing done"
    assert stale == []
