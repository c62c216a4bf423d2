"""Schemas that contradict themselves: an ``enum`` (or ``const``) none of whose values has the
declared ``type`` — ``type: string`` with ``enum: [true, false]``.

With ``nullable: true`` such a schema still accepts ``null`` (the only value that validates), which
is what the generator answers; with nothing to accept, the generator has to answer a value that
breaks the schema. ``specmock check`` lists both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from jsonpointer import escape

JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}
DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})  # values, not schemas


def typed_values(values: list[Any], types: list[str], null: bool) -> list[Any]:
    """The values that have one of ``types`` (``None`` too when ``null``)."""
    checks = [JSON_TYPES[t] for t in types if t in JSON_TYPES]
    return [v for v in values if any(ok(v) for ok in checks) or (v is None and null)]


def contradictions(document: Any) -> list[tuple[str, str]]:
    """(JSON pointer, what is wrong and what is answered) for every self-contradicting schema."""
    return list(_walk(document, ""))


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    found = _contradiction(node)
    if found is not None:
        yield pointer or "/", found
    for key, value in node.items():
        if isinstance(key, str) and key not in DATA_KEYS and not key.startswith("x-"):
            yield from _walk(value, f"{pointer}/{escape(key)}")


def _contradiction(node: dict[str, Any]) -> str | None:
    declared = node.get("type")
    types = [declared] if isinstance(declared, str) else declared
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return None
    values = node["enum"] if isinstance(node.get("enum"), list) else None
    if values is None and "const" in node:
        values = [node["const"]]
    if not values:
        return None
    null = "null" in types or node.get("nullable") is True
    if typed_values(values, types, null):
        return None
    what = f"type {'/'.join(types)} but enum {json.dumps(values, default=str)} holds no such value"
    if node.get("nullable") is True:
        return f"{what}: only null validates, and null is answered"
    return f"{what}: nothing validates, so generated values break the schema"
