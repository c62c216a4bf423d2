"""Actions under an item (``/core/tokens/{identifier}/view_key/``) declared with ``x-specmock-action``.

``update`` copies request body fields into the item (``set_key``: the token's ``key`` ← body ``key``);
``answer`` fills the documented answer from the item's fields (``view_key``: ``{key: <the token's
key>}``), the answer's other fields generated once per item. Without ``answer`` the pipeline generates
the documented answer as for any action.
"""

from __future__ import annotations

from typing import Any

from specmock.generation import rng_for
from specmock.openapi.success import OTHER
from specmock.state.inferred.resources import ActionSpec
from specmock.state.inferred.shapes import success_schema
from specmock.state.store.crud import Call
from specmock.state.store.outcome import NO_CONTENT, Outcome
from specmock.state.store.storage.stored import is_seeded, record_of


def run(call: Call, spec: ActionSpec, key: str, body: Any) -> Outcome | None:
    stored = call.find(key)
    if stored is None:
        return call.missing(key)
    engine, collection, path = call.engine, call.collection, call.path
    changes = {item: body[sent] for item, sent in spec.update if isinstance(body, dict) and sent in body}
    record = record_of(stored)
    if changes:
        record.update(changes)
        records = engine.bucket(collection, path)
        kept = key in records and engine.kept(collection, path)
        if kept or not engine.full(collection, path, records):  # an item made up past the limit: not kept
            fresh = collection.stored(record, seeded=is_seeded(stored))
            engine.storage.put(collection.name, path, key, fresh, replaces=key if kept else None)
    operation = call.operation
    status, documented = engine.status(operation, OTHER)
    if status == 204 or not documented:
        return Outcome(status, NO_CONTENT)
    if not spec.answer:
        return None
    schema = success_schema(engine.seeder.document, operation, (str(status),)) or {}
    draw = engine.seeder.generator.compile(schema, direction="response", name=f"{operation.key}.answer")
    base = draw(rng_for(engine.seeder.seed, call.name, "action", operation.key, *path, key))
    answer = dict(base) if isinstance(base, dict) else {}
    answer.update({out: record[field] for out, field in spec.answer if field in record})
    cache = ("action", operation.key, call.name, collection.version, path, key)
    return Outcome(status, answer, cache_key=cache)
