"""jsonschema_rs on the converted schema agrees with openapi-schema-validator on random instances.

"Strict" cases must agree both ways. The others are where the conversion is knowingly more lenient
(nullable beside enum/$ref, readOnly/writeOnly present, date-time edge cases, a discriminator
read as a hint): there every instance
openapi-schema-validator accepts must be accepted too.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30Validator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from specmock.openapi.jsonschema import SchemaCompiler

COMPONENTS: dict[str, Any] = {
    "schemas": {
        "Node": {
            "type": "object",
            "required": ["value"],
            "properties": {
                "value": {"type": "integer", "minimum": 0},
                "children": {"type": "array", "maxItems": 3, "items": {"$ref": "#/components/schemas/Node"}},
            },
        },
        "Code": {"type": "string", "enum": ["a", "b"]},
        "Cat": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}, "a": {"type": "integer"}},
        },
        "Dog": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}, "b": {"type": "string"}},
        },
        "Account": {
            "type": "object",
            "required": ["id", "secret", "name"],
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "secret": {"type": "string", "writeOnly": True},
                "name": {"type": "string", "minLength": 1},
            },
        },
    }
}
PETS = {
    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
}

WRITE = [{"id": "i", "secret": "s", "name": "n"}, {"name": "n", "secret": "s"}]  # readOnly id may be left out
READ = [{"id": "i", "secret": "s", "name": "n"}, {"id": "i", "name": "n"}]  # writeOnly secret may be left out
OBJ = [{"a": 1, "b": "2020-01-01"}, {"a": 2}]
TREE = [{"value": 1, "children": [{"value": 2}, {"value": 3, "children": [{"value": 0}]}]}]
FORMATTED = [
    {
        "d": "2020-01-01T10:00:00Z",
        "u": "123e4567-e89b-12d3-a456-426614174000",
        "e": "x@y",
        "i": 5,
        "h": "example.com",
        "t": "10:00:00",
    }
]

# (id, version, schema, direction, strict, valid seeds that instances are mutated from)
CASES: list[tuple[str, str, dict[str, Any], str, bool, list[Any]]] = [
    (
        "nullable-string",
        "3.0",
        {"type": "string", "maxLength": 2, "nullable": True},
        "request",
        True,
        ["ab", None],
    ),
    (
        "nullable-enum",
        "3.0",
        {"type": "string", "enum": ["a", "b"], "nullable": True},
        "request",
        False,
        ["a", None],
    ),
    (
        "nullable-ref",
        "3.0",
        {"$ref": "#/components/schemas/Code", "nullable": True},
        "request",
        False,
        ["b", None],
    ),
    (
        "bool-exclusive",
        "3.0",
        {"type": "number", "minimum": 0, "maximum": 10, "exclusiveMinimum": True, "exclusiveMaximum": True},
        "request",
        True,
        [5, 9.5, 0.5],
    ),
    (
        "num-exclusive",
        "3.1",
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
        "request",
        True,
        [5, 9.5],
    ),
    (
        "all-of-30",
        "3.0",
        {
            "allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
                {"properties": {"b": {"type": "string", "format": "date"}}},
            ]
        },
        "request",
        True,
        OBJ,
    ),
    (
        "all-of-31",
        "3.1",
        {
            "allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
                {"properties": {"b": {"type": "string", "format": "date"}}},
            ]
        },
        "request",
        True,
        OBJ,
    ),
    (
        "one-of",
        "3.1",
        {
            "oneOf": [
                {"type": "string", "minLength": 2},
                {"type": "integer", "minimum": 0},
                {"type": "number", "maximum": 1},
            ]
        },
        "request",
        True,
        ["ab", 3, 0.5],
    ),
    # A discriminator is a hint: what the plain oneOf accepts stays valid, where openapi-schema-validator
    # checks only the branch the value names (tests/openapi/test_request_acceptance.py).
    ("discriminator-30", "3.0", PETS, "request", False, [{"kind": "cat", "a": 1}, {"kind": "Dog", "b": "x"}]),
    (
        "discriminator-31",
        "3.1",
        PETS,
        "response",
        False,
        [{"kind": "Cat", "a": 1}, {"kind": "Dog", "b": "x"}],
    ),
    ("read-only-request", "3.0", {"$ref": "#/components/schemas/Account"}, "request", False, WRITE),
    ("write-only-response", "3.0", {"$ref": "#/components/schemas/Account"}, "response", False, READ),
    ("read-only-31", "3.1", {"$ref": "#/components/schemas/Account"}, "request", False, WRITE),
    ("recursion-30", "3.0", {"$ref": "#/components/schemas/Node"}, "response", True, TREE),
    ("recursion-31", "3.1", {"$ref": "#/components/schemas/Node"}, "request", True, TREE),
    (
        "formats",
        "3.0",
        {
            "type": "object",
            "properties": {
                "d": {"type": "string", "format": "date-time"},
                "u": {"type": "string", "format": "uuid"},
                "e": {"type": "string", "format": "email"},
                "i": {"type": "integer", "format": "int32"},
                "h": {"type": "string", "format": "hostname"},
                "t": {"type": "string", "format": "time"},
            },
        },
        "request",
        False,
        FORMATTED,
    ),
    (
        "type-arrays-31",
        "3.1",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "t": {"type": ["string", "null"]},
                "c": {"const": 3},
                "a": {"type": ["array"], "uniqueItems": True},
            },
        },
        "request",
        True,
        [{"t": None, "c": 3, "a": [1, 2]}, {"t": "x"}],
    ),
    (
        "additional-30",
        "3.0",
        {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "properties": {"a": {"type": "string"}},
            "minProperties": 1,
        },
        "request",
        True,
        [{"a": "x", "b": 1}],
    ),
    (
        "arrays",
        "3.1",
        {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": ["integer", "string"], "pattern": "^[a-c]+$"},
        },
        "request",
        True,
        [["a", 1, "bc"], [2]],
    ),
]

STRINGS = [
    "",
    "a",
    "b",
    "ab",
    "abc",
    "cat",
    "Cat",
    "Dog",
    "dog",
    "2020-01-01",
    "2020-13-01",
    "2020-01-01T10:00:00Z",
    "2020-01-01 10:00:00",
    "10:00:00",
    "x@y",
    "xy",
    "123e4567-e89b-12d3-a456-426614174000",
    "exa_mple",
]
KEYS = ["a", "b", "c", "d", "e", "h", "i", "t", "u", "kind", "value", "children", "id", "secret", "name"]
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-3, 12)
    | st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1])
    | st.integers(-1000, 1000).map(lambda i: i + 0.5)
    | st.sampled_from(STRINGS)
    | st.text(max_size=3)
)


@st.composite
def near(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with random leaves replaced, keys and items dropped or added: often valid, often not."""
    roll = draw(st.integers(0, 11))
    if roll == 0:
        return draw(LEAVES)
    if isinstance(value, dict):
        out = {k: draw(near(v)) for k, v in value.items() if draw(st.integers(0, 7))}
        if roll == 1:
            out[draw(st.sampled_from(KEYS))] = draw(LEAVES)
        return out
    if isinstance(value, list):
        items = [draw(near(v)) for v in value if draw(st.integers(0, 7))]
        return [*items, draw(LEAVES)] if roll == 1 else items
    return draw(LEAVES) if roll < 3 else value


def reference_valid(version: str, schema: dict[str, Any], direction: str, instance: Any) -> bool:
    root = {**schema, "components": COMPONENTS}
    if version == "3.1":
        validator: Any = OAS31Validator(root, format_checker=oas31_format_checker)
    else:
        cls = OAS30WriteValidator if direction == "request" else OAS30ReadValidator
        validator = (cls if "Account" in str(schema) else OAS30Validator)(
            root, format_checker=oas30_format_checker
        )
    try:
        return bool(validator.is_valid(instance))
    except (TypeError, AttributeError):  # its discriminator code crashes on unhashable values
        return False


_COMPILERS: dict[str, SchemaCompiler] = {}


def ours_valid(version: str, schema: dict[str, Any], direction: str, instance: Any) -> bool:
    compiler = _COMPILERS.setdefault(version, SchemaCompiler({"components": COMPONENTS}, version))  # type: ignore[arg-type]
    return bool(compiler.validator(schema, direction).is_valid(instance))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("version", "schema", "direction", "strict", "seeds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_converted_schema_agrees_with_openapi_schema_validator(
    version: str, schema: dict[str, Any], direction: str, strict: bool, seeds: list[Any], data: st.DataObject
) -> None:
    instance = data.draw(st.sampled_from(seeds).flatmap(near), label="instance")
    ours = ours_valid(version, schema, direction, instance)
    theirs = reference_valid(version, schema, direction, instance)
    if strict:
        assert ours == theirs
    else:
        assert ours or not theirs, "openapi-schema-validator accepts what we refuse"


@pytest.mark.parametrize(
    ("version", "schema", "direction", "strict", "seeds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_seeds_are_valid(
    version: str, schema: dict[str, Any], direction: str, strict: bool, seeds: list[Any]
) -> None:
    for seed in seeds:
        assert ours_valid(version, schema, direction, seed)
        assert reference_valid(version, schema, direction, seed) or not strict
