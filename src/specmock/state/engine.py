"""The record store behind the sandbox: lazy seeding, lookups, parent checks, cascades, dump and load.

Callers hold ``engine.lock`` around every call (an ``RLock``: cheap when uncontended).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from specmock.generation import rng_for
from specmock.openapi.model import Operation
from specmock.state.adapt import Adapter
from specmock.state.answers import View
from specmock.state.identity import id_from_path, key_of
from specmock.state.outcome import Outcome, documented_success, has_body, not_found
from specmock.state.planning import Plan
from specmock.state.resources import Resource
from specmock.state.rules import finish
from specmock.state.seeding import Seeder
from specmock.state.store import Bucket, Clock, Collection, Entry, Record, Scope, drop_scope

CHILDREN_PER_PARENT = 3
DEFAULT_MAX_RECORDS = 10_000
SINGLETON_KEY = ""


class Engine:
    def __init__(
        self, plan: Plan, seeder: Seeder, records: int, max_records: int = DEFAULT_MAX_RECORDS
    ) -> None:
        self.plan = plan
        self.seeder = seeder
        self.records = records
        self.max_records = max_records  # per collection: stored records, parent scopes, tombstones
        self.lock = threading.RLock()
        self.clock = Clock()
        self.now: Callable[[], float] = time.time  # read only to decide expiry (x-specmock-resource.expires)
        self.creates = 0
        self.envelopes: dict[str, dict[str, Any]] = {}
        self.statuses: dict[tuple[str, tuple[int, ...]], tuple[int, bool]] = {}
        self.locations: dict[str, bool] = {}
        self.adapters: dict[str, Adapter] = {}
        self.collections = {n: Collection(r, self.clock) for n, r in plan.resources.items()}
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
            status, _ = self.status(operation, (201, 200))
            response = operation.responses.get(str(status))
            found = response is not None and any(h.name.lower() == "location" for h in response.headers)
            self.locations[operation.key] = found
        return found

    def create_stream(self, collection: Collection, bucket: Bucket, scope: Scope) -> random.Random:
        """The random source a bucket's creates draw from, one after another: seeded once from the
        seed, the resource and the scope, so the same requests after a start or reset give the
        same records (seeding a source per record cost more than drawing the record)."""
        if bucket.creates is None:
            bucket.creates = rng_for(self.seeder.seed, collection.resource.name, *scope, "create")
        return bucket.creates

    def counter_value(self) -> int:
        """How many records were created since the last reset: part of the seed of a created record's
        hidden fields (its other fields come from the bucket's create stream)."""
        self.creates += 1
        return self.creates

    def rekeyed(self, collection: Collection, scope: Scope, old: str, new: str) -> None:
        """An item's id changed (PUT/PATCH of a writable id): its children move along."""
        prefix, target = (*scope, old), (*scope, new)
        for child in self._descendants(collection.resource.name):
            moved = {
                (target + s[len(prefix) :] if s[: len(prefix)] == prefix else s): b
                for s, b in child.buckets.items()
            }
            if moved.keys() != child.buckets.keys():
                child.buckets = moved
                child.touch()

    def _descendants(self, name: str) -> list[Collection]:
        out = []
        for child in self.children.get(name, ()):
            out.append(self.collections[child])
            out += self._descendants(child)
        return out

    def adopt(self, earlier: Engine, names: Iterable[str]) -> None:
        """``earlier``'s records of ``names`` become this engine's (see ``Sandbox.adopt``)."""
        self.creates = max(self.creates, earlier.creates)
        for name in names:
            old, fresh = earlier.collections[name], self.collections[name]
            fresh.buckets = old.buckets
            fresh.loaded = old.loaded
            instants = {
                entry.expires_at
                for bucket in fresh.buckets.values()
                for entry in bucket.entries.values()
                if entry.expires_at is not None
            }
            for at in sorted(instants):
                self.clock.schedule(at, fresh)
            fresh.touch()

    def reset(self) -> None:
        self.creates = 0
        self.collections = {n: Collection(r, self.clock) for n, r in self.plan.resources.items()}

    def bucket(self, collection: Collection, scope: Scope) -> Bucket:
        found = collection.buckets.get(scope)
        if found is None:
            found = Bucket()
            if len(collection.buckets) < self.max_records:
                collection.buckets[scope] = found  # beyond: answered from, never kept (see ``full``)
            found.next_int = self.seeder.integer_start(collection.resource)
            if not collection.loaded:
                self._seed(collection, scope, found, self._seed_count(collection, scope))
        return found

    def full(self, collection: Collection, scope: Scope, bucket: Bucket) -> bool:
        """Whether the collection holds ``max_records`` already (or the bucket is not kept at all)."""
        if len(bucket.entries) >= self.max_records or collection.buckets.get(scope) is not bucket:
            return True
        if len(collection.buckets) == 1:
            return False
        return sum(len(b.entries) for b in collection.buckets.values()) >= self.max_records

    def _seed_count(self, collection: Collection, scope: Scope) -> int:
        resource = collection.resource
        if resource.kind == "singleton":
            return 1
        if resource.materialize and "list" not in resource.roles.values():
            return 0
        if not scope:
            count = resource.records if resource.records is not None else self.records
            return min(count, self.max_records)
        per_parent = (
            resource.records if resource.records is not None else min(CHILDREN_PER_PARENT, self.records)
        )
        if resource.parent is None:
            return per_parent
        parent = self.collections[resource.parent]
        entry = self.bucket(parent, scope[:-1]).entries.get(scope[-1])
        return per_parent if entry is not None and entry.seeded else 0

    def _seed(self, collection: Collection, scope: Scope, bucket: Bucket, count: int) -> None:
        for key, record in self._seeding(collection, scope, bucket, count):
            bucket.entries[key] = collection.entry(record, seeded=True)

    def _seeding(
        self, collection: Collection, scope: Scope, bucket: Bucket, count: int
    ) -> Iterator[tuple[str, Record]]:
        """Seeded records with their keys, one at a time: file each key in ``bucket`` before the next."""
        resource = collection.resource
        for index in range(count):
            record = self.finish(resource, self.seeder.entity(resource, *scope, index), (*scope, index))
            if resource.kind == "singleton":
                yield SINGLETON_KEY, record
                continue
            yield self.assign_id(collection, bucket, scope, record, None, index), record

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
        if collection is None or collection.resource.kind != "singleton":
            return None
        cache_key = ("field", field)
        if cache_key not in collection.cache:  # dropped on every write to the singleton
            entry = self.bucket(collection, ()).entries.get(SINGLETON_KEY)
            collection.remember(cache_key, entry.stored.get(field) if entry is not None else None)
        return collection.cache[cache_key]

    def live(self, entry: Entry | None) -> Entry | None:
        """None for an expired entry: it reads as gone (until deleted, it still holds its id)."""
        if entry is not None and entry.expires_at is not None and entry.expired(self.now()):
            return None
        return entry

    def seeded(self, name: str) -> Iterator[Any]:
        """What seeding gives ``name`` from scratch, shaped as ``dump`` shapes it, one record at a time.

        A top-level resource's records are generated without being stored (only their keys are kept,
        for unique ids), so fixture files of any size stream; a nested one's parents are seeded first.
        """
        collection = self.collections[name]
        if collection.resource.parent is None and not self._scoped(name):
            scratch = Collection(collection.resource, Clock())
            bucket = Bucket()
            bucket.next_int = self.seeder.integer_start(collection.resource)
            placeholder = Entry({})
            for key, record in self._seeding(scratch, (), bucket, self._seed_count(collection, ())):
                bucket.entries[key] = placeholder
                yield record
            return
        for scope in self._seeded_scopes(name):
            for entry in self.bucket(collection, scope).entries.values():
                if entry.seeded:
                    yield {"parent": list(scope), "record": entry.stored}

    def _seeded_scopes(self, name: str) -> list[Scope]:
        """Every parent path (``(token id,)`` for ``used_by``) under which ``name`` has seeded records."""
        parent = self.collections[name].resource.parent
        if parent is None:
            return [] if self._scoped(name) else [()]  # path values no resource lists: nothing to seed
        return [
            (*scope, key)
            for scope in self._seeded_scopes(parent)
            for key, entry in self.bucket(self.collections[parent], scope).entries.items()
            if entry.seeded
        ]

    def assign_id(
        self,
        collection: Collection,
        bucket: Bucket,
        scope: Scope,
        record: Record,
        given: Any,
        *parts: Any,
        rng: random.Random | None = None,
    ) -> str:
        """Give a new record its id (``given`` when the client chose it) and parent reference; its key."""
        resource = collection.resource
        field = resource.id_field
        if resource.parent_ref is not None and scope:
            parent_ids = (
                self.collections[resource.parent].resource.id_types if resource.parent else frozenset()
            )
            record[resource.parent_ref] = id_from_path(scope[-1], set(parent_ids))
        if field is None:
            key = str(bucket.next_int)
            bucket.next_int += 1
            return key
        if given is not None:
            record[field] = given
        elif "integer" in resource.id_types and "string" not in resource.id_types:
            record[field] = bucket.next_int
        else:
            proposed = record.get(field)
            record[field] = self.seeder.unique_id(resource, bucket.entries, proposed, *scope, *parts, rng=rng)
        value = record[field]
        if type(value) is str:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            bucket.next_int = max(bucket.next_int, value + 1)
        return key_of(value)

    def find(
        self, collection: Collection, scope: Scope, key: str, lenient: bool = False, revive: bool = False
    ) -> Entry | None:
        """The entry, or None; an unknown (never deleted) key materialises when the resource or the
        operation (``lenient``: it documents no 4xx) cannot answer "not found"; a deleted key only with
        ``revive`` (deleting it again, when the delete cannot answer "not found")."""
        bucket = self.bucket(collection, scope)
        entry = bucket.entries.get(key)
        if (
            entry is None
            and (lenient or collection.resource.materialize)
            and (revive or key not in bucket.deleted)
        ):
            resource = collection.resource
            made = self.seeder.materialized(resource, scope, key)
            record = self.finish(resource, made, (*scope, "id", key))
            entry = collection.entry(record)
            if not self.full(collection, scope, bucket):  # else answered (the same each time), not kept
                bucket.entries[key] = entry
                collection.touch()
        return self.live(entry)

    def missing_parent(self, collection: Collection, scope: Scope, lenient: bool = False) -> Outcome | None:
        """NOT_FOUND when an item on the way down (the book of ``/books/{id}/loans``) does not exist."""
        parent_name = collection.resource.parent
        if parent_name is None or not scope:
            return None
        parent = self.collections[parent_name]
        above = self.missing_parent(parent, scope[:-1], lenient)
        if above is not None:
            return above
        if self.find(parent, scope[:-1], scope[-1]) is not None:
            return None
        if lenient and scope[-1] not in self.bucket(parent, scope[:-1]).deleted:
            return None  # the operation cannot say "not found": answer for a parent never seen
        return not_found(parent_name, scope[-1], parent.resource.messages.get("not-found"))

    def remove(self, collection: Collection, scope: Scope, key: str) -> Entry | None:
        bucket = self.bucket(collection, scope)
        entry = bucket.entries.pop(key, None)
        if entry is None:
            return None
        if len(bucket.deleted) >= self.max_records:
            del bucket.deleted[next(iter(bucket.deleted))]
        bucket.deleted[key] = None
        collection.touch()
        self._cascade(collection.resource.name, (*scope, key))
        return entry

    def _cascade(self, name: str, prefix: Scope) -> None:
        for child in self.children.get(name, ()):
            drop_scope(self.collections[child], prefix)
            self._cascade(child, prefix)

    def count(self, name: str) -> int:
        collection = self.collections[name]
        if collection.resource.parent is None and not self._scoped(name):
            return len(self.bucket(collection, ()).entries)
        return sum(len(bucket.entries) for bucket in collection.buckets.values())

    def dump(self, name: str) -> list[Any]:
        collection = self.collections[name]
        if collection.resource.parent is None and not self._scoped(name):
            return [e.stored for e in self.bucket(collection, ()).entries.values()]
        return [
            {"parent": list(scope), "record": e.stored}
            for scope, bucket in collection.buckets.items()
            for e in bucket.entries.values()
        ]

    def _scoped(self, name: str) -> bool:
        return any(
            r.scope_params for r in self.plan.routes.values() if r.resource == name and r.role != "action"
        )

    def load(self, name: str, records: list[Any]) -> None:
        collection = self.collections[name]
        if len(records) > self.max_records:
            limit = self.max_records
            raise ValueError(f"{len(records)} records, more than the limit of {limit} (--max-records)")
        fresh = Collection(collection.resource, self.clock)
        fresh.loaded = True
        scoped = collection.resource.parent is not None or self._scoped(name)
        for index, item in enumerate(records):
            scope: Scope = ()
            record = item
            if scoped:
                if not isinstance(item, dict) or not isinstance(item.get("parent"), list):
                    raise ValueError(
                        f"record {index}: expected {{'parent': [path values], 'record': {{...}}}}"
                    )
                scope, record = tuple(str(v) for v in item["parent"]), item.get("record")
            if not isinstance(record, dict):
                raise ValueError(f"record {index}: expected a JSON object")
            self._load_one(fresh, scope, dict(record), index)
        self.collections[name] = fresh
        for child in self.children.get(name, ()):
            self._drop_orphans(child)

    def _load_one(self, collection: Collection, scope: Scope, record: Record, index: int) -> None:
        bucket = self.bucket(collection, scope)
        if collection.resource.kind == "singleton":
            bucket.entries[SINGLETON_KEY] = collection.entry(record)
            return
        field = collection.resource.id_field
        given = record.get(field) if field else None
        if given is not None and key_of(given) in bucket.entries:
            raise ValueError(f"record {index}: duplicate {field} {given!r}")
        key = self.assign_id(collection, bucket, scope, record, given, "load", index)
        bucket.entries[key] = collection.entry(record)

    def _drop_orphans(self, name: str) -> None:
        collection = self.collections[name]
        for scope in list(collection.buckets):
            if self.missing_parent(collection, scope) is not None:
                drop_scope(collection, scope)
                self._cascade(name, scope)
