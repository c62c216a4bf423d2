"""Stored records: per resource, buckets of entries keyed by the parent's path values.

An entry holds the stored record (writeOnly fields included) as compact JSON bytes and decodes it on
access: ``stored`` is the whole record, ``public`` what responses show. A Python dict of a typical
record takes three times its JSON size, and a sandbox may hold 100,000 of them; list pages and
answers are cached, so decoding is rare on the hot path. Every access returns a fresh dict, and
entries are never edited in place: a write builds a new entry and swaps it in, so readers holding the
old one (and cached list pages) stay consistent.
"""

from __future__ import annotations

import copy
import functools
import heapq
import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from specmock.memo import key_bytes
from specmock.state.identity import key_of
from specmock.state.projection import Strip
from specmock.state.resources import Resource

Record = dict[str, Any]
Scope = tuple[str, ...]
CACHE_LIMIT = 512
CACHE_BYTES = 16 * 1024 * 1024  # per collection: list pages are Python objects, ~3× their JSON size


class Entry:
    __slots__ = ("data", "expires_at", "projection", "seeded")

    def __init__(
        self,
        stored: Record,
        projection: Projection | None = None,
        seeded: bool = False,
        expires_at: float | None = None,
    ) -> None:
        # orjson bytes (a third of the dict's size), copied out of orjson's growth buffer (16 KiB for
        # a 1 KiB record); a deep copy of the dict when orjson refuses it (integers beyond 64 bits).
        try:
            self.data: bytes | Record = bytes(memoryview(orjson.dumps(stored)))
        except TypeError:
            self.data = copy.deepcopy(stored)
        self.projection = projection  # None: the public view is the whole record
        self.seeded = seeded
        self.expires_at = expires_at  # POSIX seconds (x-specmock-resource.expires), None: never

    @property
    def stored(self) -> Record:
        data = self.data
        return orjson.loads(data) if isinstance(data, bytes) else copy.deepcopy(data)

    @property
    def public(self) -> Record:
        stored = self.stored
        return stored if self.projection is None else self.projection.public(stored)

    def may_hold(self, pattern: bytes | None) -> bool:
        """False only when the record certainly lacks the ``"field":value`` bytes of ``pattern``."""
        data = self.data
        return pattern is None or not isinstance(data, bytes) or pattern in data

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def field_pattern(name: str, value: Any) -> bytes | None:
    """The exact bytes ``"name":value`` has inside a packed record, for a cheap scan; None when a
    value may be spelled several ways (numbers: ``1`` equals ``1.0``)."""
    if not isinstance(value, str):
        return None
    return orjson.dumps({name: value})[1:-1]


class Projection:
    """Hides writeOnly and ``x-specmock-hidden`` fields, undeclared ones of a closed schema, and
    writeOnly values below the top level (``signers[].password``)."""

    __slots__ = ("allowed", "hidden", "inner")

    def __init__(
        self, hidden: frozenset[str], allowed: frozenset[str] | None, inner: Strip | None = None
    ) -> None:
        self.hidden = hidden
        self.allowed = allowed
        self.inner = inner

    def public(self, stored: Record) -> Record:
        """``stored`` itself when nothing is to hide, else a copy without the hidden fields."""
        allowed, hidden = self.allowed, self.hidden
        if allowed is not None and not allowed.issuperset(stored):
            out: Record | None = {k: v for k, v in stored.items() if k in allowed and k not in hidden}
        else:
            out = None
            for name in hidden:  # a few names: copying and deleting is ~4× cheaper than a comprehension
                if name in stored:
                    if out is None:
                        out = stored.copy()
                    del out[name]
        if self.inner is not None:
            return self.inner.apply(stored if out is None else out)  # type: ignore[no-any-return]
        return stored if out is None else out


class Bucket:
    __slots__ = ("creates", "deleted", "entries", "next_int")

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        # Tombstones, oldest first: these never materialise again (the oldest are forgotten beyond
        # the collection's record limit, so create-and-delete loops stay bounded).
        self.deleted: dict[str, None] = {}
        self.next_int = 1
        self.creates: random.Random | None = None  # the source created records draw from


class Collection:
    """The records of one resource; ``version`` changes on every write, from a sandbox-wide counter."""

    def __init__(self, resource: Resource, clock: Clock) -> None:
        self.resource = resource
        self.clock = clock
        self.buckets: dict[Scope, Bucket] = {}
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.cache_bytes = 0  # about what ``cache`` holds: keys (a client's query values) and pages
        self.version = clock.tick()
        self.loaded = False  # True after load(): no lazy seeding any more
        self.scheduled: float | None = None  # the expiry instant last given to the clock
        hidden = resource.write_only | frozenset(resource.hidden)
        allowed = frozenset(resource.properties) if resource.closed else None
        inner = resource.shown
        needed = hidden or resource.closed or inner is not None
        self.projection = Projection(hidden, allowed, inner) if needed else None
        # What responses show of a stored record (the projection's own bound method: no extra call).
        self.public: Callable[[Record], Record] = (
            _unchanged if self.projection is None else self.projection.public
        )

    def touch(self) -> None:
        clock = self.clock
        clock.now += 1  # clock.tick(), without the call: every write touches
        self.version = clock.now
        if self.cache:
            self.cache = {}
            self.cache_bytes = 0

    def entry(self, stored: Record, seeded: bool = False) -> Entry:
        expiry = self.resource.expires
        at = instant(stored.get(expiry.field)) if expiry is not None else None
        if at is not None and at != self.scheduled:  # creates in one second share their expiry
            self.clock.schedule(at, self)
            self.scheduled = at
        return Entry(stored, self.projection, seeded, at)

    def key_for(self, stored: Record, fallback: str) -> str:
        field = self.resource.id_field
        if field is not None and stored.get(field) is not None:
            return key_of(stored[field])
        return fallback

    def remember(self, key: tuple[Any, ...], value: Any, weight: int = 0) -> None:
        """Cache ``value`` (bounded in entries and bytes: ``weight`` is about what it holds)."""
        cost = key_bytes(key) + weight
        if cost > CACHE_BYTES:
            return
        if len(self.cache) >= CACHE_LIMIT or self.cache_bytes + cost > CACHE_BYTES:
            self.cache = {}
            self.cache_bytes = 0
        self.cache[key] = value
        self.cache_bytes += cost


class Clock:
    """Sandbox-wide version counter: ``now`` changes whenever any stored record may have changed,
    including when an item's expiry instant passes (``expire_due``, called before every request)."""

    __slots__ = ("deadlines", "now", "order")

    def __init__(self) -> None:
        self.now = 0
        self.deadlines: list[tuple[float, int, Collection]] = []
        self.order = itertools.count()

    def tick(self) -> int:
        self.now += 1
        return self.now

    def schedule(self, at: float, collection: Collection) -> None:
        heapq.heappush(self.deadlines, (at, next(self.order), collection))

    def expire_due(self, now: float) -> None:
        """Every collection with an item whose expiry passed since the last call changes version."""
        while self.deadlines and self.deadlines[0][0] <= now:
            _, _, collection = heapq.heappop(self.deadlines)
            collection.touch()


def _unchanged(stored: Record) -> Record:
    return stored


def instant(value: Any) -> float | None:
    """An RFC 3339 date-time as POSIX seconds (naive ones read as UTC); None for anything else."""
    if not isinstance(value, str) or not 10 <= len(value) <= 64:  # RFC 3339 stamps are short
        return None
    return _instant(value)


@functools.lru_cache(maxsize=256)  # expiry stamps of creates in the same second repeat
def _instant(value: str) -> float | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def rfc3339(seconds: float) -> str:
    return _rfc3339(int(seconds))


@functools.lru_cache(maxsize=64)  # creates in the same second share their timestamps
def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def drop_scope(collection: Collection, prefix: Scope) -> bool:
    """Remove every bucket under ``prefix`` (a deleted parent's children); True if any was there."""
    doomed = [scope for scope in collection.buckets if scope[: len(prefix)] == prefix]
    for scope in doomed:
        del collection.buckets[scope]
    if doomed:
        collection.touch()
    return bool(doomed)
