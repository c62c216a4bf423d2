"""Create, read, replace, update, delete and singletons: each builds the new record fully, then swaps it in.

The body has been validated by the pipeline. Read-only fields in it are ignored (the store owns them);
writeOnly fields are stored but never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.views import merged_object
from specmock.state.engine import SINGLETON_KEY, Engine
from specmock.state.identity import key_of
from specmock.state.outcome import NO_CONTENT, Outcome, conflict, not_found, storage_full
from specmock.state.repair import conform
from specmock.state.resources import Route
from specmock.state.store import Bucket, Collection, Entry, Record, Scope, field_pattern

REVIVING = frozenset({"PUT", "POST", "DELETE"})


@dataclass(slots=True)  # not frozen: a frozen dataclass costs ~1 µs more to build, on every write
class Call:
    """One request as the store sees it."""

    engine: Engine
    operation: Operation
    route: Route
    collection: Collection
    scope: Scope

    @property
    def name(self) -> str:
        return self.collection.resource.name

    def missing(self, key: str) -> Outcome:
        messages = self.collection.resource.messages
        return not_found(self.name, key, messages.get("not-found"), self.route.item_param or "")

    def find(self, key: str) -> Entry | None:
        """The item; with an operation that cannot say "not found" an unknown id materialises, and
        a deleted one too for PUT, POST and DELETE (they may re-create; GET and PATCH may not)."""
        lenient = self.route.lenient
        revive = lenient and self.operation.method in REVIVING
        return self.engine.find(self.collection, self.scope, key, lenient, revive)


def writable(collection: Collection, body: Any) -> Record:
    """The body's fields the client may set: all but the read-only and hidden ones. Every value is
    kept as sent (integers beyond 64 bits included: the store and the encoder keep them exactly)."""
    if not isinstance(body, dict):
        return {}
    resource = collection.resource
    read_only, hidden = resource.read_only, resource.hidden
    out = body.copy()
    for name in body:  # copy and delete: cheaper than a comprehension for a few fields
        if name in read_only or name in hidden:
            del out[name]
    if resource.taken is not None:  # readOnly values below the top level (a signer's id)
        return resource.taken.apply(out)  # type: ignore[no-any-return]
    return out


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
    if view.kind == "generate":
        return None
    body: Any = shown
    if view.kind == "adapt" and view.envelope is not None:
        body = call.engine.adapter(operation.key, view.envelope, call.collection.resource)(shown)
    elif view.kind == "wrap" and view.wrap is not None:
        body = {**call.engine.envelope(operation.key, view, call.name), view.wrap: shown}
    return Outcome(status, body, headers or {}, cache_key=cache_key)


def taken(
    collection: Collection, bucket: Bucket, record: Record, own_key: str | None, old: Record | None = None
) -> Outcome | None:
    """CONFLICT when another record already holds this id or one of the declared unique values.

    Unique values are looked up by a scan of the bucket, and only when they change.
    """
    resource = collection.resource
    field = resource.id_field
    if field is not None and record.get(field) is not None:
        key = key_of(record[field])
        if key != own_key and key in bucket.entries:
            return conflict(resource.name, field, record[field], resource.messages.get("conflict"))
    return unique_taken(collection, bucket, record, own_key, old)


def unique_taken(
    collection: Collection, bucket: Bucket, record: Record, own_key: str | None, old: Record | None = None
) -> Outcome | None:
    """CONFLICT when another record holds one of the declared unique values (a scan of the bucket)."""
    resource = collection.resource
    for name in resource.unique:
        value = record.get(name)
        if value is None or (old is not None and old.get(name) == value):
            continue
        pattern = field_pattern(name, value)
        for key, entry in bucket.entries.items():
            if key != own_key and entry.may_hold(pattern) and entry.stored.get(name) == value:
                return conflict(resource.name, name, value, resource.messages.get("conflict"))
    return None


def create(call: Call, body: Any, location: str) -> Outcome | None:
    engine, collection, scope = call.engine, call.collection, call.scope
    resource = collection.resource
    bucket = engine.bucket(collection, scope)
    if len(bucket.entries) >= engine.max_records or (scope and engine.full(collection, scope, bucket)):
        return storage_full(resource.name, engine.max_records)  # (the top-level bucket is always kept)
    incoming = writable(collection, body)
    counter = engine.counter_value()
    rng = engine.create_stream(collection, bucket, scope)
    generated = engine.seeder.entity_from(resource, rng)
    lifelike = resource.lifelike
    if lifelike is None:
        fresh = {**generated, **incoming}
    else:
        fresh = lifelike.created(generated, incoming) if lifelike.defaults else lifelike.kept_of(generated)
        fresh.update(incoming)
        if lifelike.stamps:
            lifelike.stamp(fresh, incoming, engine.now(), creating=True)
    merged = engine.finish(resource, fresh, (*scope, "create", counter), created=incoming)
    record = conform(engine.seeder, collection, merged, generated)
    given = incoming.get(resource.id_field) if resource.id_field else None
    if given is not None and key_of(given) in bucket.entries:
        return conflict(resource.name, str(resource.id_field), given, resource.messages.get("conflict"))
    if resource.unique:  # the id is checked above, or drawn free below
        without_id = {k: v for k, v in record.items() if k != resource.id_field}
        problem = unique_taken(collection, bucket, without_id, None)
        if problem is not None:
            return problem
    key = engine.assign_id(collection, bucket, scope, record, given, "create", counter, rng=rng)
    bucket.entries[key] = collection.entry(record)
    bucket.deleted.pop(key, None)
    collection.touch()
    headers = {"Location": f"{location.rstrip('/')}/{key}"} if engine.sends_location(call.operation) else None
    return respond(call, (201, 200), collection.public(record), headers)


def read(call: Call, key: str) -> Outcome | None:
    entry = call.find(key)
    if entry is None:
        return call.missing(key)
    cache = ("read", call.operation.key, call.name, call.collection.version, call.scope, key)
    return respond(call, (200,), entry.public, cache_key=cache)


def write(call: Call, key: str, body: Any, merge: bool) -> Outcome | None:
    """PUT (``merge=False``: writable fields replaced, read-only kept) or PATCH (merged)."""
    engine, collection, scope = call.engine, call.collection, call.scope
    resource = collection.resource
    entry = call.find(key)
    if entry is None:
        return call.missing(key)
    bucket = engine.bucket(collection, scope)
    if bucket.entries.get(key) is not entry and engine.full(collection, scope, bucket):
        return storage_full(resource.name, engine.max_records)  # a PUT that would add a record
    old = entry.stored
    incoming = writable(collection, body)
    record = replaced(engine, collection, old, incoming, merge)
    if resource.lifelike is not None and resource.lifelike.stamps:
        resource.lifelike.stamp(record, incoming, engine.now(), creating=False)
    record = engine.finish(resource, record, (*scope, key))
    record = conform(engine.seeder, collection, record, old)
    problem = taken(collection, bucket, record, key, old)
    if problem is not None:
        return problem
    new_key = key_of(record[resource.id_field]) if resource.id_field and resource.id_field in record else key
    fresh = collection.entry(record, seeded=entry.seeded)
    if new_key != key:
        del bucket.entries[key]
        engine.rekeyed(collection, scope, key, new_key)
    bucket.entries[new_key] = fresh
    collection.touch()
    return respond(call, (200,), collection.public(record))


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
    entry = call.engine.remove(call.collection, call.scope, key)
    return respond(call, (204, 200, 202), entry.public if entry is not None else None)


def singleton(call: Call, body: Any) -> Outcome | None:
    engine, collection, scope = call.engine, call.collection, call.scope
    bucket = engine.bucket(collection, scope)
    entry = bucket.entries.get(SINGLETON_KEY)
    if entry is None:
        return call.missing("/".join(scope) or collection.resource.path)
    if call.route.role == "singleton-read":
        cache = ("read", call.operation.key, call.name, collection.version, scope)
        return respond(call, (200,), entry.public, cache_key=cache)
    merge = call.operation.method == "PATCH"
    old = entry.stored
    incoming = writable(collection, body)
    record = replaced(engine, collection, old, incoming, merge)
    if collection.resource.lifelike is not None and collection.resource.lifelike.stamps:
        collection.resource.lifelike.stamp(record, incoming, engine.now(), creating=False)
    record = engine.finish(collection.resource, record, scope)
    record = conform(engine.seeder, collection, record, old)
    bucket.entries[SINGLETON_KEY] = collection.entry(record, seeded=entry.seeded)
    collection.touch()
    return respond(call, (200, 201), collection.public(record))


def path_of(operation: Operation, path_values: Mapping[str, str]) -> str:
    path = operation.path
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", value)
    return path
