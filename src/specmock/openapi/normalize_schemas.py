"""Repairs inside schemas: discriminator mappings and defaults that contradict their own schema."""

from __future__ import annotations

import math
from typing import Any

from jsonpointer import escape

from specmock.openapi.refs import UnresolvableRef, deref, resolve_pointer
from specmock.openapi.repairs import Repair
from specmock.openapi.scan import DocumentIndex
from specmock.types import Document

MAX_DEPTH = 16


def discriminator_mappings(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """Mapping values must be reference strings: ``{$ref: …}`` objects and bare schema names are rewritten."""
    repairs = []
    for pointer, holder in index.discriminators:
        spec = holder.get("discriminator")
        if not isinstance(spec, dict):
            continue
        if not isinstance(spec.get("propertyName"), str):
            del holder["discriminator"]
            repairs.append(
                Repair(f"{pointer}/discriminator", "the discriminator has no propertyName; ignored")
            )
            continue
        mapping = spec.get("mapping")
        if not isinstance(mapping, dict):
            continue
        for value, target in list(mapping.items()):
            where = f"{pointer}/discriminator/mapping/{escape(str(value))}"
            fixed, problem = _mapping_ref(document, target)
            if fixed is None:
                del mapping[value]
                repairs.append(Repair(where, f"{problem}; the entry is dropped"))
            elif fixed != target:
                mapping[value] = fixed
                repairs.append(Repair(where, f"{problem}; read as {fixed!r}"))
    return repairs


def _mapping_ref(document: Document, target: Any) -> tuple[str | None, str]:
    """(the reference string to use or None, what was wrong)."""
    problem = ""
    if isinstance(target, dict) and isinstance(target.get("$ref"), str):
        target, problem = target["$ref"], "the mapping value is a {$ref: …} object, not a string"
    if not isinstance(target, str):
        return None, f"the mapping value {target!r} is not a reference"
    if not target.startswith("#"):
        name = target
        target = f"#/components/schemas/{escape(name)}"
        problem = problem or f"the mapping value {name!r} is a schema name"
    try:
        resolve_pointer(document, target)
    except UnresolvableRef:
        return None, f"the mapping value {target!r} points to nothing in this document"
    return target, problem


def duplicate_required(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """A name listed twice in ``required`` (JSON Schema wants the list unique)."""
    repairs = []
    for pointer, holder in index.required_lists:
        names = holder.get("required")
        if isinstance(names, list) and len(names) != len({repr(n) for n in names}):
            holder["required"] = list(dict.fromkeys(n for n in names if isinstance(n, str)))
            twice = sorted({n for n in names if isinstance(n, str) and names.count(n) > 1})
            repairs.append(
                Repair(f"{pointer}/required", f"{', '.join(map(repr, twice))} listed twice; once is kept")
            )
    return repairs


def unfit_defaults(document: Document, version: str, index: DocumentIndex) -> list[Repair]:
    """A ``default`` its own schema refuses (wrong type, outside the enum…) is dropped."""
    repairs = []
    for pointer, holder in index.defaults:
        if "default" not in holder:
            continue
        reason = misfit(document, holder, holder["default"])
        if reason is not None:
            value = holder.pop("default")
            repairs.append(
                Repair(
                    f"{pointer}/default",
                    f"default {_show(value)} does not fit its schema ({reason}); dropped",
                )
            )
    return repairs


def misfit(document: Document, schema: Any, value: Any, depth: int = 0) -> str | None:
    """Why ``value`` cannot be valid against ``schema`` (a quick structural check), or None."""
    node = deref(document, schema)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return None
    if value is None and node.get("nullable") is True:
        return None
    for check in (_type_misfit, _enum_misfit, _bounds_misfit, _required_misfit):
        reason = check(node, value)
        if reason is not None:
            return reason
    for member in _members(node, "allOf"):
        reason = misfit(document, member, value, depth + 1)
        if reason is not None:
            return reason
    for keyword in ("oneOf", "anyOf"):
        members = _members(node, keyword)
        if members and all(misfit(document, m, value, depth + 1) is not None for m in members):
            return f"it matches none of the {keyword} alternatives"
    return None


def _members(node: Document, keyword: str) -> list[Any]:
    members = node.get(keyword)
    return members if isinstance(members, list) else []


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "unknown"


def _type_misfit(node: Document, value: Any) -> str | None:
    declared = node.get("type")
    names = declared if isinstance(declared, list) else [declared]
    types = {name for name in names if isinstance(name, str)}
    if not types:
        return None
    actual = json_type(value)
    if actual in types or (actual == "integer" and "number" in types):
        return None
    return (
        f"it is {'null' if actual == 'null' else 'an ' + actual if actual[0] in 'aeiou' else 'a ' + actual}, "
        f"not {' or '.join(sorted(map(str, types)))}"
    )


def _enum_misfit(node: Document, value: Any) -> str | None:
    enum = node.get("enum")
    if isinstance(enum, list) and enum and not any(_same(value, option) for option in enum):
        return f"it is not one of {', '.join(_show(option) for option in enum[:6])}"
    if "const" in node and not _same(value, node["const"]):
        return f"it is not the const {_show(node['const'])}"
    return None


def _bounds_misfit(node: Document, value: Any) -> str | None:
    size = (
        len(value)
        if isinstance(value, str | list)
        else value
        if json_type(value) in ("integer", "number")
        else None
    )
    if size is None:
        return None
    low, high = (
        ("minLength", "maxLength")
        if isinstance(value, str)
        else ("minItems", "maxItems")
        if isinstance(value, list)
        else ("minimum", "maximum")
    )
    if isinstance(node.get(low), int | float) and size < node[low]:
        return f"it is below {low} {node[low]}"
    if isinstance(node.get(high), int | float) and size > node[high]:
        return f"it is above {high} {node[high]}"
    return None


def _required_misfit(node: Document, value: Any) -> str | None:
    required = node.get("required")
    if not isinstance(value, dict) or not isinstance(required, list):
        return None
    missing = [name for name in required if isinstance(name, str) and name not in value]
    return f"it lacks the required {missing[0]!r}" if missing else None


def _same(a: Any, b: Any) -> bool:
    return json_type(a) == json_type(b) and a == b


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
