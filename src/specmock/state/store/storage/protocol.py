"""The storage protocol: what the running store needs from the place its records live.

A backend keeps, per collection (a resource's name), *buckets* of records: one bucket per parent
path (``()`` for a top-level resource, ``("7",)`` for the loans of book 7), each an ordered map from
a key (the record's id as text) to a ``StoredRecord`` (``stored``: the record's JSON as bytes).
Everything that is inferred from the spec (ids, unique fields, seeding, cascades, expiry fields) is
decided above this line; a backend only stores, refuses conflicting writes atomically and counts
versions. ``MemoryStorage`` is the default; a second backend is a new module implementing
``Storage`` and passing ``tests/state/test_storage_contract.py``.

The contract, for every backend:

- **Buckets.** ``open`` makes a bucket exist: the first ``open`` of (collection, path) since the
  store was made, reset, or the collection replaced calls ``seeding`` exactly once (with ``True``
  when the collection was replaced by ``replace``: the bucket then starts as the seeding says, but
  callers give it no records) and stores what it returns in one step; concurrent openers (other
  threads, processes or machines) wait for it and never seed twice. ``open`` refuses (returns
  False, stores nothing, calls nothing) when the collection already holds ``max_paths`` buckets.
  ``records`` is None for a bucket never opened.
- **Order.** ``records`` iterates in insertion order; replacing a record under its own key keeps its
  place, a new key (or a record moved to a new key) goes last. Lists are paged over this order, so
  it must be the same for every reader.
- **Conditional writes.** ``put`` stores a record under ``key`` unless (checked in this order, in
  the same atomic step as the write): ``key`` is held by a record other than ``replaces`` (→
  ``Taken(None)``), or one of ``unique``'s ``(field, value)`` pairs is held, under that top-level
  field, by a record other than ``replaces`` (→ ``Taken(field)``, the first such pair). With
  ``replaces`` the record under that key is removed in the same step (a changed id moves the item).
  A stored record's key stops being a tombstone. ``next_number`` raises the bucket's number counter
  to at least that value in the same step. Values compare as JSON values (``1 == 1.0``).
- **Versions.** ``version`` is store-wide and ``version_of(collection)`` per collection; both only
  grow, and every change a reader could see (``put``, ``delete``, ``drop_paths``, ``move_paths``,
  ``replace``, ``reset``, ``touch``, an expiry instant passing in ``expire_due``) gives
  the store, and the collection concerned, a version never returned before. A process answers from
  its response cache only while the version it cached under is the current one, so a backend shared
  by processes must show each one the others' writes through ``version``.
- **Expiry.** A ``StoredRecord``'s expiry instant (``stored.expiry_of``, POSIX seconds) is the
  instant it starts reading as gone; the record stays stored (it still holds its key) until
  deleted. ``expire_due(now)`` gives a new version to every collection holding a record whose
  instant is ``<= now`` and passed since the last call. ``next_expiry`` is the earliest instant
  ``expire_due`` is waiting for (``inf``: none), so a caller knows whether it has anything to do;
  read without the caller's lock, it may be earlier than the truth but never later.
- **Tombstones.** ``delete`` remembers the key as deleted (``deleted``) until it is stored again,
  and so does a ``put`` that renames a record (``replaces`` another key) for the key it replaced;
  a bucket keeps at most ``tombstones`` of them, forgetting the oldest (``put``'s default, 0, keeps
  none).
- **Counters.** ``next_number``: the bucket's next integer id (1 for a bucket never numbered);
  ``count_create``: creates since the last reset, this one included.
- **Whole store.** ``reset`` forgets everything (records, buckets, tombstones, counters, loaded
  collections). ``replace`` sets a collection's buckets wholesale (``load``): no
  bucket of it is seeded afterwards, until reset. ``adopt`` takes over collections from the store
  of an earlier build of the same document (hot reload); a shared backend, where the earlier store
  *is* this one, keeps its data and only changes versions.
- **Snapshots.** ``snapshot`` captures everything the store holds that a later reader could
  observe (buckets in order, records with their ``seeded`` flag and expiry instant, tombstones in
  order, number counters, loaded collections, the create count) and returns a function that encodes
  it as bytes: cheap to call under the caller's lock, while the encoding may run later, on another
  thread, as the store goes on changing. The bytes are an explicit, versioned format (never pickle:
  whoever can write them must not be able to run code in the reader). ``restore`` makes the store
  hold exactly what a snapshot says, forgetting what it held, and raises ``SnapshotError`` (changing
  nothing) for bytes it cannot read. Versions stay the store's own: after ``restore`` every
  collection has a version never returned before. A store restored from another's snapshot answers
  every later call as that one would (``tests/state/test_storage_contract.py``).

Every method is one request to a networked backend (``records`` one round trip for the whole
bucket); none is called per field. ``version`` and ``next_expiry`` are read on every request, so
they are attributes (a property for a backend that must compute them): a method call per request
costs the in-memory store about 1 % of a create. Callers serialise calls within a process (the
sandbox's lock); atomicity across processes is the backend's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from specmock.state.store.storage.stored import StoredRecord

ParentPath = tuple[str, ...]  # the path values of the items above a nested record (book 7's loans: ("7",))


class SnapshotError(ValueError):
    """A snapshot that cannot be read (garbled, truncated, or of another format version)."""


class Seeding(NamedTuple):
    """What a bucket starts with: its records in order, and its next integer id."""

    records: dict[str, StoredRecord]
    next_number: int = 1


@dataclass(frozen=True, slots=True)
class Taken:
    """A refused ``put``: ``field`` is the unique field whose value another record holds; None when
    the key itself is held."""

    field: str | None = None


SeedingFor = Callable[[bool], Seeding]  # (collection replaced: start empty) → the bucket's start


class Storage(Protocol):
    """Where the running store keeps its records (the contract is the module's docstring)."""

    # Buckets and records
    def open(self, collection: str, path: ParentPath, seeding: SeedingFor, max_paths: int) -> bool: ...

    def records(self, collection: str, path: ParentPath) -> Mapping[str, StoredRecord] | None: ...

    def get(self, collection: str, path: ParentPath, key: str) -> StoredRecord | None: ...

    def size(self, collection: str, path: ParentPath) -> int: ...

    def total(self, collection: str) -> int: ...

    def paths(self, collection: str) -> list[ParentPath]: ...

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
    ) -> Taken | None: ...

    def holder(
        self, collection: str, path: ParentPath, unique: Sequence[tuple[str, Any]], own: str | None
    ) -> str | None: ...

    def delete(self, collection: str, path: ParentPath, key: str, tombstones: int) -> StoredRecord | None: ...

    def deleted(self, collection: str, path: ParentPath, key: str) -> bool: ...

    def drop_paths(self, collection: str, prefix: ParentPath) -> bool: ...

    def move_paths(self, collection: str, prefix: ParentPath, target: ParentPath) -> bool: ...

    def next_number(self, collection: str, path: ParentPath) -> int: ...

    # Versions and expiry
    @property
    def version(self) -> int: ...

    def version_of(self, collection: str) -> int: ...

    def touch(self, collection: str) -> None: ...

    @property
    def next_expiry(self) -> float: ...

    def expire_due(self, now: float) -> None: ...

    # Counters
    def count_create(self) -> int: ...

    # The whole store
    def reset(self) -> None: ...

    def replace(self, collection: str, buckets: Mapping[ParentPath, Seeding]) -> None: ...

    def adopt(self, earlier: Storage, collections: Iterable[str]) -> None: ...

    # Snapshots
    def snapshot(self) -> Callable[[], bytes]: ...

    def restore(self, snapshot: bytes) -> None: ...
