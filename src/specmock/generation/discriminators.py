"""Discriminators: which name a branch carries in the discriminator property.

Mapping values are strings after the loader's repair, but raw documents also write them as
``{$ref: ...}`` objects or as bare schema names: all three are read here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock.generation.core import Schema
from specmock.generation.merge import Merger

_SCHEMAS = "#/components/schemas/"


def _target(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("$ref")
    if not isinstance(value, str):
        return None
    return value if value.startswith("#") else f"{_SCHEMAS}{value}"


def schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def names_for(discriminator: dict[str, Any], ref: str) -> list[str]:
    """The discriminator values that select ``ref``: its mapping keys, else its schema name."""
    mapping = discriminator.get("mapping")
    if isinstance(mapping, dict):
        keys = [str(k) for k, v in mapping.items() if _target(v) == ref]
        if keys:
            return keys
    return [schema_name(ref)]


def admissible(merger: Merger, schema: Schema, prop: str, names: list[str]) -> list[str]:
    """The names the (flattened) schema's own property enum accepts; all of them if it has none."""
    current = (schema.get("properties") or {}).get(prop)
    allowed = merger.flatten(current).get("enum") if isinstance(current, dict) else None
    if not isinstance(allowed, list):
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


def name_child(merger: Merger, schema: Schema, ref: str) -> Schema:
    """A schema inheriting a discriminator through allOf gets its own name in the property."""
    discriminator = schema.get("discriminator")
    if not isinstance(discriminator, dict) or not isinstance(discriminator.get("propertyName"), str):
        return schema
    raw = merger.target(ref)
    if isinstance(raw, dict) and "discriminator" in raw:
        return schema  # the base itself: leave the property as its schema says
    prop = discriminator["propertyName"]
    names = admissible(merger, schema, prop, names_for(discriminator, ref))
    return override(prop, names)(schema) if names else schema
