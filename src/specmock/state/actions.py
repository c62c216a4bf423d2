"""Actions under an item (``/core/tokens/{identifier}/view_key/``) declared with ``x-specmock-action``.

``update`` copies request body fields into the item (``set_key``: the token's ``key`` ← body ``key``);
``answer`` fills the documented answer from the item's fields (``view_key``: ``{key: <the token's
key>}``), the answer's other fields generated once per item. Without ``answer`` the pipeline generates
the documented answer as for any action.
"""

from __future__ import annotations

from typing import Any

from specmock.generation import rng_for
from specmock.state.crud import Call
from specmock.state.outcome import NO_CONTENT, Outcome
from specmock.state.resources import ActionSpec
from specmock.state.shapes import success_schema


def run(call: Call, spec: ActionSpec, key: str, body: Any) -> Outcome | None:
    entry = call.find(key)
    if entry is None:
        return call.missing(key)
    engine, collection = call.engine, call.collection
    changes = {item: body[sent] for item, sent in spec.update if isinstance(body, dict) and sent in body}
    if changes:
        entry = collection.entry({**entry.stored, **changes}, seeded=entry.seeded)
        bucket = engine.bucket(collection, call.scope)
        if key in bucket.entries or not engine.full(collection, call.scope, bucket):
            bucket.entries[key] = entry  # an item made up past the record limit is answered, not kept
            collection.touch()
    operation = call.operation
    status, documented = engine.status(operation, (200, 201, 204))
    if status == 204 or not documented:
        return Outcome(status, NO_CONTENT)
    if not spec.answer:
        return None
    schema = success_schema(engine.seeder.document, operation, (str(status),)) or {}
    draw = engine.seeder.generator.compile(schema, direction="response", name=f"{operation.key}.answer")
    base = draw(rng_for(engine.seeder.seed, call.name, "action", operation.key, *call.scope, key))
    answer = dict(base) if isinstance(base, dict) else {}
    answer.update({out: entry.stored[field] for out, field in spec.answer if field in entry.stored})
    cache = ("action", operation.key, call.name, collection.version, call.scope, key)
    return Outcome(status, answer, cache_key=cache)
