"""Read leases (``sharing/leases.py``): a replica that serves reads answers them from its records
with no round trip, and still never from a state older than a write another replica answered.

Separate ``specmock serve`` processes on the suite's redis-server: the lease lives in Redis (with
Redis's clock) and in the process serving on it.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis

from specmock.sharing import leases
from tests.redis_server import RedisServer
from tests.sharing.servers import serving, serving_process

PAIRS = 150  # write-then-read pairs
SLACK = 0.5  # seconds a busy machine may add to a wait


@pytest.fixture
def db(redis_server: RedisServer, redis_url: str) -> Iterator[redis.Redis]:
    with redis.Redis(host="127.0.0.1", port=redis_server.port, db=0) as client:
        yield client


def live_leases(db: redis.Redis) -> dict[bytes, tuple[int, int]]:
    """Every lease Redis still counts: replica id → (expiry ms, ack), and Redis's time in ms."""
    found: dict[bytes, tuple[int, int]] = {}
    seconds, micros = db.time()
    now = seconds * 1000 + micros // 1000
    for key in db.keys("specmock:*:leases"):
        for replica, value in db.hgetall(key).items():
            expiry, ack = map(int, value.split())
            if expiry > now:
                found[replica] = (expiry - now, ack)
    return found


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition(), "not within the time allowed"


def test_a_write_answered_on_one_replica_is_read_on_a_lease_holder_every_time(
    spec: Path, redis_url: str, db: redis.Redis
) -> None:
    with serving(spec, redis_url, 1) as first, serving(spec, redis_url, 1) as second, httpx.Client() as http:
        http.get(f"{second}/books/1")
        wait_for(lambda: len(live_leases(db)) == 1)  # the reader holds one; the writer never read
        stale = []
        for step in range(PAIRS):
            title = f"step {step}"
            changed = http.patch(f"{first}/books/{step % 5 + 1}", json={"title": title})
            assert changed.status_code == 200, changed.text
            read = http.get(f"{second}/books/{step % 5 + 1}")
            listed = http.get(f"{second}/books", params={"limit": 50}).json()["data"]
            titles = {book["id"]: book["title"] for book in listed}
            if read.json()["title"] != title or titles[step % 5 + 1] != title:
                stale.append((title, read.json()["title"], titles[step % 5 + 1]))
        assert live_leases(db), "the reader kept no lease"
    assert stale == []


def test_a_write_waits_out_the_lease_of_a_stopped_holder_which_then_reads_it(
    spec: Path, redis_url: str, db: redis.Redis
) -> None:
    with (
        serving(spec, redis_url, 1) as first,
        serving_process(spec, redis_url, 1) as (second, holder),
        httpx.Client(timeout=30) as http,
    ):
        before = http.get(f"{second}/books/1").json()["title"]
        wait_for(lambda: len(live_leases(db)) == 1)
        os.killpg(holder.pid, signal.SIGSTOP)
        try:
            ((left_ms, _),) = live_leases(db).values()
            started = time.monotonic()
            changed = http.patch(f"{first}/books/1", json={"title": before + " changed"})
            took = time.monotonic() - started
        finally:
            os.killpg(holder.pid, signal.SIGCONT)
        assert changed.status_code == 200, changed.text
        assert took >= left_ms / 1000 - 0.01, f"answered after {took:.3f} s, the lease had {left_ms} ms left"
        assert took <= leases.LEASE + SLACK
        assert http.get(f"{second}/books/1").json()["title"] == before + " changed"


def test_an_idle_replica_gives_its_lease_up_and_makes_no_round_trips(
    spec: Path, redis_url: str, db: redis.Redis
) -> None:
    with serving(spec, redis_url, 1) as url, httpx.Client() as http:
        for _ in range(20):
            assert http.get(f"{url}/books").status_code == 200
        wait_for(lambda: len(live_leases(db)) == 1)
        time.sleep(leases.IDLE + 0.2)
        wait_for(lambda: not any(db.hlen(key) for key in db.keys("specmock:*:leases")))
        calls = _calls(db)
        time.sleep(1.0)
        assert _calls(db) - calls == 0  # (the INFO that counted them is left out)


def _calls(db: redis.Redis) -> int:
    stats = db.info("commandstats")
    return sum(int(value["calls"]) for name, value in stats.items() if name != "cmdstat_info")
