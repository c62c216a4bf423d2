"""Which field identifies an item, and the canonical key a stored record is filed under."""

from __future__ import annotations

from typing import Any

from specmock.openapi.refs import deref
from specmock.openapi.views import schema_types
from specmock.state.inferred.naming import norm, singular
from specmock.text_numbers import ascii_number
from specmock.types import Schema

GENERIC_IDS = ("id", "pk", "uuid", "guid", "key", "token", "identifier", "slug", "sid")


def find_id_field(
    document: Any, properties: dict[str, Schema], param: str | None, collection: str
) -> str | None:
    """The property that identifies an item.

    Order: the path parameter's own name (``identifier``, ``token``); ``bookId`` / ``book_id`` → ``id``
    when the schema has it; the usual names (``id``, ``pk``, ``uuid``, ``<name>_id`` …); then the first
    read-only uuid, then the first read-only ``…id`` property.
    """
    by_norm = {norm(name): name for name in properties}
    candidates: list[str] = []
    if param:
        candidates.append(param)
        stripped = norm(param)
        for tail in ("id", "pk", "uuid", "key"):
            if stripped.endswith(tail) and stripped != tail:
                candidates.append(tail)
    one = singular(collection.rsplit(".", 1)[-1])
    candidates += [f"{one}id", f"{one}_id", *GENERIC_IDS]
    for candidate in candidates:
        found = by_norm.get(norm(candidate))
        if found is not None and _scalar(document, properties[found]):
            return found
    return _read_only_id(document, properties)


def _read_only_id(document: Any, properties: dict[str, Schema]) -> str | None:
    read_only = [n for n, s in properties.items() if _flag(document, s, "readOnly") and _scalar(document, s)]
    for name in read_only:
        if deref(document, properties[name]).get("format") == "uuid":
            return name
    return next((n for n in read_only if norm(n).endswith("id")), None)


def _scalar(document: Any, schema: Schema) -> bool:
    types = schema_types(document, schema) - {"null"}
    return not types or bool(types & {"string", "integer", "number"})


def _flag(document: Any, schema: Any, flag: str, depth: int = 0) -> bool:
    node = deref(document, schema)
    if not isinstance(node, dict) or depth > 8:
        return False
    if node.get(flag) is True:
        return True
    return any(_flag(document, sub, flag, depth + 1) for sub in node.get("allOf") or ())


def has_flag(document: Any, schema: Any, flag: str) -> bool:
    """``flag`` (readOnly, writeOnly) set on the schema, beside its ``$ref`` or in an ``allOf`` part."""
    return _flag(document, schema, flag)


def is_read_only(document: Any, schema: Any) -> bool:
    return _flag(document, schema, "readOnly")


def is_write_only(document: Any, schema: Any) -> bool:
    return _flag(document, schema, "writeOnly")


def key_of(value: Any) -> str:
    """The key a record is filed under: path values are strings, so ``5`` and ``"5"`` are one key."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def id_from_path(raw: str, id_types: set[str]) -> Any:
    """A path value as the id field's type (``"7"`` → ``7`` for an integer id)."""
    if "string" not in id_types and id_types & {"integer", "number"}:
        number = ascii_number(raw)
        if number is None:
            return raw
        return int(number) if isinstance(number, float) and number.is_integer() else number
    return raw
