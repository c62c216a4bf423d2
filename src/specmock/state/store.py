"""Stored records: per resource, buckets of entries keyed by the parent's path values.

An entry holds the stored dict (writeOnly fields included) and its public view (what responses show;
the same object when nothing is hidden). Entries are never edited in place: a write builds a new entry
and swaps it in, so readers holding the old one (and cached list pages) stay consistent.
"""

from __future__ import annotations

import heapq
import itertools
from datetime import UTC, datetime
from typing import Any

from specmock.state.identity import key_of
from specmock.state.resources import Resource

Record = dict[str, Any]
Scope = tuple[str, ...]
CACHE_LIMIT = 512


class Entry:
    __slots__ = ("expires_at", "public", "seeded", "stored")

    def __init__(
        self, stored: Record, public: Record, seeded: bool = False, expires_at: float | None = None
    ) -> None:
        self.stored = stored
        self.public = public
        self.seeded = seeded
        self.expires_at = expires_at  # POSIX seconds (x-specmock-resource.expires), None: never

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class Bucket:
    __slots__ = ("deleted", "entries", "next_int")

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.deleted: set[str] = set()  # tombstones: these never materialise again
        self.next_int = 1


class Collection:
    """The records of one resource; ``version`` changes on every write, from a sandbox-wide counter."""

    def __init__(self, resource: Resource, clock: Clock) -> None:
        self.resource = resource
        self.clock = clock
        self.buckets: dict[Scope, Bucket] = {}
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.version = clock.tick()
        self.loaded = False  # True after load(): no lazy seeding any more
        hidden = resource.write_only | frozenset(resource.hidden)
        self.projects = bool(hidden) or resource.closed
        self.hidden = hidden
        self.allowed = frozenset(resource.properties) if resource.closed else None

    def touch(self) -> None:
        self.version = self.clock.tick()
        if self.cache:
            self.cache = {}

    def public(self, stored: Record) -> Record:
        if not self.projects:
            return stored
        allowed, hidden = self.allowed, self.hidden
        if not any(k in hidden or (allowed is not None and k not in allowed) for k in stored):
            return stored  # nothing to hide: one dict serves the store and every response
        return {k: v for k, v in stored.items() if k not in hidden and (allowed is None or k in allowed)}

    def entry(self, stored: Record, seeded: bool = False) -> Entry:
        expiry = self.resource.expires
        at = instant(stored.get(expiry.field)) if expiry is not None else None
        if at is not None:
            self.clock.schedule(at, self)
        return Entry(stored, self.public(stored), seeded, at)

    def key_for(self, stored: Record, fallback: str) -> str:
        field = self.resource.id_field
        if field is not None and stored.get(field) is not None:
            return key_of(stored[field])
        return fallback

    def remember(self, key: tuple[Any, ...], value: Any) -> None:
        if len(self.cache) >= CACHE_LIMIT:
            self.cache = {}
        self.cache[key] = value


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


def instant(value: Any) -> float | None:
    """An RFC 3339 date-time as POSIX seconds (naive ones read as UTC); None for anything else."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def drop_scope(collection: Collection, prefix: Scope) -> bool:
    """Remove every bucket under ``prefix`` (a deleted parent's children); True if any was there."""
    doomed = [scope for scope in collection.buckets if scope[: len(prefix)] == prefix]
    for scope in doomed:
        del collection.buckets[scope]
    if doomed:
        collection.touch()
    return bool(doomed)
