"""Every Redis call of a shared sandbox: the write log of a served document, and the journal.

Keys under one prefix (``specmock:<digest>``: the documents, seed and options that determine the
seeded records), so sandboxes of different specs or seeds share one Redis without seeing each
other's data:

- ``<prefix>:<api>:epoch``: a random id given when the log is created (see below);
- ``<prefix>:<api>:base``: the log position of the list's first entry (a reset, or compaction, cuts
  the entries before it);
- ``<prefix>:<api>:log``: the entries, oldest first (list);
- ``<prefix>:<api>:snapshot``: a hash, ``position`` (a log position at or after ``base``) and
  ``blob``: the state every process holds once it applied the log up to ``position``
  (``sharing/snapshot.py``); absent until the log first holds more than ``replica.LOG_BOUND``
  entries, dropped by a reset;
- ``<prefix>:<api>:leases``: a hash, replica id → ``"<expiry> <ack>"``: the read leases
  (``sharing/leases.py``): until ``expiry`` (Redis time, ms) that replica may answer reads from its
  records without a round trip, and it answers nothing older than log position ``ack`` any more;
- ``<prefix>:journal``: the journal entries, newest last, at most the journal's size (list);
- ``<prefix>:journal:id``: the number of the newest journal entry (the entries are numbered on from
  it backwards: pushing and counting happen in one transaction).

The round trips of the write log and the journal go through a connection of each thread's own
(``_Link``): the commands of a round are packed together, sent at once (pipelined) and their replies
read in order, without redis-py's per-command machinery (pool, retry wrapper, response callbacks).

A Redis that lost its data (restarted without persistence) has no epoch: the next call makes a new
one, and every process starts over from the seeded state. Without a snapshot the log's first entry
follows a seeded state (the log's start, or a reset, which is itself an entry); with one, a process
that does not follow the log any more restores the snapshot and applies the entries after it.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from specmock.errors import ConfigError
from specmock.sharing.address import StoreAddress
from specmock.sharing.leases import LEASE
from specmock.sharing.unavailable import StoreUnavailable

T = TypeVar("T")
SYNC_HEAD = 8  # the arguments of a SYNC call before the variable ones: EVALSHA, its sha, 5, the 5 keys
CONNECT_TIMEOUT = 2.0  # seconds
LEASE_MS = b"%d" % round(LEASE * 1000)
CALL_TIMEOUT = 5.0  # seconds a call may take before the request is answered 503

# KEYS: epoch, base, log, snapshot, leases. ARGV: the caller's epoch ("" when it has none), the
# caller's position, a new epoch id in case there is none ("": make none, answer an empty epoch
# instead; a poll needs no log), the caller's replica id, the lease
# duration (ms), "1" when the caller wants a read lease (else it holds none any more), one character
# per entry to append ("1": a reset, which cuts the log and drops the snapshot: the entries before it
# are never needed again; "0": any other), then the entries. Returns {epoch, base, length, the
# entries from the caller's position, the position after the appended ones, where the returned
# entries start, the snapshot or "", the cleared position, 1 when the caller got a lease}: base and
# length are the log's before appending, and the entries returned are those logged before the
# caller's (the caller holds its own). A caller that does not follow the log (another epoch, or a
# position outside it) gets the snapshot, when there is one, and the entries after it; else every
# entry from base (a seeded point: the log's start or a reset).
#
# Leases (see sharing/leases.py): the caller's own lease records its position as its ack; leases
# past their expiry are dropped; the cleared position is the lowest ack of the other replicas' live
# leases, or the log's end when none is lower. The caller gets a lease at the end (until now +
# duration) only when the cleared position is the end and it follows the epoch; its ack stays the
# caller's position (it still serves that state until this reply reaches it). A new epoch made for
# a caller that had one (Redis lost the log, and the leases with it) holds a lease of its own, acked
# at 0, for one duration: leases granted before the loss have ended by then.
SYNC = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local epoch = redis.call('GET', KEYS[1])
if not epoch and ARGV[3] == '' then
  return {'', 0, 0, {}, 0, 0, '', 0, 0}
elseif not epoch then
  epoch = ARGV[3]
  redis.call('SET', KEYS[1], epoch)
  redis.call('SET', KEYS[2], 0)
  redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
  if ARGV[1] ~= '' then
    redis.call('HSET', KEYS[5], '', (now + tonumber(ARGV[5])) .. ' 0')
  end
end
local own = redis.call('HGET', KEYS[5], ARGV[4])
if own and epoch == ARGV[1] then
  redis.call('HSET', KEYS[5], ARGV[4], string.match(own, '%d+') .. ' ' .. ARGV[2])
elseif own then
  redis.call('HDEL', KEYS[5], ARGV[4])
end
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
local length = redis.call('LLEN', KEYS[3])
local start = tonumber(ARGV[2]) - base
local from, snapshot = base, ''
if epoch ~= ARGV[1] or start < 0 or start > length then
  start = 0
  local kept = redis.call('HMGET', KEYS[4], 'position', 'blob')
  if kept[1] then
    from, snapshot = tonumber(kept[1]), kept[2]
    start = from - base
  end
end
local earlier = {}
if start < length then
  earlier = redis.call('LRANGE', KEYS[3], start, -1)
end
local cuts = ARGV[7] or ''
local now_base, now_length = base, length
for i = 1, #cuts do
  if string.sub(cuts, i, i) == '1' then
    now_base = now_base + now_length
    redis.call('SET', KEYS[2], now_base)
    redis.call('DEL', KEYS[3], KEYS[4])
  end
  now_length = redis.call('RPUSH', KEYS[3], ARGV[7 + i])
end
local ending = now_base + now_length
local cleared = ending
local leases = redis.call('HGETALL', KEYS[5])
for i = 1, #leases, 2 do
  local expiry, ack = string.match(leases[i + 1], '(%d+) (%d+)')
  if tonumber(expiry) <= now then
    redis.call('HDEL', KEYS[5], leases[i])
  elseif leases[i] ~= ARGV[4] and tonumber(ack) < cleared then
    cleared = tonumber(ack)
  end
end
local leased = 0
if ARGV[6] == '1' and cleared == ending and epoch == ARGV[1] then
  redis.call('HSET', KEYS[5], ARGV[4], (now + tonumber(ARGV[5])) .. ' ' .. ARGV[2])
  leased = 1
elseif ARGV[6] ~= '1' then
  redis.call('HDEL', KEYS[5], ARGV[4])
end
return {epoch, base, length, earlier, ending, from, snapshot, cleared, leased}
"""

# KEYS: epoch, base, log, snapshot. ARGV: the caller's epoch, the position its snapshot was taken
# at, how many entries before it to keep (so processes just behind catch up without the snapshot),
# the snapshot. Takes effect only when the epoch is the caller's, the position is in the log
# (no reset cut it since) and beyond the current snapshot's; returns 1 then, else 0.
COMPACT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
local length = redis.call('LLEN', KEYS[3])
local position = tonumber(ARGV[2])
local kept = tonumber(redis.call('HGET', KEYS[4], 'position') or '-1')
if position <= kept or position < base or position > base + length then
  return 0
end
local new_base = math.max(base, position - tonumber(ARGV[3]))
if new_base > base then
  redis.call('LTRIM', KEYS[3], new_base - base, -1)
  redis.call('SET', KEYS[2], new_base)
end
redis.call('HSET', KEYS[4], 'position', ARGV[2], 'blob', ARGV[4])
return 1
"""


@dataclass(frozen=True, slots=True)
class Batch:
    """What the log holds beyond a process's position, and where the entries it appended end."""

    epoch: str
    base: int  # the position of the log's first entry (before appending)
    length: int  # entries in the log before appending: the position after them is base + length
    entries: list[bytes]  # logged before the caller's: from its position (or see SYNC)
    end: int  # the position after the caller's appended entries (base + length when none)
    snapshot: bytes | None = None  # when the caller does not follow: the state ``entries`` start from
    cleared: int = -1  # every live lease of another replica acked this position (-1: unknown)
    leased: bool = False  # the caller got a read lease at ``end``

    @property
    def settled(self) -> bool:
        """Whether a state up to ``end`` may be answered now: no other replica serves an older one
        on a lease (``sharing/leases.py``)."""
        return self.cleared >= self.end

    def follows(self, epoch: str, position: int) -> bool:
        """Whether ``entries`` continue a copy that applied the log up to ``position`` of ``epoch``
        (else that copy must start over: from ``snapshot`` when there is one, else from the seeded
        state)."""
        return epoch == self.epoch and self.base <= position <= self.base + self.length


@dataclass(frozen=True, slots=True)
class JournalPlace:
    """Where the journal of the processes sharing a key prefix is kept, and its size bound."""

    prefix: str
    size: int

    def commands(self, posts: Sequence[bytes]) -> list[bytes]:
        """``posts`` added (numbered by the counter) and the list trimmed, in one transaction."""
        journal, counter = f"{self.prefix}:journal".encode(), f"{self.prefix}:journal:id".encode()
        return [
            packed(b"MULTI"),
            packed(b"RPUSH", journal, *posts),
            packed(b"INCRBY", counter, b"%d" % len(posts)),
            packed(b"LTRIM", journal, b"%d" % -self.size, b"-1"),
            packed(b"EXEC"),
        ]


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
        self._compact = self.client.register_script(COMPACT)
        # Epoch ids from a generator seeded by the OS once: a fresh one for every call costs
        # ~0.2 µs (a secrets.token_hex is a system call, ~10 µs on a busy machine).
        self._epochs = random.Random(int.from_bytes(os.urandom(16)))
        self._heads: dict[str, bytes] = {}  # per log, see ``_head``
        self._links = threading.local()
        self._opened: list[_Link] = []

    def close(self) -> None:
        for link in self._opened:
            link.close()
        self.client.close()

    def sync(
        self,
        prefix: str,
        epoch: str,
        position: int,
        appended: Sequence[tuple[bytes, bool]] = (),
        journal: JournalPlace | None = None,
        posts: Sequence[bytes] = (),
        replica: bytes = b"",
        lease: bool = False,
        create: bool = True,
    ) -> Batch:
        """The entries after ``position`` (one round trip); ``appended`` entries (each with whether
        it is a reset, which cuts the log) are logged after them, atomically, in their order, and
        ``posts`` are added to the ``journal`` in the same round trip. ``replica`` (its id) asks for
        a read lease with ``lease``, else gives up the one it held; without ``create`` a missing log
        is not made (the batch's epoch is empty then). See SYNC."""
        cuts = b"".join(b"1" if cut else b"0" for _, cut in appended)
        head = self._heads.get(prefix) or self._head(prefix)
        wants = b"1" if lease else b"0"
        new_epoch = self._new_epoch() if create else b""
        variable = [epoch.encode(), b"%d" % position, new_epoch, replica, LEASE_MS, wants, cuts]
        variable += [entry for entry, _ in appended]
        commands = [b"*%d\r\n" % (SYNC_HEAD + len(variable)) + head + bulks(variable)]
        if posts:
            assert journal is not None
            commands += journal.commands(posts)
        found = self._link().round_trip(commands)[0]
        epoch_value, base, length, entries, end, _, snapshot, cleared, leased = found
        kept = bytes(snapshot) if snapshot else None
        got = (epoch_value.decode(), int(base), int(length), list(entries), int(end), kept)
        return Batch(*got, int(cleared), leased == 1)

    def journal_add(self, journal: JournalPlace, posts: Sequence[bytes]) -> None:
        """``posts`` added to the journal (each numbered there)."""
        self._link().round_trip(journal.commands(posts))

    def compact(self, prefix: str, epoch: str, position: int, keep: int, snapshot: bytes) -> bool:
        """Put ``snapshot`` (the state after applying the log up to ``position``) in place of the
        entries before ``position - keep``; False when the log moved on (see COMPACT)."""
        args: list[Any] = [epoch, position, keep, snapshot]
        return bool(_call(lambda: self._compact(keys=_log_keys(prefix), args=args)))

    def _new_epoch(self) -> bytes:
        return b"%016x" % self._epochs.getrandbits(64)

    def _head(self, prefix: str) -> bytes:
        """The constant start of a SYNC call on ``prefix``'s log, packed once."""
        keys = [*_log_keys(prefix), f"{prefix}:leases"]
        head = self._heads[prefix] = bulks(
            [b"EVALSHA", self._sync.sha.encode(), b"%d" % len(keys), *map(str.encode, keys)]
        )
        return head

    def _link(self) -> _Link:
        """This thread's connection for round trips."""
        link: _Link | None = getattr(self._links, "link", None)
        if link is None:
            link = self._links.link = _Link(self)
            self._opened.append(link)
        return link

    def journal_read(self, prefix: str, count: int) -> list[tuple[int, bytes]]:
        """The newest ``count`` entries, oldest first, each with its number."""

        def read() -> list[Any]:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.lrange(f"{prefix}:journal", -count, -1)
                pipe.get(f"{prefix}:journal:id")
                return pipe.execute()

        found, newest = _call(read)
        first = int(newest or 0) - len(found) + 1
        return [(first + n, bytes(item)) for n, item in enumerate(found)]

    def journal_clear(self, prefix: str) -> None:
        _call(lambda: self.client.delete(f"{prefix}:journal"))


class _Link:
    """One thread's own connection for its round trips (see the module's docstring)."""

    def __init__(self, store: RedisStore) -> None:
        self.connection: Any = store.client.connection_pool.make_connection()  # redis-py: untyped

    def round_trip(self, commands: list[bytes]) -> list[Any]:
        """Every command's reply, in order (``StoreUnavailable`` when Redis does not answer; one
        retry on a fresh connection first: Redis may have closed this one, a restart). SYNC, when
        Redis no longer knows it (a restart, SCRIPT FLUSH), is loaded and run again."""
        try:
            replies = self._send(commands)
        except (redis.ConnectionError, redis.TimeoutError):
            replies = _call(lambda: self._send(commands))
        for n, reply in enumerate(replies):
            if isinstance(reply, redis.exceptions.NoScriptError):
                replies[n] = self._loaded_and_run(commands[n])
            if isinstance(replies[n], Exception):
                raise replies[n]
        return replies

    def _loaded_and_run(self, command: bytes) -> Any:
        return _call(lambda: self._send([packed(b"SCRIPT", b"LOAD", SYNC.encode()), command]))[1]

    def _send(self, commands: list[bytes]) -> list[Any]:
        connection = self.connection
        connection.send_packed_command([b"".join(commands)], check_health=False)
        replies = []
        for _ in commands:
            try:
                replies.append(connection.read_response())
            except redis.ResponseError as error:  # read the others: the connection stays in step
                replies.append(error)
        return replies

    def close(self) -> None:
        self.connection.disconnect()


def packed(*args: bytes) -> bytes:
    """One command in Redis's protocol (RESP): an array of bulk strings."""
    return b"*%d\r\n" % len(args) + bulks(args)


def bulks(args: Sequence[bytes]) -> bytes:
    return b"".join([b"$%d\r\n%b\r\n" % (len(arg), arg) for arg in args])


def _log_keys(prefix: str) -> list[str]:
    return [f"{prefix}:epoch", f"{prefix}:base", f"{prefix}:log", f"{prefix}:snapshot"]


def _call(call: Callable[[], T]) -> T:
    try:
        return call()
    except (redis.ConnectionError, redis.TimeoutError) as error:
        raise StoreUnavailable(f"the shared store (Redis) does not answer: {error}") from None
