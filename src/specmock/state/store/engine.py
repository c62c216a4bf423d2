"""The record store behind the sandbox: lazy seeding, lookups, parent checks, cascades, dump and load,
over a ``Storage`` backend (``storage.protocol``; in memory by default).

Callers hold ``engine.lock`` around every call (an ``RLock``: cheap when uncontended).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from specmock.generation import rng_for
from specmock.openapi.model import Operation
from specmock.openapi.success import CREATE
from specmock.state.inferred.answers import View
from specmock.state.inferred.identity import id_from_path, key_of
from specmock.state.inferred.planning import Plan
from specmock.state.inferred.resources import Record, Resource
from specmock.state.inferred.roles import ACTION, LIST, SINGLETON
from specmock.state.store.adapt import Adapter
from specmock.state.store.collection import Collection
from specmock.state.store.outcome import Outcome, documented_success, has_body, not_found
from specmock.state.store.rules import finish
from specmock.state.store.seeding import Seeder
from specmock.state.store.storage.memory import MemoryStorage
from specmock.state.store.storage.protocol import (
    ParentPath,
    Seeding,
    SnapshotError,
    Storage,
)
from specmock.state.store.storage.stored import StoredRecord, has_expired, is_seeded, record_of, stored_record

CHILDREN_PER_PARENT = 3
DEFAULT_MAX_RECORDS = 10_000
SINGLETON_KEY = ""
UNKNOWN: Any = object()  # not cached yet (None is a cached value)


class Engine:
    def __init__(
        self,
        plan: Plan,
        seeder: Seeder,
        records: int,
        max_records: int = DEFAULT_MAX_RECORDS,
        storage: Storage | None = None,
    ) -> None:
        self.plan = plan
        self.seeder = seeder
        self.records = records
        self.max_records = max_records  # per collection: stored records, parent scopes, tombstones
        self.lock = threading.RLock()
        self.storage: Storage = storage if storage is not None else MemoryStorage()
        self.now: Callable[[], float] = time.time  # read only to decide expiry (x-specmock-resource.expires)
        # The random source each bucket's creates draw from, one after another (this process's).
        self.streams: dict[tuple[str, ParentPath], random.Random] = {}
        self.envelopes: dict[str, dict[str, Any]] = {}
        self.statuses: dict[tuple[str, tuple[int, ...]], tuple[int, bool]] = {}
        self.locations: dict[str, bool] = {}
        self.adapters: dict[str, Adapter] = {}
        self.collections = {n: Collection(r, self.storage) for n, r in plan.resources.items()}
        self.children: dict[str, list[str]] = {n: [] for n in plan.resources}
        for name, resource in plan.resources.items():
            if resource.parent is not None:
                self.children[resource.parent].append(name)

    def status(self, operation: Operation, preferred: tuple[int, ...]) -> tuple[int, bool]:
        """The success status to answer with, and whether the spec gives it a body (cached)."""
        found = self.statuses.get((operation.key, preferred))
        if found is None:
            status = documented_success(operation, preferred) or preferred[0]
            found = self.statuses[operation.key, preferred] = (status, has_body(operation, status))
        return found

    def envelope(self, key: str, view: View, resource: str) -> dict[str, Any]:
        """The generated wrapper an operation's answer puts its record in (made once, then shared)."""
        found = self.envelopes.get(key)
        if found is None:
            draw = self.seeder.generator.compile(view.envelope or {}, direction="response", name=key)
            value = draw(rng_for(self.seeder.seed, resource, "envelope", key))
            found = self.envelopes[key] = value if isinstance(value, dict) else {}
        return found

    def adapter(self, key: str, schema: Any, resource: Resource) -> Adapter:
        """How an operation whose answer schema is not the entity's shows a record (made once)."""
        found = self.adapters.get(key)
        if found is None:
            name = f"{resource.name}.{key}"
            found = self.adapters[key] = Adapter(self.seeder, schema, name, resource.id_field)
        return found

    def sends_location(self, operation: Operation) -> bool:
        """Whether a create's documented success declares a ``Location`` header (cached)."""
        found = self.locations.get(operation.key)
        if found is None:
            status, _ = self.status(operation, CREATE)
            response = operation.responses.get(str(status))
            found = response is not None and any(h.name.lower() == "location" for h in response.headers)
            self.locations[operation.key] = found
        return found

    def create_stream(self, collection: Collection, path: ParentPath) -> random.Random:
        """The random source a bucket's creates draw from, one after another: seeded once from the
        seed, the resource and the path, so the same requests after a start or reset give the
        same records (seeding a source per record cost more than drawing the record)."""
        found = self.streams.get((collection.name, path))
        if found is None:
            found = rng_for(self.seeder.seed, collection.name, *path, "create")
            self.streams[collection.name, path] = found
        return found

    def rekeyed(self, collection: Collection, path: ParentPath, old: str, new: str) -> None:
        """An item's id changed (PUT/PATCH of a writable id): its children move along."""
        prefix, target = (*path, old), (*path, new)
        for child in self._descendants(collection.name):
            self.storage.move_paths(child, prefix, target)

    def _descendants(self, name: str) -> list[str]:
        out = []
        for child in self.children.get(name, ()):
            out.append(child)
            out += self._descendants(child)
        return out

    def adopt(self, earlier: Engine, names: Iterable[str]) -> None:
        """``earlier``'s records of ``names`` become this engine's (see ``Sandbox.adopt``)."""
        names = list(names)
        self.storage.adopt(earlier.storage, names)
        taken = set(names)
        self.streams.update({k: v for k, v in earlier.streams.items() if k[0] in taken})

    def reset(self) -> None:
        self.storage.reset()
        self.streams.clear()

    def stream_states(self) -> list[Any]:
        """Where every bucket's create stream stands, as JSON values (a snapshot's part)."""
        out: list[Any] = []
        for (name, path), stream in self.streams.items():
            version, internal, gauss = stream.getstate()
            out.append([name, list(path), version, list(internal), gauss])
        return out

    def bucket(self, collection: Collection, path: ParentPath) -> Mapping[str, StoredRecord]:
        """The bucket's records in order (read only), seeded on first use. Beyond ``max_records``
        buckets the records are seeded afresh on every call and never kept (see ``full``)."""
        found = self.storage.records(collection.name, path)
        if found is None:
            if not self.storage.open(
                collection.name, path, lambda loaded: self._start(collection, path, loaded), self.max_records
            ):
                return self._start(collection, path, False).records
            found = self.storage.records(collection.name, path)
            assert found is not None
        return found

    def _start(self, collection: Collection, path: ParentPath, loaded: bool) -> Seeding:
        draft = Draft(self.seeder.integer_start(collection.resource))
        if not loaded:
            for key, record in self._seeding(collection, path, draft, self._seed_count(collection, path)):
                draft.records[key] = collection.stored(record, seeded=True)
        return Seeding(draft.records, draft.next_number)

    def kept(self, collection: Collection, path: ParentPath) -> bool:
        return self.storage.records(collection.name, path) is not None

    def full(self, collection: Collection, path: ParentPath, records: Mapping[str, StoredRecord]) -> bool:
        """Whether the collection holds ``max_records`` already (or the bucket is not kept at all)."""
        if len(records) >= self.max_records or not self.kept(collection, path):
            return True
        return self.storage.total(collection.name) >= self.max_records

    def _seed_count(self, collection: Collection, path: ParentPath) -> int:
        resource = collection.resource
        if resource.kind is SINGLETON:
            return 1
        if resource.materialize and LIST not in resource.roles.values():
            return 0
        if not path:
            count = resource.records if resource.records is not None else self.records
            return min(count, self.max_records)
        per_parent = (
            resource.records if resource.records is not None else min(CHILDREN_PER_PARENT, self.records)
        )
        if resource.parent is None:
            return per_parent
        parent = self.collections[resource.parent]
        stored = self.bucket(parent, path[:-1]).get(path[-1])
        return per_parent if stored is not None and is_seeded(stored) else 0

    def _seeding(
        self, collection: Collection, path: ParentPath, draft: Draft, count: int
    ) -> Iterator[tuple[str, Record]]:
        """Seeded records with their keys, one at a time: file each key in ``draft`` before the next."""
        resource = collection.resource
        for index in range(count):
            record = self.finish(resource, self.seeder.entity(resource, *path, index), (*path, index))
            if resource.kind is SINGLETON:
                yield SINGLETON_KEY, record
                continue
            key, draft.next_number = self.assign_id(
                collection, draft.records, draft.next_number, path, record, None, index
            )
            yield key, record

    def finish(
        self, resource: Resource, record: Record, parts: tuple[Any, ...], created: Record | None = None
    ) -> Record:
        """The record with the resource's extension rules applied (hidden, derive, expires, discard)."""
        if not (resource.hidden or resource.derive or resource.expires or resource.discard):
            return record
        now = self.now() if created is not None and resource.expires is not None else None
        return finish(self.seeder, resource, record, parts, created, now, self.ttl_of)

    def ttl_of(self, name: str, field: str) -> Any:
        """A field of a singleton resource (``authentication-options.authTokenTtl``), or None."""
        collection = self.collections.get(name)
        if collection is None or collection.resource.kind is not SINGLETON:
            return None
        cache_key = ("field", field)
        version = self.storage.version_of(name)
        # collection.cached(cache_key, version, UNKNOWN), without the call: read on every create
        found = collection.cache.get(cache_key, UNKNOWN) if version == collection.cache_version else UNKNOWN
        if found is UNKNOWN:  # a new version on every write to the singleton
            stored = self.bucket(collection, ()).get(SINGLETON_KEY)
            found = record_of(stored).get(field) if stored is not None else None
            collection.remember(cache_key, version, found)
        return found

    def live(self, stored: StoredRecord | None) -> StoredRecord | None:
        """None for an expired record: it reads as gone (until deleted, it still holds its id)."""
        if stored is not None and has_expired(stored, self.now()):
            return None
        return stored

    def seeded(self, name: str) -> Iterator[Any]:
        """What seeding gives ``name`` from scratch, shaped as ``dump`` shapes it, one record at a time.

        A top-level resource's records are generated without being stored (only their keys are kept,
        for unique ids), so fixture files of any size stream; a nested one's parents are seeded first.
        """
        collection = self.collections[name]
        if collection.resource.parent is None and not self._scoped(name):
            draft = Draft(self.seeder.integer_start(collection.resource))
            placeholder = stored_record({})
            for key, record in self._seeding(collection, (), draft, self._seed_count(collection, ())):
                draft.records[key] = placeholder
                yield record
            return
        for path in self._seeded_paths(name):
            for stored in self.bucket(collection, path).values():
                if is_seeded(stored):
                    yield {"parent": list(path), "record": record_of(stored)}

    def _seeded_paths(self, name: str) -> list[ParentPath]:
        """Every parent path (``(token id,)`` for ``used_by``) under which ``name`` has seeded records."""
        parent = self.collections[name].resource.parent
        if parent is None:
            return [] if self._scoped(name) else [()]  # path values no resource lists: nothing to seed
        return [
            (*path, key)
            for path in self._seeded_paths(parent)
            for key, stored in self.bucket(self.collections[parent], path).items()
            if is_seeded(stored)
        ]

    def assign_id(
        self,
        collection: Collection,
        taken: Mapping[str, Any],
        number: int,
        path: ParentPath,
        record: Record,
        given: Any,
        *parts: Any,
        rng: random.Random | None = None,
    ) -> tuple[str, int]:
        """Give a new record its id (``given`` when the client chose it) and parent reference: its key,
        and the bucket's next integer id after it (``number`` is the next one before)."""
        resource = collection.resource
        field = resource.id_field
        if resource.parent_ref is not None and path:
            parent_ids = (
                self.collections[resource.parent].resource.id_types if resource.parent else frozenset()
            )
            record[resource.parent_ref] = id_from_path(path[-1], set(parent_ids))
        if field is None:
            return str(number), number + 1
        if given is not None:
            record[field] = given
        elif "integer" in resource.id_types and "string" not in resource.id_types:
            record[field] = number
        else:
            proposed = record.get(field)
            record[field] = self.seeder.unique_id(resource, taken, proposed, *path, *parts, rng=rng)
        value = record[field]
        if type(value) is str:
            return value, number
        if isinstance(value, int) and not isinstance(value, bool):
            number = max(number, value + 1)
        return key_of(value), number

    def find(
        self, collection: Collection, path: ParentPath, key: str, lenient: bool = False, revive: bool = False
    ) -> StoredRecord | None:
        """The record, or None; an unknown (never deleted) key materialises when the resource or the
        operation (``lenient``: it documents no 404, 410, 4XX or default) cannot answer "not found";
        a deleted key only with ``revive`` (a PUT, POST or DELETE of the item may re-create it)."""
        records = self.bucket(collection, path)
        stored = records.get(key)
        if (
            stored is None
            and (lenient or collection.resource.materialize)
            and (revive or not self.storage.deleted(collection.name, path, key))
        ):
            stored = self.stand_in(collection, path, key)
            if not self.full(collection, path, records):  # else answered (the same each time), not kept
                self.storage.put(collection.name, path, key, stored)
        return self.live(stored)

    def stand_in(self, collection: Collection, path: ParentPath, key: str) -> StoredRecord:
        """The record made up for ``key`` (the same each time), not stored."""
        resource = collection.resource
        made = self.seeder.materialized(resource, path, key)
        return collection.stored(self.finish(resource, made, (*path, "id", key)))

    def missing_parent(
        self, collection: Collection, path: ParentPath, lenient: bool = False
    ) -> Outcome | None:
        """NOT_FOUND when an item on the way down (the book of ``/books/{id}/loans``) does not exist."""
        parent_name = collection.resource.parent
        if parent_name is None or not path:
            return None
        parent = self.collections[parent_name]
        above = self.missing_parent(parent, path[:-1], lenient)
        if above is not None:
            return above
        if self.find(parent, path[:-1], path[-1]) is not None:
            return None
        if lenient and not self.storage.deleted(parent_name, path[:-1], path[-1]):
            return None  # the operation cannot say "not found": answer for a parent never seen
        return not_found(parent_name, path[-1], parent.resource.messages.get("not-found"))

    def remove(self, collection: Collection, path: ParentPath, key: str) -> StoredRecord | None:
        records = self.bucket(collection, path)
        if not self.kept(collection, path):
            return records.get(key)  # past the record limit: nothing is kept, so nothing to remove
        stored = self.storage.delete(collection.name, path, key, self.max_records)
        if stored is not None:
            self._cascade(collection.name, (*path, key))
        return stored

    def _cascade(self, name: str, prefix: ParentPath) -> None:
        for child in self.children.get(name, ()):
            self.storage.drop_paths(child, prefix)
            self._cascade(child, prefix)

    def count(self, name: str) -> int:
        collection = self.collections[name]
        if collection.resource.parent is None and not self._scoped(name):
            return len(self.bucket(collection, ()))
        return self.storage.total(name)

    def dump(self, name: str) -> list[Any]:
        collection = self.collections[name]
        if collection.resource.parent is None and not self._scoped(name):
            return [record_of(s) for s in self.bucket(collection, ()).values()]
        out: list[Any] = []
        for path in self.storage.paths(name):
            records = self.storage.records(name, path) or {}
            out += [{"parent": list(path), "record": record_of(s)} for s in records.values()]
        return out

    def _scoped(self, name: str) -> bool:
        return any(
            r.scope_params for r in self.plan.routes.values() if r.resource == name and r.role is not ACTION
        )

    def load(self, name: str, records: list[Any]) -> None:
        collection = self.collections[name]
        if len(records) > self.max_records:
            limit = self.max_records
            raise ValueError(f"{len(records)} records, more than the limit of {limit} (--max-records)")
        drafts: dict[ParentPath, Draft] = {}
        scoped = collection.resource.parent is not None or self._scoped(name)
        for index, item in enumerate(records):
            path: ParentPath = ()
            record = item
            if scoped:
                if not isinstance(item, dict) or not isinstance(item.get("parent"), list):
                    raise ValueError(
                        f"record {index}: expected {{'parent': [path values], 'record': {{...}}}}"
                    )
                path, record = tuple(str(v) for v in item["parent"]), item.get("record")
            if not isinstance(record, dict):
                raise ValueError(f"record {index}: expected a JSON object")
            draft = drafts.get(path)
            if draft is None:
                draft = drafts[path] = Draft(self.seeder.integer_start(collection.resource))
            self._load_one(collection, draft, path, dict(record), index)
        self.storage.replace(name, {p: Seeding(d.records, d.next_number) for p, d in drafts.items()})
        for child in self.children.get(name, ()):
            self._drop_orphans(child)

    def _load_one(
        self, collection: Collection, draft: Draft, path: ParentPath, record: Record, index: int
    ) -> None:
        if collection.resource.kind is SINGLETON:
            draft.records[SINGLETON_KEY] = collection.stored(record)
            return
        field = collection.resource.id_field
        given = record.get(field) if field else None
        if given is not None and key_of(given) in draft.records:
            raise ValueError(f"record {index}: duplicate {field} {given!r}")
        key, draft.next_number = self.assign_id(
            collection, draft.records, draft.next_number, path, record, given, "load", index
        )
        draft.records[key] = collection.stored(record)

    def _drop_orphans(self, name: str) -> None:
        collection = self.collections[name]
        for path in self.storage.paths(name):
            if self.missing_parent(collection, path) is not None:
                self.storage.drop_paths(name, path)
                self._cascade(name, path)


def streams_from(states: Any) -> dict[tuple[str, ParentPath], random.Random]:
    """The create streams ``Engine.stream_states`` described; ``SnapshotError`` when malformed."""
    if not isinstance(states, list):
        raise SnapshotError("the create streams are not a list")
    streams: dict[tuple[str, ParentPath], random.Random] = {}
    for item in states:
        if not (isinstance(item, list) and len(item) == 5 and isinstance(item[0], str)):
            raise SnapshotError("a create stream is not [collection, path, version, state, gauss]")
        name, path, version, internal, gauss = item
        if not (isinstance(path, list) and all(isinstance(p, str) for p in path)):
            raise SnapshotError(f"create stream of {name!r}: its path is not a list of strings")
        if not isinstance(internal, list) or not all(type(n) is int for n in internal):
            raise SnapshotError(f"create stream of {name!r}: its state is not a list of integers")
        if gauss is not None and type(gauss) is not float:
            raise SnapshotError(f"create stream of {name!r}: a malformed state")
        stream = random.Random()
        try:
            stream.setstate((version, tuple(internal), gauss))
        except (TypeError, ValueError, OverflowError) as error:
            raise SnapshotError(f"create stream of {name!r}: {error}") from None
        streams[name, tuple(path)] = stream
    return streams


class Draft:
    """A bucket being built before it is stored (seeding, a load, a bucket past the limit)."""

    __slots__ = ("next_number", "records")

    def __init__(self, next_number: int) -> None:
        self.records: dict[str, StoredRecord] = {}
        self.next_number = next_number
