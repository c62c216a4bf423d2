"""``MemoryStorage``: the default backend, one process's dicts (the contract: ``protocol``).

A collection is a dict of buckets by parent path; a bucket a dict of ``StoredRecord`` by key (Python
dicts keep insertion order, which is the listing order), its tombstones and its number counter.
Versions come from one store-wide counter; expiry instants wait in a heap.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import orjson

from specmock.state.store.storage import snapshot_format
from specmock.state.store.storage.protocol import (
    ParentPath,
    Seeding,
    SeedingFor,
    Storage,
    Taken,
)
from specmock.state.store.storage.stored import StoredRecord, expiry_of, may_hold, record_of

KEY_TAKEN = Taken(None)


def _let_others_run() -> None:
    """Between two pieces of a snapshot: the encoding runs on a thread beside a serving event loop,
    and a zero sleep hands the GIL to the loop when it waits for it, instead of after the switch
    interval (5 ms)."""
    time.sleep(0)


class Bucket:
    __slots__ = ("deleted", "next_number", "records")

    def __init__(self, seeding: Seeding) -> None:
        self.records: dict[str, StoredRecord] = seeding.records
        # Tombstones, oldest first (the oldest are forgotten beyond the caller's bound).
        self.deleted: dict[str, None] = {}
        self.next_number = seeding.next_number


class Shelf:
    """One collection's buckets and version."""

    __slots__ = ("buckets", "loaded", "scheduled", "version")

    def __init__(self, version: int, loaded: bool = False) -> None:
        self.buckets: dict[ParentPath, Bucket] = {}
        self.version = version
        self.loaded = loaded  # True after replace(): no seeding any more
        self.scheduled: float | None = None  # the expiry instant last put in the heap


class MemoryStorage:
    def __init__(self) -> None:
        self.version = 0
        self.next_expiry = math.inf  # the heap's head, kept as an attribute: read on every request
        self._shelves: dict[str, Shelf] = {}
        self._deadlines: list[tuple[float, int, str]] = []
        self._order = itertools.count()
        self._creates = 0

    def _shelf(self, collection: str) -> Shelf:
        shelf = self._shelves.get(collection)
        if shelf is None:
            self.version += 1
            shelf = self._shelves[collection] = Shelf(self.version)
        return shelf

    def _touch(self, shelf: Shelf) -> None:
        self.version += 1
        shelf.version = self.version

    def _schedule(self, collection: str, shelf: Shelf, at: float) -> None:
        heapq.heappush(self._deadlines, (at, next(self._order), collection))
        shelf.scheduled = at
        if at < self.next_expiry:
            self.next_expiry = at

    # Buckets and records

    def open(self, collection: str, path: ParentPath, seeding: SeedingFor, max_paths: int) -> bool:
        shelf = self._shelf(collection)
        if path in shelf.buckets:
            return True
        if len(shelf.buckets) >= max_paths:
            return False
        start = seeding(shelf.loaded)
        shelf.buckets[path] = Bucket(start)
        self._schedule_all(collection, shelf, start.records.values())
        return True

    def _schedule_all(self, collection: str, shelf: Shelf, stored: Iterable[StoredRecord]) -> None:
        for at in sorted({at for at in map(expiry_of, stored) if at is not None}):
            self._schedule(collection, shelf, at)

    def records(self, collection: str, path: ParentPath) -> Mapping[str, StoredRecord] | None:
        shelf = self._shelves.get(collection)
        bucket = shelf.buckets.get(path) if shelf is not None else None
        return bucket.records if bucket is not None else None

    def get(self, collection: str, path: ParentPath, key: str) -> StoredRecord | None:
        records = self.records(collection, path)
        return records.get(key) if records is not None else None

    def size(self, collection: str, path: ParentPath) -> int:
        records = self.records(collection, path)
        return len(records) if records is not None else 0

    def total(self, collection: str) -> int:
        shelf = self._shelves.get(collection)
        return sum(len(b.records) for b in shelf.buckets.values()) if shelf is not None else 0

    def paths(self, collection: str) -> list[ParentPath]:
        shelf = self._shelves.get(collection)
        return list(shelf.buckets) if shelf is not None else []

    def put(
        self,
        collection: str,
        path: ParentPath,
        key: str,
        stored: StoredRecord,
        *,
        replaces: str | None = None,
        unique: Sequence[tuple[str, Any]] = (),
        next_number: int | None = None,
        tombstones: int = 0,
    ) -> Taken | None:
        shelf = self._shelves.get(collection) or self._shelf(collection)
        bucket = shelf.buckets.get(path)
        if bucket is None:
            bucket = shelf.buckets[path] = Bucket(Seeding({}))
        records = bucket.records
        if key != replaces and key in records:
            return KEY_TAKEN
        if unique:
            field = _holder(records, unique, replaces)
            if field is not None:
                return Taken(field)
        if replaces is not None and replaces != key and records.pop(replaces, None) is not None:
            _remember_deleted(bucket, replaces, tombstones)
        records[key] = stored
        if bucket.deleted:
            bucket.deleted.pop(key, None)
        if next_number is not None and next_number > bucket.next_number:
            bucket.next_number = next_number
        at = expiry_of(stored)
        if at is not None and at != shelf.scheduled:  # creates in one second share their expiry
            self._schedule(collection, shelf, at)
        self.version += 1  # _touch, without the call: every write touches
        shelf.version = self.version
        return None

    def holder(
        self, collection: str, path: ParentPath, unique: Sequence[tuple[str, Any]], own: str | None
    ) -> str | None:
        records = self.records(collection, path)
        return _holder(records, unique, own) if records else None

    def delete(self, collection: str, path: ParentPath, key: str, tombstones: int) -> StoredRecord | None:
        shelf = self._shelves.get(collection)
        bucket = shelf.buckets.get(path) if shelf is not None else None
        if shelf is None or bucket is None:
            return None
        stored = bucket.records.pop(key, None)
        if stored is None:
            return None
        _remember_deleted(bucket, key, tombstones)
        self._touch(shelf)
        return stored

    def deleted(self, collection: str, path: ParentPath, key: str) -> bool:
        shelf = self._shelves.get(collection)
        bucket = shelf.buckets.get(path) if shelf is not None else None
        return bucket is not None and key in bucket.deleted

    def drop_paths(self, collection: str, prefix: ParentPath) -> bool:
        shelf = self._shelves.get(collection)
        if shelf is None:
            return False
        doomed = [path for path in shelf.buckets if path[: len(prefix)] == prefix]
        for path in doomed:
            del shelf.buckets[path]
        if doomed:
            self._touch(shelf)
        return bool(doomed)

    def move_paths(self, collection: str, prefix: ParentPath, target: ParentPath) -> bool:
        shelf = self._shelves.get(collection)
        if shelf is None:
            return False
        cut = len(prefix)
        moved = {(target + p[cut:] if p[:cut] == prefix else p): b for p, b in shelf.buckets.items()}
        if moved.keys() == shelf.buckets.keys():
            return False
        shelf.buckets = moved
        self._touch(shelf)
        return True

    def next_number(self, collection: str, path: ParentPath) -> int:
        shelf = self._shelves.get(collection)
        bucket = shelf.buckets.get(path) if shelf is not None else None
        return bucket.next_number if bucket is not None else 1

    # Versions and expiry

    def version_of(self, collection: str) -> int:
        shelf = self._shelves.get(collection)
        return shelf.version if shelf is not None else 0  # a shelf made later gets a newer one

    def touch(self, collection: str) -> None:
        self._touch(self._shelf(collection))

    def expire_due(self, now: float) -> None:
        deadlines = self._deadlines
        while deadlines and deadlines[0][0] <= now:
            at, _, collection = heapq.heappop(deadlines)
            shelf = self._shelf(collection)
            if shelf.scheduled == at:  # passed: a record put later with this instant is scheduled anew
                shelf.scheduled = None
            self._touch(shelf)
        self.next_expiry = deadlines[0][0] if deadlines else math.inf

    # Counters

    def count_create(self) -> int:
        self._creates += 1
        return self._creates

    # The whole store

    def reset(self) -> None:
        self._creates = 0
        self._deadlines.clear()
        self.next_expiry = math.inf
        for shelf in self._shelves.values():
            shelf.buckets = {}
            shelf.loaded = False
            shelf.scheduled = None
            self._touch(shelf)

    def replace(self, collection: str, buckets: Mapping[ParentPath, Seeding]) -> None:
        self.version += 1
        shelf = self._shelves[collection] = Shelf(self.version, loaded=True)
        for path, seeding in buckets.items():
            shelf.buckets[path] = Bucket(seeding)
            self._schedule_all(collection, shelf, seeding.records.values())

    def adopt(self, earlier: Storage, collections: Iterable[str]) -> None:
        if earlier is self:
            for name in collections:
                self.touch(name)
            return
        if not isinstance(earlier, MemoryStorage):
            raise TypeError("an in-memory store adopts records from another in-memory store only")
        self._creates = max(self._creates, earlier._creates)
        for name in collections:
            old = earlier._shelves.get(name)
            if old is None:
                continue
            shelf = self._shelf(name)
            shelf.buckets = old.buckets
            shelf.loaded = old.loaded
            self._schedule_all(name, shelf, (s for b in shelf.buckets.values() for s in b.records.values()))
            self._touch(shelf)

    # Snapshots

    def snapshot(self) -> Callable[[], bytes]:
        # A copy of every bucket's maps (the records are never changed once stored, so they are
        # shared): a few milliseconds at 100k records, where encoding them takes ~150 ms.
        states = [
            (
                name,
                snapshot_format.CollectionState(
                    shelf.loaded, {p: _state(b) for p, b in shelf.buckets.items()}
                ),
            )
            for name, shelf in sorted(self._shelves.items())  # their order is not observable
            if shelf.buckets or shelf.loaded  # an empty shelf is only a version
        ]
        creates = self._creates
        return lambda: snapshot_format.encode(creates, states, _let_others_run)

    def restore(self, snapshot: bytes) -> None:
        creates, collections = snapshot_format.decode(snapshot)  # raises before anything changes
        self._creates = creates
        self._deadlines.clear()
        self.next_expiry = math.inf
        earlier, self._shelves = self._shelves, {}
        for name, state in collections.items():
            self.version += 1
            shelf = self._shelves[name] = Shelf(self.version, state.loaded)
            for path, bucket in state.buckets.items():
                kept = shelf.buckets[path] = Bucket(Seeding(bucket.records, bucket.next_number))
                kept.deleted = dict.fromkeys(bucket.deleted)
            self._schedule_all(name, shelf, (s for b in shelf.buckets.values() for s in b.records.values()))
        for name, shelf in earlier.items():  # kept (empty) so that its version only grows
            if name not in self._shelves:
                shelf.buckets, shelf.loaded, shelf.scheduled = {}, False, None
                self._touch(shelf)
                self._shelves[name] = shelf


def _remember_deleted(bucket: Bucket, key: str, tombstones: int) -> None:
    """A tombstone for ``key``; the bucket keeps at most ``tombstones``, forgetting the oldest."""
    if tombstones <= 0:
        return
    deleted = bucket.deleted
    if len(deleted) >= tombstones:
        del deleted[next(iter(deleted))]
    deleted[key] = None


def _state(bucket: Bucket) -> snapshot_format.BucketState:
    return snapshot_format.BucketState(bucket.next_number, list(bucket.deleted), dict(bucket.records))


def _holder(
    records: Mapping[str, StoredRecord], unique: Sequence[tuple[str, Any]], own: str | None
) -> str | None:
    """The first field of ``unique`` whose value a record other than ``own`` holds (a scan)."""
    for name, value in unique:
        pattern = field_pattern(name, value)
        for key, stored in records.items():
            if key != own and may_hold(stored, pattern) and record_of(stored).get(name) == value:
                return name
    return None


def field_pattern(name: str, value: Any) -> bytes | None:
    """The exact bytes ``"name":value`` has inside a packed record, for a cheap scan; None when a
    value may be spelled several ways (numbers: ``1`` equals ``1.0``)."""
    if not isinstance(value, str):
        return None
    return orjson.dumps({name: value})[1:-1]
