"""Keep stored records answerable: a request body may hold what the response schema refuses.

Request and response schemas differ (``null`` to clear a field, an integer where the answer has a
string, a field only requests know). Before a write is stored, every top-level field that makes the
record break the entity's response schema takes its previous (or freshly generated) value, or is
dropped when it has none; required fields the record lacks come back from the same source. When the
record still fails as a whole (a ``oneOf`` at the root), the fallback is kept with each change that
keeps it valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock.openapi.views import merged_object
from specmock.state.inferred.resources import Record
from specmock.state.store.collection import Collection
from specmock.state.store.seeding import Seeder

PASSES = 3


def conform(seeder: Seeder, collection: Collection, record: Record, fallback: Record) -> Record:
    validator = seeder.validator(collection.resource)
    if validator.is_valid(collection.public(record)):
        return record
    _, required, _ = merged_object(seeder.document, collection.resource.entity)
    return conform_to(validator, required, record, fallback, collection.public)


def conform_to(
    validator: Any,
    required: set[str] | frozenset[str],
    record: Record,
    fallback: Record,
    public: Callable[[Record], Record] = lambda record: record,
) -> Record:
    """``record`` with the top-level fields that break ``validator`` (what ``public`` shows of it)
    taken from ``fallback`` or dropped; the fallback plus each change that keeps it valid when that
    is not enough. ``record`` is changed in place."""
    for _ in range(PASSES):
        errors = list(validator.iter_errors(public(record)))
        if not errors:
            break
        bad = {str(e.instance_path[0]) for e in errors if len(e.instance_path) > 0}
        changed = _restore(record, fallback, bad, required)
        for name in required:
            if name not in record and name in fallback:
                record[name] = fallback[name]
                changed = True
        if not changed:
            break
    if validator.is_valid(public(record)):
        return record
    return _field_by_field(validator, public, record, fallback)


def _field_by_field(
    validator: Any, public: Callable[[Record], Record], record: Record, fallback: Record
) -> Record:
    """Last resort (a root ``oneOf`` the record left): the fallback plus each change that keeps it valid."""
    candidate = dict(fallback)
    for name, value in record.items():
        if name in candidate and candidate[name] == value:
            continue
        trial = {**candidate, name: value}
        if validator.is_valid(public(trial)):
            candidate = trial
    return candidate


def _restore(record: Record, fallback: Record, bad: set[str], required: set[str] | frozenset[str]) -> bool:
    changed = False
    for name in bad:
        if name in fallback and fallback[name] != record.get(name):
            record[name] = fallback[name]
            changed = True
        elif name in record and name not in required and (name not in fallback or fallback[name] is None):
            del record[name]
            changed = True
    return changed
