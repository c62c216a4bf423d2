"""OpenAPI Schema Objects (3.0 or 3.1 dialect) → JSON Schema 2020-12, one node at a time.

The rules follow openapi-schema-validator (what openapi-core enforces), except where the document's
intent is plain and the reference validator is stricter than the specification:

* 3.0 ``nullable: true`` admits ``null`` even beside ``enum``, ``$ref``, ``allOf``/``oneOf``/``anyOf``
  (openapi-schema-validator refuses ``null`` there). A 3.1 document that still says ``nullable`` gets the
  same reading.
* readOnly properties are not required in requests, writeOnly properties not in responses; sending
  them is allowed either way (openapi-schema-validator's read/write validators refuse them).
* Formats: only the ones openapi-schema-validator asserts are kept (``FORMATS``); ``int32``/``int64``
  become numeric bounds; every other format is an annotation and is dropped.
* ``discriminator`` is a hint: every value the plain ``oneOf``/``anyOf`` accepts is valid (values that
  are neither mapped nor schema names included); a value whose property selects a branch it satisfies
  is valid too, as in openapi-schema-validator, so overlapping branches do not fail ``oneOf``.
* 3.0 keeps only the keywords 3.0 defines (``const``, ``patternProperties``… are ignored there, as
  openapi-schema-validator ignores them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from specmock.openapi.refs import UnresolvableRef, deref
from specmock.types import Schema

Direction = Literal["request", "response"]
RefHook = Callable[[str], str]  # document ref ("#/components/schemas/X") → "#/$defs/X"
PatternCheck = Callable[[str], bool]

FORMATS = frozenset({"date", "date-time", "time", "email", "uuid", "ipv4", "ipv6", "regex", "byte"})
INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
JSON_TYPES = frozenset({"null", "boolean", "object", "array", "number", "string", "integer"})
SINGLE = frozenset(
    {
        "not",
        "additionalProperties",
        "items",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
NUMBERS = frozenset(
    {
        "multipleOf",
        "maximum",
        "minimum",
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "maxProperties",
        "minProperties",
        "maxContains",
        "minContains",
    }
)
PLAIN = frozenset({"enum", "const", "uniqueItems", "dependentRequired"})
V30 = frozenset(
    {
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "enum",
        "type",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "properties",
        "required",
        "additionalProperties",
        "format",
        "$ref",
    }
)
COMBINERS = ("$ref", "allOf", "oneOf", "anyOf", "not")


class NodeConverter:
    """Converts schema nodes of one document for one direction; ``$ref``s go through ``ref_hook``."""

    def __init__(
        self, document: Any, version: str, direction: Direction, ref_hook: RefHook, pattern_ok: PatternCheck
    ) -> None:
        self.document = document
        self.v30 = version == "3.0"
        self.skip_flag = "readOnly" if direction == "request" else "writeOnly"
        self.ref_hook = ref_hook
        self.pattern_ok = pattern_ok

    def convert(self, node: Any, hidden: frozenset[str] = frozenset()) -> Any:
        """``hidden``: property names flagged readOnly/writeOnly by an enclosing allOf group."""
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            return {}
        out: Schema = {}
        hidden = hidden | self.flagged(node)
        for key, value in node.items():
            if self.v30 and key not in V30:
                continue
            self._keyword(out, node, key, value, hidden)
        self._discriminator(out, node)
        return self._nullable(out, node)

    def _keyword(self, out: Schema, node: Schema, key: str, value: Any, hidden: frozenset[str]) -> None:
        if key == "$ref" and isinstance(value, str):
            out["$ref"] = self.ref_hook(value)
        elif key in MAPS and isinstance(value, dict):
            keep = self.pattern_ok if key == "patternProperties" else _always
            out[key] = {str(k): self.convert(v) for k, v in value.items() if keep(str(k))}
        elif key in LISTS and isinstance(value, list) and value:
            members = hidden if key == "allOf" else frozenset()
            out[key] = [self.convert(v, members) for v in value]
        elif key == "items" and isinstance(value, list):  # the draft 2019 tuple form
            out["prefixItems"] = [self.convert(v) for v in value]
            if isinstance(node.get("additionalItems"), dict | bool):
                out["items"] = self.convert(node["additionalItems"])
        elif key in SINGLE:
            out[key] = self.convert(value)
        else:
            self._assertion(out, node, key, value, hidden)

    def _assertion(self, out: Schema, node: Schema, key: str, value: Any, hidden: frozenset[str]) -> None:
        if key == "type":
            _type(out, value)
        elif key == "required" and isinstance(value, list):
            names = (name for name in value if isinstance(name, str) and name not in hidden)
            out[key] = list(dict.fromkeys(names))
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            _exclusive(out, node, key, value)
        elif key in NUMBERS and _is_number(value):
            _tighten(out, key, value)  # an int32/int64 format may have set minimum/maximum already
        elif key == "format" and isinstance(value, str):
            self._format(out, node, value)
        elif key == "pattern" and isinstance(value, str):
            if self.pattern_ok(value):
                out[key] = value
        elif key in PLAIN and (key != "enum" or (isinstance(value, list) and value)):
            out[key] = value

    def flagged(self, node: Schema, depth: int = 0) -> frozenset[str]:
        """Names of the properties (own and allOf members') that the direction does not require."""
        names: set[str] = set()
        props = node.get("properties")
        if isinstance(props, dict):
            names.update(name for name, prop in props.items() if self._has_flag(prop))
        for member in _members(node, "allOf") if depth < 8 else ():
            target = self._deref(member)
            if isinstance(target, dict):
                names |= self.flagged(target, depth + 1)
        return frozenset(names)

    def _has_flag(self, prop: Any, depth: int = 0) -> bool:
        target = prop if depth > 8 else self._deref(prop)
        if not isinstance(target, dict):
            return False
        if target.get(self.skip_flag) is True:  # deref keeps the flag when it sits beside the $ref
            return True
        return any(self._has_flag(member, depth + 1) for member in _members(target, "allOf"))

    def _deref(self, node: Any) -> Any:
        try:
            return deref(self.document, node)
        except UnresolvableRef:  # reported by the loader; here it only flags nothing
            return None

    def _format(self, out: Schema, node: Schema, value: str) -> None:
        if value in INT_BOUNDS:
            declared = node.get("type")
            types = declared if isinstance(declared, list) else [declared]
            if "number" not in types:  # openapi-schema-validator bounds integers only
                low, high = INT_BOUNDS[value]
                _tighten(out, "minimum", low)
                _tighten(out, "maximum", high)
        elif value in FORMATS and (value != "byte" or self.v30):
            out["format"] = value

    def _discriminator(self, out: Schema, node: Schema) -> None:
        """A discriminator is a hint: whatever the plain ``oneOf``/``anyOf`` accepts stays valid. It
        also accepts a value its property selects a valid branch for (overlapping ``oneOf`` branches
        would fail plain JSON Schema), and a known value reports the selected branch's errors."""
        spec = node.get("discriminator")
        if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
            return
        keyword = "oneOf" if "oneOf" in out else "anyOf" if "anyOf" in out else None
        if keyword is None:
            return
        name = spec["propertyName"]
        targets = _discriminator_targets(spec, node[keyword])
        if not targets:
            return
        plain = {keyword: out.pop(keyword)}
        known = {
            "type": "object",
            "required": [name],
            "properties": {name: {"enum": [value for value, _ in targets]}},
        }
        # if/then per value rather than anyOf, so a failing branch reports its own errors
        selected = [
            {"if": {"properties": {name: {"const": value}}}, "then": {"$ref": self.ref_hook(ref)}}
            for value, ref in targets
        ]
        hinted = {"if": plain, "else": {"if": known, "then": {"allOf": selected}, "else": plain}}
        out.setdefault("allOf", []).append(hinted)

    def _nullable(self, out: Schema, node: Schema) -> Schema:
        if node.get("nullable") is not True:
            return out
        if any(key in out for key in COMBINERS) or "const" in out:
            return {"if": {"type": "null"}, "else": out}  # not anyOf: keeps the errors of the non-null case
        if isinstance(out.get("type"), list) and "null" not in out["type"]:
            out["type"] = [*out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out


def _discriminator_targets(spec: Schema, branches: Any) -> list[tuple[str, str]]:
    """(value, ref) pairs: the explicit mapping, then each component branch by its own name."""
    mapping = spec.get("mapping")
    targets = (
        [(str(k), v) for k, v in mapping.items() if isinstance(v, str)] if isinstance(mapping, dict) else []
    )
    taken = {value for value, _ in targets}
    prefix = "#/components/schemas/"
    for branch in branches if isinstance(branches, list) else ():
        ref = branch.get("$ref") if isinstance(branch, dict) else None
        if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix) :] not in taken:
            targets.append((ref[len(prefix) :], ref))
    return targets


def _members(node: Schema, keyword: str) -> list[Any]:
    members = node.get(keyword)
    return members if isinstance(members, list) else []


def _type(out: Schema, value: Any) -> None:
    names = [name for name in (value if isinstance(value, list) else [value]) if isinstance(name, str)]
    known = [name for name in names if name in JSON_TYPES]
    if "file" in names:  # Swagger 2 leftover
        known.append("string")
    if known:
        out["type"] = list(dict.fromkeys(known))


def _exclusive(out: Schema, node: Schema, key: str, value: Any) -> None:
    """3.0 booleans make ``minimum``/``maximum`` exclusive; keeping the inclusive copy is harmless."""
    bound = "minimum" if key == "exclusiveMinimum" else "maximum"
    if value is True and _is_number(node.get(bound)):
        out[key] = node[bound]
    elif _is_number(value):
        out[key] = value


def _tighten(out: Schema, key: str, value: Any) -> None:
    if key in out and key in ("minimum", "maximum"):
        out[key] = max(out[key], value) if key == "minimum" else min(out[key], value)
    else:
        out[key] = value


def _always(_: str) -> bool:
    return True


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
