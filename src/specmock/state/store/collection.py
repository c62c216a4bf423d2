"""A resource's records as the running store sees them: what responses show of a stored record
(``Projection``) and the page cache.

Stored records are compact JSON bytes (``storage.StoredRecord``), decoded afresh on every read; list
pages and answers are cached per collection version, so decoding is rare on the hot path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock.memo import key_bytes
from specmock.state.inferred.identity import key_of
from specmock.state.inferred.instants import instant
from specmock.state.inferred.projection import Strip
from specmock.state.inferred.resources import Record, Resource
from specmock.state.store.storage.protocol import Storage
from specmock.state.store.storage.stored import StoredRecord, stored_record

CACHE_LIMIT = 512
CACHE_BYTES = 16 * 1024 * 1024  # per collection: list pages are Python objects, ~3× their JSON size


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


class Collection:
    """One resource's view of its stored records: how they are shown, and answers cached for the
    collection's current version (a cache entry of an older version is never found again)."""

    __slots__ = (
        "cache",
        "cache_bytes",
        "cache_version",
        "dropped",
        "name",
        "projection",
        "public",
        "resource",
        "storage",
    )

    def __init__(self, resource: Resource, storage: Storage) -> None:
        self.resource = resource
        self.name = resource.name
        self.storage = storage
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.cache_bytes = 0  # about what ``cache`` holds: keys (a client's query values) and pages
        self.cache_version = -1  # the collection version ``cache`` belongs to
        self.dropped = resource.read_only | frozenset(resource.hidden)  # the fields a client may not set
        hidden = resource.write_only | frozenset(resource.hidden)
        allowed = frozenset(resource.properties) if resource.closed else None
        inner = resource.shown
        needed = hidden or resource.closed or inner is not None
        self.projection = Projection(hidden, allowed, inner) if needed else None
        # What responses show of a stored record (the projection's own bound method: no extra call).
        self.public: Callable[[Record], Record] = (
            _unchanged if self.projection is None else self.projection.public
        )

    @property
    def version(self) -> int:
        return self.storage.version_of(self.name)

    def stored(self, record: Record, seeded: bool = False) -> StoredRecord:
        """``record`` ready to store, with its expiry instant when the resource declares one."""
        expiry = self.resource.expires
        at = instant(record.get(expiry.field)) if expiry is not None else None
        return stored_record(record, seeded, at)

    def key_for(self, stored: Record, fallback: str) -> str:
        field = self.resource.id_field
        if field is not None and stored.get(field) is not None:
            return key_of(stored[field])
        return fallback

    def cached(self, key: tuple[Any, ...], version: int, default: Any = None) -> Any:
        """What ``remember`` kept under ``key`` at this ``version``, or ``default``."""
        return self.cache.get(key, default) if version == self.cache_version else default

    def remember(self, key: tuple[Any, ...], version: int, value: Any, weight: int = 0) -> None:
        """Cache ``value`` (bounded in entries and bytes: ``weight`` is about what it holds)."""
        cost = key_bytes(key) + weight
        if cost > CACHE_BYTES:
            return
        if (
            version != self.cache_version
            or len(self.cache) >= CACHE_LIMIT
            or self.cache_bytes + cost > CACHE_BYTES
        ):
            self.cache = {}
            self.cache_bytes = 0
            self.cache_version = version
        self.cache[key] = value
        self.cache_bytes += cost


def _unchanged(stored: Record) -> Record:
    return stored
