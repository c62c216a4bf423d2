"""Deterministic records from the generator: ``rng_for(seed, resource, *parent values, index)``.

Every record depends on the seed, the resource's name, its parent's path values and its position
only, so resources can be seeded lazily, in any order, and still come out identical.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from specmock.generation import Generator, rng_for
from specmock.memo import Memo
from specmock.openapi.jsonschema import SchemaCompiler
from specmock.openapi.refs import deref
from specmock.state.inferred.identity import id_from_path, key_of
from specmock.state.inferred.resources import Resource

Record = dict[str, Any]
Draw = Callable[[random.Random], Any]
ID_ATTEMPTS = 8
DERIVED_VALUES = 4096  # derived objects kept (as JSON bytes), by resource, target and source value
DERIVED_BYTES = 16 * 1024 * 1024


class Seeder:
    def __init__(self, generator: Generator, seed: int, document: Any) -> None:
        self.generator = generator
        self.document = document
        self.seed = seed
        self._draws: dict[tuple[str, str], Draw] = {}
        self._compiler: SchemaCompiler | None = None
        self._validators: dict[tuple[str, str | None], Any] = {}
        self._derived = Memo(DERIVED_VALUES, DERIVED_BYTES, weigh=len)

    def draw(self, resource: Resource, what: str = "entity") -> Draw:
        found = self._draws.get((resource.name, what))
        if found is None:
            if what == "entity":
                schema: Any = resource.entity
            else:
                schema = resource.properties.get(what, {})
            found = self.generator.compile(schema, direction="response", name=f"{resource.name}.{what}")
            self._draws[(resource.name, what)] = found
        return found

    def entity(self, resource: Resource, *parts: Any) -> Record:
        """A generated record; drawn again (deterministically) when a ``oneOf`` branch gave no object."""
        draw = self.draw(resource)
        value = draw(rng_for(self.seed, resource.name, *parts))
        for attempt in range(1, ID_ATTEMPTS):
            if isinstance(value, dict):
                break
            value = draw(rng_for(self.seed, resource.name, *parts, "again", attempt))
        return value if isinstance(value, dict) else {}

    def entity_from(self, resource: Resource, rng: random.Random) -> Record:
        """A generated record drawn from ``rng`` (a create's stream), drawn again while a ``oneOf``
        branch gives no object."""
        draw = self.draw(resource)
        for _ in range(ID_ATTEMPTS):
            value = draw(rng)
            if isinstance(value, dict):
                return value
        return {}

    def derived(self, resource: Resource, target: str, source_key: str) -> Any:
        """The value ``target`` derives from a source value (``rng_for(seed, resource, "derive", target,
        key)``): drawn once per value and kept as JSON, a fresh copy each time after (decoding it costs
        a fraction of seeding an rng and drawing a nested object)."""
        memo_key = (resource.name, target, source_key)
        data: bytes | None = self._derived.get(memo_key)
        if data is not None:
            return orjson.loads(data)
        value = self.draw(resource, target)(rng_for(self.seed, resource.name, "derive", target, source_key))
        try:
            data = orjson.dumps(value)
        except TypeError:  # integers beyond 64 bits: drawn again each time
            return value
        if orjson.loads(data) == value:  # not kept when JSON would not give it back (NaN, infinities)
            self._derived.put(memo_key, data)
        return value

    def unique_id(
        self,
        resource: Resource,
        taken: Mapping[str, Any],
        proposed: Any,
        *parts: Any,
        rng: random.Random | None = None,
    ) -> Any:
        """``proposed`` when free, else a fresh draw of the id field (from ``rng`` when given, else
        seeded from ``parts``). A schema with few values (``^(0|[1-9][0-9]*)$`` draws "0" half the
        time) can keep colliding: then the first free numbered variant the id schema accepts."""
        if proposed is not None and key_of(proposed) not in taken:
            return proposed
        field = resource.id_field
        assert field is not None
        for attempt in range(ID_ATTEMPTS):
            source = rng or rng_for(self.seed, resource.name, *parts, "id", attempt)
            value = self.draw(resource, field)(source)
            if value is not None and key_of(value) not in taken:
                return value
        start = len(taken) + 1
        for number in range(start, start + ID_ATTEMPTS * ID_ATTEMPTS):
            for candidate in (f"{proposed}{number}", str(number), f"{proposed}-{number}"):
                if key_of(candidate) not in taken and self.id_fits(resource, candidate):
                    return candidate
        return f"{proposed}-{start}"

    def integer_start(self, resource: Resource) -> int:
        schema = deref(self.document, resource.properties.get(resource.id_field or "", {}))
        minimum = schema.get("minimum") if isinstance(schema, dict) else None
        return (
            max(int(minimum), 1) if isinstance(minimum, int | float) and not isinstance(minimum, bool) else 1
        )

    def materialized(self, resource: Resource, scope: tuple[str, ...], key: str) -> Record:
        """The item a read of an unknown id finds; its id field echoes the key when the schema allows."""
        record = self.entity(resource, *scope, "id", key)
        if resource.id_field is not None:
            value = id_from_path(key, set(resource.id_types))
            if self.id_fits(resource, value):
                record[resource.id_field] = value
        return record

    def id_fits(self, resource: Resource, value: Any) -> bool:
        return bool(self.validator(resource, resource.id_field or "").is_valid(value))

    def validator(self, resource: Resource, field: str | None = None) -> Any:
        """A compiled response-direction validator for the entity (or one of its fields)."""
        found = self._validators.get((resource.name, field))
        if found is None:
            schema = resource.entity if field is None else resource.properties.get(field, {})
            found = self._validators[resource.name, field] = self.schema_validator(schema)
        return found

    def schema_validator(self, schema: Any) -> Any:
        """A compiled response-direction validator for any schema of the document (cached by it)."""
        if self._compiler is None:
            self._compiler = SchemaCompiler(self.document, self.generator.version)
        return self._compiler.validator(schema, "response")
