"""Read-only questions about a schema that several stages ask: its types, its merged properties.

Schemas stay in OpenAPI dialect here (3.0 ``nullable``, 3.1 type arrays); ``$ref`` and ``allOf``
are looked through.
"""

from __future__ import annotations

from typing import Any

from specmock.openapi.refs import deref
from specmock.types import Schema

MAX_DEPTH = 16


def schema_types(document: Any, schema: Any, depth: int = 0) -> set[str]:
    """The JSON types a schema admits ("string", "integer", …); empty when it says nothing."""
    node = deref(document, schema)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return set()
    declared = node.get("type")
    types = (
        {declared} if isinstance(declared, str) else set(declared) if isinstance(declared, list) else set()
    )
    if node.get("nullable"):
        types.add("null")
    for keyword in ("allOf", "oneOf", "anyOf"):
        for sub in node.get(keyword) or ():
            types |= schema_types(document, sub, depth + 1)
    if not types and ("properties" in node or "additionalProperties" in node):
        types.add("object")
    if not types and "items" in node:
        types.add("array")
    return {t for t in types if isinstance(t, str)}


def merged_object(document: Any, schema: Any, depth: int = 0) -> tuple[dict[str, Schema], set[str], Any]:
    """Properties, required names and additionalProperties of an object schema, allOf merged."""
    node = deref(document, schema)
    properties: dict[str, Schema] = {}
    required: set[str] = set()
    additional: Any = True
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return properties, required, additional
    for sub in node.get("allOf") or ():
        sub_props, sub_req, sub_add = merged_object(document, sub, depth + 1)
        properties.update(sub_props)
        required |= sub_req
        if sub_add is not True:
            additional = sub_add
    for name, prop in (node.get("properties") or {}).items():
        properties[str(name)] = prop if isinstance(prop, dict) else {}
    required |= {str(r) for r in node.get("required") or () if isinstance(r, str)}
    if "additionalProperties" in node:
        additional = node["additionalProperties"]
    return properties, required, additional


def items_schema(document: Any, schema: Any) -> Schema:
    node = deref(document, schema)
    if isinstance(node, dict):
        items = node.get("items")
        if isinstance(items, dict):
            return items
        for sub in node.get("allOf") or ():
            found = items_schema(document, sub)
            if found:
                return found
    return {}
