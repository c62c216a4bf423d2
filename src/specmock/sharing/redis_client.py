"""Every Redis call of a shared sandbox: the write log of a served document, and the journal.

Keys under one prefix (``specmock:<digest>``: the documents, seed and options that determine the
seeded records), so sandboxes of different specs or seeds share one Redis without seeing each
other's data:

| key | holds |
| --- | --- |
| ``<prefix>:<api>:epoch`` | a random id given when the log is created (see below) |
| ``<prefix>:<api>:base`` | the log position of the list's first entry (a reset cuts the entries before it) |
| ``<prefix>:<api>:log`` | the entries, oldest first (list) |
| ``<prefix>:journal`` | the journal entries, newest last, at most ``JOURNAL_SIZE`` (list) |
| ``<prefix>:journal:id`` | the number of the newest journal entry |

A Redis that lost its data (restarted without persistence) has no epoch: the next call makes a new
one, and every process starts over from the seeded state.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from specmock.errors import ConfigError
from specmock.sharing.address import StoreAddress
from specmock.sharing.unavailable import StoreUnavailable

T = TypeVar("T")
CONNECT_TIMEOUT = 2.0  # seconds
CALL_TIMEOUT = 5.0  # seconds a call may take before the request is answered 503

# KEYS: epoch, base, log. ARGV: the caller's epoch ("" when it has none), the caller's position,
# a new epoch id in case there is none, then optionally an entry to append and "1" when it is a
# reset (the log is cut: the entries before it are never needed again).
# Returns {epoch, base, length, entries from the caller's position (all when its epoch is not the
# log's, or it is behind the cut)}; an appended entry is the last one.
SYNC = """
local epoch = redis.call('GET', KEYS[1])
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[1], epoch)
  redis.call('SET', KEYS[2], 0)
  redis.call('DEL', KEYS[3])
end
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
local length = redis.call('LLEN', KEYS[3])
if ARGV[4] then
  if ARGV[5] == '1' then
    base = base + length
    redis.call('SET', KEYS[2], base)
    redis.call('DEL', KEYS[3])
  end
  length = redis.call('RPUSH', KEYS[3], ARGV[4])
end
local start = tonumber(ARGV[2]) - base
if epoch ~= ARGV[1] or start < 0 or start > length then
  start = 0
end
if start >= length then
  return {epoch, base, length, {}}
end
return {epoch, base, length, redis.call('LRANGE', KEYS[3], start, -1)}
"""

# KEYS: journal, journal id. ARGV: the size bound, then the entries (each without its number).
# Returns the number of the first one.
JOURNAL_ADD = """
local last = redis.call('INCRBY', KEYS[2], #ARGV - 1)
local first = last - (#ARGV - 1) + 1
for i = 2, #ARGV do
  redis.call('RPUSH', KEYS[1], (first + i - 2) .. ' ' .. ARGV[i])
end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
return first
"""


@dataclass(frozen=True, slots=True)
class Batch:
    """What the log holds beyond a process's position."""

    epoch: str
    base: int  # the position of the log's first entry
    length: int  # entries in the log: the position after the last one is base + length
    entries: list[bytes]  # from the caller's position (or from base, see SYNC)

    @property
    def end(self) -> int:
        return self.base + self.length


class RedisStore:
    """One connection pool to the store; ``ConfigError`` at start when it does not answer."""

    def __init__(self, address: StoreAddress) -> None:
        self.address = address
        self.client = redis.Redis(
            host=address.host,
            port=address.port,
            db=address.db,
            password=address.password,
            socket_connect_timeout=CONNECT_TIMEOUT,
            socket_timeout=CALL_TIMEOUT,
            # One quick retry: a pooled connection Redis closed (a restart) is replaced at once;
            # beyond that the request is answered 503 rather than held through backoffs.
            retry=Retry(NoBackoff(), 1),
        )
        try:
            self.client.ping()
        except redis.RedisError as error:
            raise ConfigError(
                f"--store {address}: Redis does not answer ({error}). Start it (for example "
                "`redis-server --port 6379 --save ''`), or check the host, port and database number; "
                "without --store the sandbox keeps its state in this process."
            ) from None
        self._sync = self.client.register_script(SYNC)
        self._journal_add = self.client.register_script(JOURNAL_ADD)

    def close(self) -> None:
        self.client.close()

    def sync(
        self, prefix: str, epoch: str, position: int, entry: bytes | None = None, cut: bool = False
    ) -> Batch:
        """The entries after ``position`` (one round trip); with ``entry``, appended first, atomically."""
        args: list[Any] = [epoch, position, secrets.token_hex(8)]
        if entry is not None:
            args += [entry, "1" if cut else "0"]
        keys = [f"{prefix}:epoch", f"{prefix}:base", f"{prefix}:log"]
        found = _call(lambda: self._sync(keys=keys, args=args))
        epoch_value, base, length, entries = found
        return Batch(epoch_value.decode(), int(base), int(length), list(entries))

    def journal_add(self, prefix: str, entries: list[bytes], size: int) -> None:
        keys = [f"{prefix}:journal", f"{prefix}:journal:id"]
        _call(lambda: self._journal_add(keys=keys, args=[size, *entries]))

    def journal_read(self, prefix: str, count: int) -> list[bytes]:
        """The newest ``count`` entries, oldest first (each ``b"<number> <json>"``)."""
        found: list[bytes | str] = _call(lambda: self.client.lrange(f"{prefix}:journal", -count, -1))
        return [item if isinstance(item, bytes) else item.encode() for item in found]

    def journal_clear(self, prefix: str) -> None:
        _call(lambda: self.client.delete(f"{prefix}:journal"))


def _call(call: Callable[[], T]) -> T:
    try:
        return call()
    except (redis.ConnectionError, redis.TimeoutError) as error:
        raise StoreUnavailable(f"the shared store (Redis) does not answer: {error}") from None
