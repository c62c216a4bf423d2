"""Read, replace, update, delete and singletons (a create: ``creation``): each write builds the new record
fully, then swaps it in.

The body has been validated by the pipeline. Read-only fields in it are ignored (the store owns them);
writeOnly fields are stored but never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.success import DELETE, OTHER
from specmock.openapi.views import merged_object
from specmock.state.inferred.answers import ViewKind
from specmock.state.inferred.identity import key_of
from specmock.state.inferred.resources import Record, Route
from specmock.state.inferred.roles import SINGLETON_READ, Role
from specmock.state.store.collection import Collection
from specmock.state.store.engine import SINGLETON_KEY, Engine
from specmock.state.store.outcome import NO_CONTENT, Outcome, conflict, not_found, storage_full
from specmock.state.store.repair import conform
from specmock.state.store.storage.protocol import ParentPath, Taken
from specmock.state.store.storage.stored import StoredRecord, is_seeded, record_of

GENERATE, ADAPT, WRAP = ViewKind.GENERATE, ViewKind.ADAPT, ViewKind.WRAP  # module constants: see roles.py

REVIVING = frozenset({"PUT", "POST", "DELETE"})


@dataclass(slots=True)  # not frozen: a frozen dataclass costs ~1 µs more to build, on every write
class Call:
    """One request as the store sees it."""

    engine: Engine
    operation: Operation
    route: Route
    collection: Collection
    path: ParentPath

    @property
    def name(self) -> str:
        return self.collection.resource.name

    def missing(self, key: str) -> Outcome:
        messages = self.collection.resource.messages
        return not_found(self.name, key, messages.get("not-found"), self.route.item_param or "")

    def find(self, key: str) -> StoredRecord | None:
        """The item; with an operation that cannot say "not found" an unknown id materialises, and
        a deleted one too for PUT, POST and DELETE of the item itself (they may re-create it; GET,
        PATCH and an action under the item may not)."""
        lenient = self.route.lenient
        revive = lenient and self.operation.method in REVIVING and self.route.role is not Role.ACTION
        return self.engine.find(self.collection, self.path, key, lenient, revive)


def writable(collection: Collection, body: Any) -> Record:
    """The body's fields the client may set: all but the read-only and hidden ones (the body itself
    when it sets no other; no write changes what it is given). Every value is kept as sent (integers
    beyond 64 bits included: the store and the encoder keep them exactly)."""
    if not isinstance(body, dict):
        return {}
    dropped = collection.dropped
    out = body
    if not dropped.isdisjoint(body):
        out = body.copy()
        for name in body:  # copy and delete: cheaper than a comprehension for a few fields
            if name in dropped:
                del out[name]
    taken = collection.resource.taken  # readOnly values below the top level (a signer's id)
    return out if taken is None else taken.apply(out)


def respond(
    call: Call,
    preferred: tuple[int, ...],
    shown: Record | None,
    headers: dict[str, str] | None = None,
    cache_key: tuple[Any, ...] | None = None,
) -> Outcome | None:
    """The answer showing ``shown`` (a record's public view; None: no record to show); None when the
    documented answer is not the record (the pipeline generates it)."""
    operation, view = call.operation, call.route.view
    status, body_documented = call.engine.status(operation, preferred)
    if shown is None or status == 204 or not body_documented:
        return Outcome(status, NO_CONTENT, headers or {})
    if view.kind is GENERATE:
        return None
    body: Any = shown
    if view.kind is ADAPT and view.envelope is not None:
        body = call.engine.adapter(operation.key, view.envelope, call.collection.resource)(shown)
    elif view.kind is WRAP and view.wrap is not None:
        body = {**call.engine.envelope(operation.key, view, call.name), view.wrap: shown}
    return Outcome(status, body, headers or {}, cache_key=cache_key)


def refused(collection: Collection, taken: Taken, record: Record) -> Outcome:
    """CONFLICT for a write the store refused: ``record``'s id, or one of its unique values, is
    another record's."""
    resource = collection.resource
    field = taken.field if taken.field is not None else resource.id_field or ""
    return conflict(resource.name, field, record.get(field), resource.messages.get("conflict"))


def unique_values(collection: Collection, record: Record, old: Record | None = None) -> list[tuple[str, Any]]:
    """The declared unique values ``record`` sets (those that changed from ``old``): no other record of
    its bucket may hold them."""
    out = []
    for name in collection.resource.unique:
        value = record.get(name)
        if value is not None and (old is None or old.get(name) != value):
            out.append((name, value))
    return out


def read(call: Call, key: str) -> Outcome | None:
    stored = call.find(key)
    if stored is None and call.route.lenient:
        # Deleted, and the read cannot say "not found": a stand-in for that id, which stays deleted
        # (not stored, not listed). The stateless mock's answer would be a record under another id.
        stored = call.engine.stand_in(call.collection, call.path, key)
    if stored is None:
        return call.missing(key)
    collection = call.collection
    cache = ("read", call.operation.key, call.name, collection.version, call.path, key)
    return respond(call, OTHER, collection.public(record_of(stored)), cache_key=cache)


def write(call: Call, key: str, body: Any, merge: bool) -> Outcome | None:
    """PUT (``merge=False``: writable fields replaced, read-only kept) or PATCH (merged)."""
    engine, collection, path = call.engine, call.collection, call.path
    resource = collection.resource
    stored = call.find(key)
    if stored is None:
        return call.missing(key)
    records = engine.bucket(collection, path)
    kept = key in records and engine.kept(collection, path)
    if not kept and engine.full(collection, path, records):
        return storage_full(resource.name, engine.max_records)  # a PUT that would add a record
    old = record_of(stored)
    incoming = writable(collection, body)
    record = replaced(engine, collection, old, incoming, merge)
    if resource.lifelike is not None and resource.lifelike.stamps:
        resource.lifelike.stamp(record, incoming, engine.now(), creating=False)
    record = engine.finish(resource, record, (*path, key))
    record = conform(engine.seeder, collection, record, old)
    new_key = key_of(record[resource.id_field]) if resource.id_field and resource.id_field in record else key
    taken = engine.storage.put(
        collection.name,
        path,
        new_key,
        collection.stored(record, seeded=is_seeded(stored)),
        replaces=key if kept else None,
        unique=unique_values(collection, record, old),
        tombstones=engine.max_records,  # a renamed record's old id reads as deleted
    )
    if taken is not None:
        return refused(collection, taken, record)
    if new_key != key:
        engine.rekeyed(collection, path, key, new_key)
    return respond(call, OTHER, collection.public(record))


def replaced(engine: Engine, collection: Collection, old: Record, incoming: Record, merge: bool) -> Record:
    resource = collection.resource
    if merge:
        return {**old, **incoming}
    keep = set(resource.read_only) | set(resource.hidden) | {resource.parent_ref, resource.id_field} - {None}
    record = {k: v for k, v in old.items() if k in keep}
    record.update(incoming)
    _, required, _ = merged_object(engine.seeder.document, resource.entity)
    for name in required:
        if name not in record and name in old:
            record[name] = old[name]
    return record


def delete(call: Call, key: str) -> Outcome | None:
    if call.find(key) is None:
        return call.missing(key)
    stored = call.engine.remove(call.collection, call.path, key)
    return respond(call, DELETE, call.collection.public(record_of(stored)) if stored is not None else None)


def singleton(call: Call, body: Any) -> Outcome | None:
    engine, collection, path = call.engine, call.collection, call.path
    stored = engine.bucket(collection, path).get(SINGLETON_KEY)
    if stored is None:
        return call.missing("/".join(path) or collection.resource.path)
    if call.route.role is SINGLETON_READ:
        cache = ("read", call.operation.key, call.name, collection.version, path)
        return respond(call, OTHER, collection.public(record_of(stored)), cache_key=cache)
    merge = call.operation.method == "PATCH"
    old = record_of(stored)
    incoming = writable(collection, body)
    record = replaced(engine, collection, old, incoming, merge)
    if collection.resource.lifelike is not None and collection.resource.lifelike.stamps:
        collection.resource.lifelike.stamp(record, incoming, engine.now(), creating=False)
    record = engine.finish(collection.resource, record, path)
    record = conform(engine.seeder, collection, record, old)
    fresh = collection.stored(record, seeded=is_seeded(stored))
    engine.storage.put(collection.name, path, SINGLETON_KEY, fresh, replaces=SINGLETON_KEY)
    return respond(call, OTHER, collection.public(record))


def path_of(operation: Operation, path_values: Mapping[str, str]) -> str:
    path = operation.path
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", value)
    return path
