"""Round trips shared by the requests waiting at the same time (``sharing.rounds``), against a real
redis-server: a read is only answered by a round trip that started after it arrived, and writes
waiting together are logged in one round trip, in order."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

from specmock.sharing.address import StoreAddress, parse_store
from specmock.sharing.redis_client import Batch, RedisStore
from specmock.sharing.rounds import Round, Rounds


def fresh_prefix() -> str:
    """A log of the test's own: a replica of an earlier test may still poll its log for a while."""
    return f"specmock:test-rounds:{uuid.uuid4().hex}"


class HeldReplies(RedisStore):
    """The real store, whose answers reach this process only once ``release`` is set: a round trip
    kept in flight (a slow network) after Redis executed it."""

    def __init__(self, address: StoreAddress) -> None:
        super().__init__(address)
        self.executed = threading.Event()
        self.release = threading.Event()

    def sync(self, *args: Any, **kwargs: Any) -> Batch:
        batch = super().sync(*args, **kwargs)
        self.executed.set()
        assert self.release.wait(10)
        return batch


def address_of(url: str) -> StoreAddress:
    address = parse_store(url)
    assert address is not None
    return address


def test_a_read_arriving_while_a_round_trip_is_in_flight_waits_for_the_next_one(redis_url: str) -> None:
    held = HeldReplies(address_of(redis_url))
    applied: list[bytes] = []
    prefix = fresh_prefix()
    reader = Rounds(held, prefix, lambda round_: applied.extend(_entries(round_)))
    writer = Rounds(RedisStore(address_of(redis_url)), prefix, lambda round_: None)

    async def scenario() -> list[bytes]:
        early = asyncio.create_task(reader.check())
        assert await asyncio.to_thread(held.executed.wait, 10)  # Redis answered; the reply is held
        await asyncio.to_thread(writer.wait, b"logged after the round trip in flight read the log")
        late = asyncio.create_task(reader.check())  # arrives after the write was acknowledged
        await asyncio.sleep(0.05)
        held.release.set()
        await early
        await late
        return list(applied)

    seen_by_late = asyncio.run(scenario())
    assert seen_by_late == [b"logged after the round trip in flight read the log"]


def test_writes_waiting_together_are_logged_in_one_round_trip_in_their_order(redis_url: str) -> None:
    held = HeldReplies(address_of(redis_url))
    rounds: list[Round] = []
    prefix = fresh_prefix()
    writer = Rounds(held, prefix, rounds.append)
    checking = threading.Thread(target=writer.wait)
    checking.start()  # a check in flight, its reply held: the writes below wait together meanwhile
    assert held.executed.wait(10)
    writes = [f"write {n}".encode() for n in range(20)]
    threads = [threading.Thread(target=writer.wait, args=(entry,)) for entry in writes]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while writer.waiting < len(writes) and time.monotonic() < deadline:
        time.sleep(0.001)
    held.release.set()
    for thread in [checking, *threads]:
        thread.join(10)
    assert [len(round_.writes) for round_ in rounds] == [0, len(writes)]
    in_the_round = [ticket.entry or b"" for ticket in rounds[1].writes]
    assert sorted(in_the_round) == sorted(writes)
    logged: list[Round] = []
    Rounds(RedisStore(address_of(redis_url)), prefix, logged.append).wait()
    assert _entries(logged[0]) == in_the_round


def _entries(round_: Round) -> list[bytes]:
    assert round_.batch is not None
    return round_.batch.entries
