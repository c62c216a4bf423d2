"""One behaviour per test: each schema keyword the generator honours, on small inline documents."""

from __future__ import annotations

import base64
import ipaddress
import re
import uuid
from datetime import date, datetime
from typing import Any, Literal

import pytest
from openapi_schema_validator import (
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)

from specmock.generation import Direction, Generator
from tests.generation.corpus import RFC3339_TIME

SEEDS = range(40)


def document(schemas: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def values(
    schema: dict[str, Any],
    *,
    schemas: dict[str, Any] | None = None,
    version: Literal["3.0", "3.1"] = "3.1",
    direction: Direction = "response",
    name: str | None = None,
    max_depth: int = 3,
) -> list[Any]:
    doc = document(schemas or {}, "3.1.0" if version == "3.1" else "3.0.3")
    gen = Generator(doc, version=version, max_depth=max_depth)
    return [gen.value(schema, seed=s, direction=direction, name=name) for s in SEEDS]


def valid(
    schema: dict[str, Any], found: list[Any], *, schemas: dict[str, Any] | None = None, version: str = "3.1"
) -> None:
    root = {**schema, "components": {"schemas": schemas or {}}}
    validator = (
        OAS31Validator(root, format_checker=RFC3339_TIME(oas31_format_checker))
        if version == "3.1"
        else OAS30Validator(root, format_checker=RFC3339_TIME(oas30_format_checker))
    )
    for value in found:
        errors = [e.message for e in validator.iter_errors(value)]
        assert not errors, (value, errors)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "minimum": 5, "maximum": 9},
        {"type": "integer", "exclusiveMinimum": 5, "exclusiveMaximum": 8},
        {"type": "integer", "minimum": -30, "maximum": -20, "multipleOf": 4},
        {"type": "integer", "format": "int32", "minimum": 2_147_483_000},
        {"type": "integer", "format": "int64", "maximum": -(2**62)},
        {"type": "number", "minimum": 0.1, "maximum": 0.2},
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.01},
        {"type": "number", "minimum": 5.3, "multipleOf": 0.5},
        {"type": "number", "minimum": 1, "maximum": 2, "multipleOf": 0.01},
        {"type": "number", "format": "double", "minimum": 1e6},
    ],
)
def test_numbers_stay_within_bounds_3_1(schema: dict[str, Any]) -> None:
    valid(schema, values(schema))


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "integer", "minimum": 5, "exclusiveMinimum": True, "maximum": 7, "exclusiveMaximum": True},
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1},
        {"type": "integer", "maximum": 0, "exclusiveMaximum": True, "minimum": -3},
    ],
)
def test_boolean_exclusive_bounds_of_3_0(schema: dict[str, Any]) -> None:
    found = values(schema, version="3.0")
    valid(schema, found, version="3.0")


def test_integers_named_like_ids_and_counts_are_plausible() -> None:
    ids = values({"type": "integer"}, name="user_id")
    counts = values({"type": "integer"}, name="count")
    assert all(1 <= v <= 100_000 for v in ids)
    assert all(0 <= v <= 500 for v in counts)
    assert values({"type": "integer", "maximum": 3}, name="amount") == [
        v for v in values({"type": "integer", "maximum": 3}, name="amount") if 1 <= v <= 3
    ]


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("uuid", lambda v: uuid.UUID(v).version == 4),
        ("date-time", lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")).year in range(2020, 2026)),
        ("datetime", lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")).year in range(2020, 2026)),
        ("date", lambda v: date.fromisoformat(v).year in range(2020, 2026)),
        ("time", lambda v: re.fullmatch(r"\d\d:\d\d:\d\dZ", v)),
        ("email", lambda v: re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", v)),
        ("uri", lambda v: v.startswith("https://")),
        ("uri-reference", lambda v: v.startswith("https://")),
        ("hostname", lambda v: re.fullmatch(r"[a-z0-9.-]+", v)),
        ("ipv4", lambda v: ipaddress.IPv4Address(v)),
        ("ipv6", lambda v: ipaddress.IPv6Address(v)),
        ("byte", lambda v: base64.b64decode(v, validate=True) is not None),
        ("binary", lambda v: isinstance(v, str)),
        ("password", lambda v: len(v) >= 12),
        ("something-unknown", lambda v: isinstance(v, str) and v),
    ],
)
def test_string_formats(fmt: str, check: Any) -> None:
    schema = {"type": "string", "format": fmt}
    found = values(schema)
    valid(schema, found)
    assert all(check(v) for v in found), found[:3]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "minLength": 30},
        {"type": "string", "maxLength": 3},
        {"type": "string", "minLength": 4, "maxLength": 4},
        {"type": "string", "format": "byte", "maxLength": 8},
        {"type": "string", "format": "email", "maxLength": 40},
        {"type": "string", "format": "uuid", "minLength": 36},
        {"type": "string", "pattern": "^[A-Z]{2}-\\d{3}$"},
        {"type": "string", "pattern": "^[a-z]+$", "minLength": 20, "maxLength": 22},
        {"type": "string", "pattern": "[0-9]{2}", "maxLength": 5},
    ],
)
def test_string_lengths_and_patterns(schema: dict[str, Any]) -> None:
    valid(schema, values(schema))


def test_a_pattern_python_cannot_read_falls_back_to_a_plain_string() -> None:
    found = values({"type": "string", "pattern": "^(?i:abc)(*)$", "maxLength": 12})
    assert all(isinstance(v, str) and len(v) <= 12 for v in found)


def test_type_arrays_and_null_of_3_1() -> None:
    found = values({"type": ["string", "null"]})
    assert None in found
    assert any(isinstance(v, str) for v in found)
    assert set(map(type, values({"type": ["integer", "boolean"]}))) == {int, bool}
    assert values({"type": "null"}) == [None] * len(SEEDS)


def test_nullable_of_3_0_is_null_only_sometimes_and_ignored_in_3_1() -> None:
    found = values({"type": "string", "nullable": True}, version="3.0")
    assert 0 < found.count(None) < len(found) / 2
    assert None not in values({"type": "string", "nullable": True}, version="3.1")


def test_enum_and_const() -> None:
    assert set(values({"type": "string", "enum": ["a", "b", "c"]})) == {"a", "b", "c"}
    assert all(v == {"k": [1]} for v in values({"const": {"k": [1]}}))
    assert all(v == "x" for v in values({"type": "string", "const": "x", "enum": ["x", "y"]}))


def test_arrays_counts_and_unique_items() -> None:
    schema = {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 4},
        "minItems": 4,
        "maxItems": 5,
        "uniqueItems": True,
    }
    found = values(schema)
    valid(schema, found)
    assert all(4 <= len(v) <= 5 for v in found)
    assert all(v == [] for v in values({"type": "array", "items": {"type": "string"}, "maxItems": 0}))


def test_prefix_items_of_3_1() -> None:
    schema = {
        "type": "array",
        "prefixItems": [{"type": "integer"}, {"type": "string", "format": "date"}],
        "items": False,
        "minItems": 2,
    }
    found = values(schema)
    valid(schema, found)
    assert all(len(v) == 2 for v in found)


def test_objects_required_always_optional_mostly() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
    }
    found = values(schema)
    assert all("a" in v for v in found)
    assert 0.6 * len(found) <= sum("b" in v for v in found) < len(found)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}, "minProperties": 2},
        {
            "type": "object",
            "additionalProperties": True,
            "minProperties": 3,
            "properties": {"a": {"type": "string"}},
        },
        {"type": "object", "additionalProperties": False, "properties": {"a": {"type": "string"}}},
        {
            "type": "object",
            "maxProperties": 1,
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        },
        {
            "type": "object",
            "patternProperties": {"^x-[a-z]+$": {"type": "boolean"}},
            "additionalProperties": False,
        },
        {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z]{3}$"},
            "additionalProperties": {"type": "string"},
        },
    ],
)
def test_object_size_and_extra_properties(schema: dict[str, Any]) -> None:
    valid(schema, values(schema))


def test_maps_from_additional_properties_have_entries() -> None:
    found = values({"type": "object", "additionalProperties": {"type": "string", "format": "uuid"}})
    assert all(v for v in found)


def test_all_of_merges_properties_required_and_constraints() -> None:
    schemas = {
        "Base": {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer", "minimum": 10}},
        },
        "Named": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "required": ["name"],
                    "properties": {"name": {"type": "string", "maxLength": 5}, "id": {"maximum": 12}},
                },
            ]
        },
    }
    schema = {"$ref": "#/components/schemas/Named"}
    found = values(schema, schemas=schemas)
    valid(schema, found, schemas=schemas)
    assert all({"id", "name"} <= v.keys() and 10 <= v["id"] <= 12 for v in found)


def test_all_of_with_a_closed_member_keeps_only_its_properties() -> None:
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
            {"properties": {"b": {"type": "string"}}},
        ]
    }
    found = values(schema)
    valid(schema, found)


def test_one_of_without_discriminator_yields_values_of_exactly_one_branch() -> None:
    schema = {
        "oneOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}},
        ]
    }
    found = values(schema)
    valid(schema, found)


def test_any_of_and_not() -> None:
    schema = {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "integer"}]}
    valid(schema, values(schema))
    negated = {"type": "string", "enum": ["a", "b", "c"], "not": {"enum": ["a", "b"]}}
    assert set(values(negated)) == {"c"}


def test_a_property_that_must_not_exist_is_left_out() -> None:
    schema = {"type": "object", "properties": {"gone": {"not": {}}, "kept": {"type": "string"}}}
    found = values(schema)
    assert all("gone" not in v for v in found)


def test_read_only_is_omitted_from_requests_and_write_only_from_responses() -> None:
    schema = {
        "type": "object",
        "required": ["id", "password", "name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "password": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
        },
    }
    requests = values(schema, direction="request")
    responses = values(schema, direction="response")
    assert all("id" not in v and "password" in v for v in requests)
    assert all("password" not in v and "id" in v for v in responses)


def test_read_only_beside_a_ref_counts_in_3_0_too() -> None:
    schemas = {"Id": {"type": "string"}}
    schema = {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id", "readOnly": True}}}
    assert all("id" not in v for v in values(schema, schemas=schemas, version="3.0", direction="request"))


def test_recursion_is_bounded_by_max_depth() -> None:
    schemas = {
        "Node": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"$ref": "#/components/schemas/Node"},
            },
        }
    }

    def depth(node: Any) -> int:
        if not isinstance(node, dict):
            return 0
        below = [depth(c) for c in node.get("children", [])] + [depth(node.get("parent"))]
        return 1 + max(below)

    for max_depth in (0, 1, 3):
        found = values({"$ref": "#/components/schemas/Node"}, schemas=schemas, max_depth=max_depth)
        assert max(depth(v) for v in found) == max_depth + 1
    valid({"$ref": "#/components/schemas/Node"}, found, schemas=schemas)


def test_recursion_through_required_properties_still_terminates() -> None:
    schemas = {
        "Loop": {
            "type": "object",
            "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/Loop"}},
        }
    }
    assert all(isinstance(v, dict) for v in values({"$ref": "#/components/schemas/Loop"}, schemas=schemas))


def test_nullable_recursion_ends_in_null_beyond_max_depth() -> None:
    schemas = {
        "Node": {
            "type": ["object", "null"],
            "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/Node"}},
        }
    }
    found = values({"$ref": "#/components/schemas/Node"}, schemas=schemas, max_depth=2)
    valid({"$ref": "#/components/schemas/Node"}, found, schemas=schemas)


def test_an_unsatisfiable_schema_compiles_to_null() -> None:
    gen = Generator(document({}), version="3.1")
    assert gen.value({"not": {}}, seed=1) is None
