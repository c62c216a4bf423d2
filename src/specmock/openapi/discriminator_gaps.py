"""Discriminator values a document admits but cannot select by name, for ``specmock check`` to say.

A discriminator names the branch a value selects: by its mapping, else by the branch's schema name.
Real documents admit values in the discriminator property that neither selects (an ``enum`` longer
than the mapping, branch ``const`` values that are not schema names and no mapping at all). Such a
value is valid under the plain ``oneOf``/``anyOf``, so it is accepted and kept as sent (a
discriminator is a hint, see ``dialect``); a client that trusts the mapping cannot read it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonpointer import escape

from specmock.openapi.refs import UnresolvableRef, deref

__all__ = ["DiscriminatorGap", "discriminator_gaps"]

MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class DiscriminatorGap:
    """Values a discriminator's property admits that select no branch by name."""

    pointer: str  # the schema holding the discriminator
    property: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(f"'{v}'" for v in self.values[:5]) + (" …" if len(self.values) > 5 else "")
        return (
            f"{self.pointer}: discriminator '{self.property}' admits {shown}, which neither its mapping "
            "nor a branch's schema name selects; accepted and kept as sent (a discriminator is a hint: "
            "the schema without it decides)"
        )


def discriminator_gaps(document: Any) -> list[DiscriminatorGap]:
    """Every discriminator in the document whose property admits values it cannot select by name."""
    found = []
    for pointer, node in _schemas_with_discriminator(document, document, ""):
        spec = node["discriminator"]
        prop = spec["propertyName"]
        branches = [b for key in ("oneOf", "anyOf") for b in node.get(key) or () if isinstance(b, dict)]
        mapping = spec.get("mapping")
        named = {str(k) for k in mapping} if isinstance(mapping, dict) else set()
        named |= {b["$ref"].rsplit("/", 1)[-1] for b in branches if isinstance(b.get("$ref"), str)}
        admitted: dict[str, None] = {}
        for schema in (node, *branches):
            for value in _admitted(document, schema, prop, 0):
                if isinstance(value, str) and value not in named:
                    admitted[value] = None
        if admitted:
            found.append(DiscriminatorGap(pointer or "/", prop, tuple(admitted)))
    return found


def _schemas_with_discriminator(document: Any, node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        spec = node.get("discriminator")
        if isinstance(spec, dict) and isinstance(spec.get("propertyName"), str):
            yield pointer, node
        for key, value in node.items():
            yield from _schemas_with_discriminator(document, value, f"{pointer}/{escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schemas_with_discriminator(document, value, f"{pointer}/{index}")


def _admitted(document: Any, schema: Any, prop: str, depth: int) -> list[Any]:
    """The ``const`` / ``enum`` values the schema (its ``allOf`` members included) gives ``prop``."""
    try:
        node = deref(document, schema)
        properties = node.get("properties") if isinstance(node, dict) else None
        own = deref(document, properties.get(prop)) if isinstance(properties, dict) else None
    except UnresolvableRef:  # reported by the loader already
        return []
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return []
    values: list[Any] = []
    if isinstance(own, dict):
        if "const" in own:
            values.append(own["const"])
        if isinstance(own.get("enum"), list):
            values += own["enum"]
    for member in node.get("allOf") or ():
        values += _admitted(document, member, prop, depth + 1)
    return values
