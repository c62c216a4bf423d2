"""A stored record shown through an answer schema that is not the entity's own.

The same record can be answered by operations that describe it differently: a list of
``organization.certificate`` items and a read answering ``certificate``, a summary item that requires
``active`` where the detail view does not. Showing the record as stored would break one of them. An
``Adapter`` keeps every field of the record the answer schema accepts and takes the others from a
value generated for that schema (seeded by the view and the record's id, so the same record always
reads the same); a record the schema accepts as it is passes untouched, at the cost of one check.
"""

from __future__ import annotations

from typing import Any

from specmock.generation import rng_for
from specmock.openapi.views import merged_object
from specmock.state.inferred.resources import Record
from specmock.state.store.repair import conform_to
from specmock.state.store.seeding import Seeder


class Adapter:
    def __init__(self, seeder: Seeder, schema: Any, name: str, id_field: str | None) -> None:
        self.seeder = seeder
        self.name = name
        self.id_field = id_field
        self.validator = seeder.schema_validator(schema)
        self.draw = seeder.generator.compile(schema, direction="response", name=name)
        _, required, _ = merged_object(seeder.document, schema)
        self.required = frozenset(required)

    def __call__(self, record: Record) -> Any:
        """``record`` itself when the schema accepts it, else the nearest value it accepts."""
        if self.validator.is_valid(record):
            return record
        key = str(record.get(self.id_field)) if self.id_field else ""
        fallback = self.draw(rng_for(self.seeder.seed, self.name, "view", key))
        if not isinstance(fallback, dict):
            return fallback
        return conform_to(self.validator, self.required, dict(record), fallback)
