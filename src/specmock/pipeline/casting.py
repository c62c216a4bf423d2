"""Strings from the URL, headers and forms → typed values, following the schema they are checked against.

Casting never fails: a value that does not fit its schema type is passed on unchanged, and the
schema validator reports it with the parameter's name. ``styles`` decides which strings there are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock import json_exact
from specmock.openapi.refs import deref
from specmock.openapi.views import items_schema, merged_object, schema_types
from specmock.text_numbers import ascii_int, ascii_number

Caster = Callable[[str], Any]
Typed = Callable[[Any], Any]  # str | list[str] | pairs | nested dict of strings → the typed value
MAX_DEPTH = 8
DIGITS = "0123456789"
DIGITS_OR_SIGN = "-" + DIGITS


def cast_integer(raw: str) -> Any:
    value = ascii_int(raw)
    if value is None and raw[:1] in DIGITS_OR_SIGN and raw[-1:] in DIGITS:
        # JSON Schema calls 60.0 and 1e2 integers: the exact integer the text names, as in JSON bodies
        try:
            exact = json_exact.loads(raw)
        except ValueError:
            return raw
        return exact if type(exact) is int else raw
    return raw if value is None else value


def cast_number(raw: str) -> Any:
    value = ascii_number(raw)
    return raw if value is None else value


def cast_boolean(raw: str) -> Any:
    return {"true": True, "false": False}.get(raw.lower(), raw)


def cast_null(raw: str) -> Any:
    return None if raw in ("", "null") else raw


def scalar_caster(types: set[str]) -> Caster:
    """The caster for a schema of these types; strings stay strings when "string" is allowed."""
    if "string" in types or not types:
        # `null` is how a form spells null; a nullable string reads it as null
        return _nullable(str) if "null" in types else str
    if "integer" in types and "number" not in types:
        caster: Caster = cast_integer
    elif "number" in types:
        caster = cast_number
    elif "boolean" in types:
        caster = cast_boolean
    elif types == {"null"}:
        return cast_null
    else:
        return str
    return _nullable(caster) if "null" in types else caster


def _nullable(caster: Caster) -> Caster:
    return lambda raw: None if raw == "null" else caster(raw)


def shape_of(document: Any, schema: Any) -> str:
    """How a value of this schema is spelled in a URL or a form: primitive, array or object."""
    types = schema_types(document, schema)
    if "array" in types and not types & {"string", "object"}:
        return "array"
    if "object" in types:
        return "object"
    return "primitive"


def object_properties(document: Any, schema: Any, depth: int = 0) -> dict[str, Any]:
    """The properties a value of this schema may hold: its own (``allOf`` merged) and those of every
    ``oneOf``/``anyOf`` branch; a name two branches declare differently admits either."""
    properties = dict(merged_object(document, schema)[0])
    node = deref(document, schema)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return properties
    for keyword in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(keyword) or ():
            for name, sub in object_properties(document, branch, depth + 1).items():
                known = properties.get(name)
                if known is None:
                    properties[name] = sub
                elif known is not sub and known != sub:
                    properties[name] = {"anyOf": [known, sub]}
    return properties


def required_somewhere(document: Any, schema: Any, depth: int = 0) -> frozenset[str]:
    """The property names the schema requires (``allOf`` merged) or one of its ``oneOf``/``anyOf``
    branches requires."""
    required = set(merged_object(document, schema)[1])
    node = deref(document, schema)
    if isinstance(node, dict) and depth <= MAX_DEPTH:
        for keyword in ("oneOf", "anyOf", "allOf"):
            for branch in node.get(keyword) or ():
                required |= required_somewhere(document, branch, depth + 1)
    return frozenset(required)


def properties_of(document: Any, schema: Any) -> tuple[tuple[str, ...], bool]:
    """An object schema's property names, and whether fields nobody else claims are its members:
    when it declares ``additionalProperties``, or is a free-form object (no properties anywhere)."""
    properties = object_properties(document, schema)
    node = deref(document, schema)
    if not isinstance(node, dict):
        return tuple(properties), False
    if "additionalProperties" in node:
        return tuple(properties), node["additionalProperties"] is not False
    return tuple(properties), not properties and _free_form(document, node)


def _free_form(document: Any, schema: Any, depth: int = 0) -> bool:
    """No property declared and nothing closing it: alone, or through one of its branches (a
    ``oneOf``/``anyOf`` of two ``{type: object}`` declarations that differ only in description)."""
    node = deref(document, schema)
    if not isinstance(node, dict) or depth > MAX_DEPTH:
        return False
    if "additionalProperties" in node:
        return node["additionalProperties"] is not False
    branches = [b for keyword in ("allOf", "oneOf", "anyOf") for b in node.get(keyword) or ()]
    if not branches:
        return not node.get("properties")
    return any(_free_form(document, branch, depth + 1) for branch in branches)


def compile_typed(document: Any, schema: Any, depth: int = 0) -> Typed:
    """From the strings ``styles`` read for a value of this schema to the value the schema checks."""
    shape = shape_of(document, schema)
    if depth > MAX_DEPTH:
        return lambda value: value
    if shape == "array":
        item = compile_typed(document, items_schema(document, schema), depth + 1)
        return lambda value: [item(v) for v in (value if isinstance(value, list) else [value])]
    if shape == "object":
        properties = object_properties(document, schema)
        additional = merged_object(document, schema)[2]
        casters = {n: compile_typed(document, s, depth + 1) for n, s in properties.items()}
        other = compile_typed(document, additional, depth + 1) if isinstance(additional, dict) else _text

        def cast_object(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: casters.get(k, other)(v) for k, v in value.items()}
            if isinstance(value, list):  # (name, value) pairs
                return {k: casters.get(k, other)(v) for k, v in value}
            return value

        return cast_object
    scalar = scalar_caster(schema_types(document, schema))
    return lambda value: scalar(value) if isinstance(value, str) else value


def _text(value: Any) -> Any:
    return value


def json_or_text(raw: str) -> Any:
    """A value sent as JSON (``content: {application/json: …}`` parameters, JSON form parts)."""
    try:
        return json_exact.loads(raw)
    except ValueError:
        return raw
