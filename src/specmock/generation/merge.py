"""Flattening: ``$ref`` chains followed and ``allOf`` members deep-merged into one schema dict.

The result keeps property subschemas unresolved (they are compiled lazily, with recursion
bookkeeping), collects every ``oneOf`` / ``anyOf`` as a *group* and every ``not`` and ``pattern``
in lists, so that none of them is lost when two members both carry one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock.generation.numbers import bounds
from specmock.openapi.refs import resolve_pointer
from specmock.types import Schema

GROUPS = "x-specmock-groups"  # [(keyword, branches, discriminator | None), ...]
NOTS = "x-specmock-nots"
PATTERNS = "x-specmock-patterns"
EMPTY = "x-specmock-empty"  # set when merged members admit no common value
_ANNOTATIONS = frozenset(("description", "title", "summary", "example", "examples", "$comment", "deprecated"))
_REF_LIMIT = 64


def _type_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return None


def _merge_type(a: Any, b: Any) -> Any:
    left, right = _type_list(a), _type_list(b)
    if left is None or right is None:
        return a if right is None else b
    both = [t for t in left if t in right]
    if ("integer" in left and "number" in right) or ("number" in left and "integer" in right):
        both.append("integer")
    return list(dict.fromkeys(both)) or left


def _merge_properties(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    merged = dict(a)
    for key, sub in b.items():
        merged[key] = {"allOf": [merged[key], sub]} if key in merged else sub
    return merged


def _merge_additional(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return {"allOf": [a, b]}
    return a if isinstance(a, dict) else b


_COMBINE: dict[str, Callable[[Any, Any], Any]] = {
    "properties": _merge_properties,
    "patternProperties": _merge_properties,
    "required": lambda a, b: list(dict.fromkeys([*a, *b])),
    "type": _merge_type,
    "minLength": max,
    "minItems": max,
    "minProperties": max,
    "maxLength": min,
    "maxItems": min,
    "maxProperties": min,
    "items": lambda a, b: {"allOf": [a, b]},
    "additionalProperties": _merge_additional,
    # A later member's explicit readOnly: false (a "Post..." schema re-opening "type") wins.
    "readOnly": lambda a, b: b,
    "writeOnly": lambda a, b: b,
    "uniqueItems": lambda a, b: a is True or b is True,
    GROUPS: lambda a, b: [*a, *b],
    NOTS: lambda a, b: [*a, *b],
    PATTERNS: lambda a, b: [*a, *b],
}
_BOUND_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _merge_bounds(merged: Schema, a: Schema, b: Schema) -> None:
    """Tighter of the two ranges, written back in the boolean (3.0) spelling that ``bounds`` reads."""
    lo_a, lo_ex_a, hi_a, hi_ex_a = bounds(a)
    lo_b, lo_ex_b, hi_b, hi_ex_b = bounds(b)
    for key in _BOUND_KEYS:
        merged.pop(key, None)
    lows = [(v, ex) for v, ex in ((lo_a, lo_ex_a), (lo_b, lo_ex_b)) if v is not None]
    highs = [(v, ex) for v, ex in ((hi_a, hi_ex_a), (hi_b, hi_ex_b)) if v is not None]
    if lows:
        merged["minimum"], merged["exclusiveMinimum"] = max(lows, key=lambda p: (p[0], p[1]))
    if highs:
        merged["maximum"], merged["exclusiveMaximum"] = min(highs, key=lambda p: (p[0], not p[1]))


def merge_two(a: Schema, b: Schema) -> Schema:
    """Both schemas' constraints in one dict (an approximation of ``allOf: [a, b]``)."""
    merged = dict(a)
    for key, value in b.items():
        if key not in merged:
            merged[key] = value
        elif key in _COMBINE:
            merged[key] = _COMBINE[key](merged[key], value)
    if any(k in a for k in _BOUND_KEYS) and any(k in b for k in _BOUND_KEYS):
        _merge_bounds(merged, a, b)
    if a.get("additionalProperties") is False or b.get("additionalProperties") is False:
        merged["properties"] = _closed_properties(merged.get("properties", {}), a, b)
    if ("const" in a or "enum" in a) and ("const" in b or "enum" in b):
        _merge_values(merged, a, b)
    return merged


def same_json(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1`` (Python says it is)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def _values(schema: Schema) -> list[Any]:
    return [schema["const"]] if "const" in schema else list(schema.get("enum") or [])


def _merge_values(merged: Schema, a: Schema, b: Schema) -> None:
    """const / enum of both members: their intersection, or no value at all."""
    right = _values(b)
    both = [v for v in _values(a) if any(same_json(v, w) for w in right)]
    merged.pop("const", None)
    if not both:
        merged[EMPTY] = True
    elif len(both) == 1:
        merged["const"] = both[0]
    merged["enum"] = both


def _closed_properties(props: dict[str, Any], a: Schema, b: Schema) -> dict[str, Any]:
    # A member with additionalProperties: false admits only its own properties, whatever the others add.
    allowed: set[str] | None = None
    for member in (a, b):
        if member.get("additionalProperties") is False:
            names = set(member.get("properties", {}))
            allowed = names if allowed is None else allowed & names
    return {k: v for k, v in props.items() if allowed is None or k in allowed}


class Merger:
    """Follows references and flattens ``allOf`` for one document; results are memoised by node identity."""

    def __init__(self, document: dict[str, Any], *, version: str) -> None:
        self.document = document
        self.version = version
        self._memo: dict[int, tuple[Schema, Schema]] = {}

    def target(self, ref: str) -> Any:
        return resolve_pointer(self.document, ref)

    def flatten(self, node: Schema) -> Schema:
        cached = self._memo.get(id(node))
        if cached is not None and cached[0] is node:
            return cached[1]
        flat = self._flatten(node, ())
        self._memo[id(node)] = (node, flat)
        return flat

    def merge(self, a: Schema, b: Schema) -> Schema:
        """Two flattened schemas as one (a oneOf branch with the schema around it)."""
        return self._nullable(merge_two(a, b), [a, b])

    def _flatten(self, node: Any, seen: tuple[str, ...]) -> Schema:
        if not isinstance(node, dict):
            return {} if node is not False else {"not": {}}
        node, seen = self._follow(node, seen)
        members = node.get("allOf")
        own = self._normalise({k: v for k, v in node.items() if k != "allOf"})
        if not isinstance(members, list):
            return own
        parts = [own, *(self._flatten(m, seen) for m in members if not _cyclic(m, seen))]
        merged = parts[0]
        for part in parts[1:]:
            merged = merge_two(merged, part)
        return self._nullable(merged, parts)

    def _follow(self, node: Schema, seen: tuple[str, ...]) -> tuple[Schema, tuple[str, ...]]:
        for _ in range(_REF_LIMIT):
            ref = node.get("$ref")
            if not isinstance(ref, str) or ref in seen:
                return ({k: v for k, v in node.items() if k != "$ref"} if ref in seen else node), seen
            seen = (*seen, ref)
            siblings = {k: v for k, v in node.items() if k != "$ref" and k not in _ANNOTATIONS}
            target = self.target(ref)
            if self.version == "3.1" and siblings:
                return {"allOf": [target, siblings]}, seen
            node = target if isinstance(target, dict) else {}
        return {}, seen

    def _normalise(self, node: Schema) -> Schema:
        """Lift oneOf/anyOf (with the discriminator), not and pattern into the mergeable list forms."""
        out = dict(node)
        groups = [(kw, out.pop(kw), None) for kw in ("oneOf", "anyOf") if isinstance(out.get(kw), list)]
        if groups and isinstance(out.get("discriminator"), dict):
            keyword, branches, _ = groups[0]
            groups[0] = (keyword, branches, out.pop("discriminator"))
        if groups:
            out[GROUPS] = groups
        if "not" in out:
            out[NOTS] = [out.pop("not")]
        if isinstance(out.get("pattern"), str):
            out[PATTERNS] = [out["pattern"]]
        return out

    def _nullable(self, merged: Schema, parts: list[Schema]) -> Schema:
        # 3.0 semantics: nullable acts only beside a type, within its own schema object.
        if self.version == "3.0" and any("nullable" in p for p in parts):
            typed = [p for p in parts if "type" in p]
            merged["nullable"] = bool(typed) and all(p.get("nullable") is True for p in typed)
        return merged


def _cyclic(member: Any, seen: tuple[str, ...]) -> bool:
    return isinstance(member, dict) and member.get("$ref") in seen
