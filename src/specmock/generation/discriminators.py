"""Discriminators: which name a branch carries in the discriminator property.

Mapping values are strings after the loader's repair, but raw documents also write them as
``{$ref: ...}`` objects or as bare schema names: all three are read here.

Validators (schemathesis among them) check a discriminator value against the names the
discriminator knows (its mapping keys, and the schema names of its oneOf/anyOf branches), and
check ``oneOf`` as plain JSON Schema. A generated value therefore carries a known name that its
schema's own ``enum`` / ``const`` also admits whenever such a name exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonpointer import unescape

from specmock.generation.merge import Merger
from specmock.types import Schema

_SCHEMAS = "#/components/schemas/"


def _target(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("$ref")
    if not isinstance(value, str):
        return None
    return value if value.startswith("#") else f"{_SCHEMAS}{value}"


def schema_name(ref: str) -> str:
    return str(unescape(ref.rsplit("/", 1)[-1]))


def names_for(discriminator: dict[str, Any], ref: str) -> list[str]:
    """The discriminator values that select ``ref``: its mapping keys, else its schema name."""
    mapping = discriminator.get("mapping")
    if isinstance(mapping, dict):
        keys = [str(k) for k, v in mapping.items() if _target(v) == ref]
        if keys:
            return keys
    return [schema_name(ref)]


def mapping_keys(discriminator: Any) -> list[str]:
    """The names a discriminator's mapping declares (none without a mapping)."""
    mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
    return [str(k) for k in mapping] if isinstance(mapping, dict) else []


def own_values(merger: Merger, schema: Schema, prop: str) -> list[Any] | None:
    """The values the (flattened) schema's own ``prop`` admits (``const`` / ``enum``), None if any."""
    current = (schema.get("properties") or {}).get(prop)
    flat = merger.flatten(current) if isinstance(current, dict) else {}
    if "const" in flat:
        return [flat["const"]]
    allowed = flat.get("enum")
    return allowed if isinstance(allowed, list) else None


def admissible(merger: Merger, schema: Schema, prop: str, names: list[str]) -> list[str]:
    """The names the (flattened) schema's own property enum / const accepts; all of them if it has none."""
    allowed = own_values(merger, schema, prop)
    if allowed is None:
        return names
    return [n for n in names if n in allowed]


def override(prop: str, names: list[str]) -> Callable[[Schema], Schema]:
    """A schema transform that forces ``prop`` to one of ``names`` and makes it required."""

    def apply(schema: Schema) -> Schema:
        properties = dict(schema.get("properties") or {})
        properties[prop] = {"type": "string", "enum": names}
        required = [r for r in schema.get("required") or [] if r != prop]
        return {**schema, "properties": properties, "required": [prop, *required]}

    return apply


def name_child(merger: Merger, schema: Schema, ref: str | None) -> Schema:
    """A schema inheriting a discriminator through allOf gets its own name in the property; the
    base itself (or an inline schema carrying one) a name its mapping knows."""
    discriminator = schema.get("discriminator")
    if not isinstance(discriminator, dict) or not isinstance(discriminator.get("propertyName"), str):
        return schema
    prop = discriminator["propertyName"]
    raw = merger.target(ref) if ref is not None else None
    if ref is None or (isinstance(raw, dict) and "discriminator" in raw):
        return name_base(merger, schema, prop, discriminator)
    names = admissible(merger, schema, prop, names_for(discriminator, ref))
    return override(prop, names)(schema) if names else schema


def name_base(merger: Merger, schema: Schema, prop: str, discriminator: dict[str, Any]) -> Schema:
    """A discriminator without oneOf/anyOf (polymorphism through allOf in the children): the
    property carries one of the mapping keys, those its own enum admits if there are any (an enum
    that disagrees with the mapping everywhere is a typo the mapping wins over)."""
    keys = mapping_keys(discriminator)
    if not keys:
        return schema
    return override(prop, admissible(merger, schema, prop, keys) or keys)(schema)
