"""``Creation``: one create operation, with what the document decides about it looked up once.

Which fields a client may not set, the draw and the validator of the resource's records, the
documented status and ``Location``, how the answer shows the record and how its id is drawn are
decided on the operation's first create; every create then builds the record (generated fields, the
client's over them, the rules, conformed to the entity's schema), gives it its id and stores it.
Answers that wrap or adapt the record are made by ``crud.respond``, as every other write's are.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from specmock.openapi.model import Operation
from specmock.openapi.success import CREATE
from specmock.state.inferred.answers import ViewKind
from specmock.state.inferred.identity import key_of
from specmock.state.inferred.resources import Record, Route
from specmock.state.store import crud
from specmock.state.store.collection import Collection
from specmock.state.store.engine import Engine
from specmock.state.store.outcome import NO_CONTENT, Outcome, conflict, storage_full
from specmock.state.store.repair import conform
from specmock.state.store.seeding import ID_ATTEMPTS
from specmock.state.store.storage.protocol import ParentPath, Taken


class Creation:
    __slots__ = (
        "answer_status",
        "collection",
        "draw",
        "engine",
        "has_rules",
        "id_field",
        "location",
        "location_base",
        "name",
        "operation",
        "plain_answer",
        "proposes_id",
        "public",
        "resource",
        "route",
        "shows_record",
        "validator",
    )

    def __init__(self, engine: Engine, operation: Operation, route: Route, collection: Collection) -> None:
        resource = collection.resource
        self.engine, self.operation, self.route, self.collection = engine, operation, route, collection
        self.resource, self.name, self.public = resource, collection.name, collection.public
        self.id_field = resource.id_field
        self.draw = engine.seeder.draw(resource)
        self.validator = engine.seeder.validator(resource)
        self.location = engine.sends_location(operation)
        self.location_base = operation.path.rstrip("/")  # the Location's path when no parameter is in it
        self.has_rules = bool(resource.hidden or resource.derive or resource.expires or resource.discard)
        status, documented = engine.status(operation, CREATE)
        self.answer_status = status
        self.shows_record = documented and status != 204
        view = route.view
        self.plain_answer = not (
            view.kind is ViewKind.GENERATE
            or (view.kind is ViewKind.ADAPT and view.envelope is not None)
            or (view.kind is ViewKind.WRAP and view.wrap is not None)
        )
        # The drawn record's own id is kept when free: a string id of a top-level resource.
        self.proposes_id = (
            self.id_field is not None
            and resource.parent_ref is None
            and not ("integer" in resource.id_types and "string" not in resource.id_types)
        )

    def __call__(self, path: ParentPath, path_values: Mapping[str, str], body: Any) -> Outcome | None:
        engine, collection, storage = self.engine, self.collection, self.engine.storage
        records = storage.records(self.name, path)
        if records is None:
            records = engine.bucket(collection, path)
        if len(records) >= engine.max_records or (path and engine.full(collection, path, records)):
            return storage_full(self.name, engine.max_records)  # (the top-level bucket is always kept)
        incoming = crud.writable(collection, body)
        counter = storage.count_create()
        rng = engine.streams.get((self.name, path)) or engine.create_stream(collection, path)
        generated = self.draw(rng)
        if not isinstance(generated, dict):  # a oneOf branch that is no object: drawn again
            generated = self._generated(rng)
        record, shown = self._record(generated, incoming, (*path, "create", counter))
        id_field = self.id_field
        given = incoming.get(id_field) if id_field is not None else None
        if given is not None and key_of(given) in records:
            resource = self.resource
            return conflict(resource.name, str(id_field), given, resource.messages.get("conflict"))
        filed = self._file(path, records, record, given, counter, rng)
        if isinstance(filed, Outcome):
            return filed
        key, changed = filed
        headers = {}
        if self.location:
            base = (
                crud.path_of(self.operation, path_values).rstrip("/") if path_values else self.location_base
            )
            headers["Location"] = f"{base}/{key}"
        if not self.shows_record:
            return Outcome(self.answer_status, NO_CONTENT, headers)
        if self.plain_answer:
            if changed or shown is None:
                return Outcome(self.answer_status, self.public(record), headers)
            # The view checked against the entity's schema above is the answer, unchanged since.
            return Outcome(self.answer_status, shown, headers, valid_as=self.resource.entity)
        call = crud.Call(engine, self.operation, self.route, collection, path)
        return crud.respond(call, CREATE, self.public(record), headers or None)

    def _record(
        self, generated: Record, incoming: Record, parts: tuple[Any, ...]
    ) -> tuple[Record, Record | None]:
        """The new record (generated fields, the client's over them, the rules applied, conformed), and
        what responses show of it when that was found valid as it is (None when it was conformed)."""
        engine, resource = self.engine, self.resource
        lifelike = resource.lifelike
        if lifelike is None:
            fresh = {**generated, **incoming}
        else:
            if lifelike.defaults:
                fresh = lifelike.created(generated, incoming)
            else:
                fresh = lifelike.kept_of(generated)
            fresh.update(incoming)
            if lifelike.stamps:
                lifelike.stamp(fresh, incoming, engine.now(), creating=True)
        merged = engine.finish(resource, fresh, parts, created=incoming) if self.has_rules else fresh
        shown = self.public(merged)
        if self.validator.is_valid(shown):
            return merged, shown
        return conform(engine.seeder, self.collection, merged, generated), None

    def _file(
        self,
        path: ParentPath,
        records: Mapping[str, Any],
        record: Record,
        given: Any,
        counter: int,
        rng: random.Random,
    ) -> tuple[str, bool] | Outcome:
        """Store the record under its id (drawn now, unless the client gave it): its key and whether
        giving it the id changed the record, or the refusal when its id or a unique value is another
        record's."""
        engine, collection, storage, name, id_field = (
            self.engine,
            self.collection,
            self.engine.storage,
            self.name,
            self.id_field,
        )
        unique: list[tuple[str, Any]] = []
        if self.resource.unique:  # checked before an id is drawn (the id is checked before, or drawn free)
            unique = crud.unique_values(collection, {k: v for k, v in record.items() if k != id_field})
            field = storage.holder(name, path, unique, None)
            if field is not None:
                return crud.refused(collection, Taken(field), record)
        number = storage.next_number(name, path)
        proposed = None
        if self.proposes_id and id_field is not None and given is None:
            proposed = record.get(id_field)
        if isinstance(proposed, str) and proposed not in records:
            key, changed = proposed, False  # engine.assign_id's answer for a free drawn id, without the call
        else:
            key, number = engine.assign_id(
                collection, records, number, path, record, given, "create", counter, rng=rng
            )
            changed = True
        taken = storage.put(name, path, key, collection.stored(record), unique=unique, next_number=number)
        if taken is not None:  # another process stored this id or value in the meantime
            return crud.refused(collection, taken, record)
        return key, changed

    def _generated(self, rng: random.Random) -> Record:
        """``Seeder.entity_from`` after its first draw gave no object: drawn again while a ``oneOf``
        branch gives none."""
        draw = self.draw
        for _ in range(ID_ATTEMPTS - 1):
            value = draw(rng)
            if isinstance(value, dict):
                return value
        return {}
