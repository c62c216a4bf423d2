from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest

from specmock.openapi.jsonschema import SchemaCompiler, to_json_schema, violations

DOC: dict[str, Any] = {
    "components": {
        "schemas": {
            "Node": {
                "type": "object",
                "required": ["value"],
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            },
            "Code": {"type": "string", "enum": ["a", "b"]},
            "Account": {
                "type": "object",
                "required": ["id", "secret", "name"],
                "properties": {
                    "id": {"type": "string", "readOnly": True},
                    "secret": {"type": "string", "writeOnly": True},
                    "name": {"type": "string"},
                },
            },
        }
    }
}


def convert(schema: dict[str, Any], version: str = "3.0", direction: str = "request") -> dict[str, Any]:
    return to_json_schema(DOC, schema, version=version, direction=direction)  # type: ignore[arg-type]


def valid(schema: dict[str, Any], instance: Any, version: str = "3.0", direction: str = "request") -> bool:
    return bool(SchemaCompiler(DOC, version).validator(schema, direction).is_valid(instance))  # type: ignore[arg-type]


def test_result_is_self_contained_with_only_reachable_components() -> None:
    out = convert({"$ref": "#/components/schemas/Node"})
    assert out["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert out["$ref"] == "#/$defs/Node"
    assert set(out["$defs"]) == {"Node"}
    assert out["$defs"]["Node"]["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    jsonschema_rs.meta.validate(out)


def test_recursion_validates_deeply() -> None:
    tree = {"value": 1, "children": [{"value": 2, "children": [{"value": "x"}]}]}
    schema = {"$ref": "#/components/schemas/Node"}
    assert not valid(schema, tree)
    validator = SchemaCompiler(DOC, "3.1").validator(schema, "response")
    assert violations(validator, tree) == [("/children/0/children/0/value", '"x" is not of type "integer"')]


@pytest.mark.parametrize(
    ("schema", "null_ok"),
    [
        ({"type": "string", "nullable": True}, True),
        ({"type": "string", "enum": ["a"], "nullable": True}, True),
        ({"$ref": "#/components/schemas/Code", "nullable": True}, True),
        ({"allOf": [{"$ref": "#/components/schemas/Code"}], "nullable": True}, True),
        ({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": True}, True),
        ({"type": "string"}, False),
        ({"type": "string", "nullable": False}, False),
        ({"nullable": True}, True),
    ],
)
def test_nullable_admits_null(schema: dict[str, Any], null_ok: bool) -> None:
    assert valid(schema, None) is null_ok
    if "enum" in str(schema) or "Code" in str(schema):
        assert valid(schema, "a")
        assert not valid(schema, "zz")


def test_nullable_ref_keeps_the_errors_of_the_non_null_case() -> None:
    validator = SchemaCompiler(DOC, "3.0").validator(
        {"$ref": "#/components/schemas/Node", "nullable": True}, "request"
    )
    assert violations(validator, {"value": "x"}) == [("/value", '"x" is not of type "integer"')]


def test_boolean_exclusive_bounds_become_numbers() -> None:
    schema = {
        "type": "number",
        "minimum": 0,
        "maximum": 10,
        "exclusiveMinimum": True,
        "exclusiveMaximum": False,
    }
    assert [valid(schema, v) for v in (0, 0.1, 10, 10.1)] == [False, True, True, False]
    assert [valid({"type": "number", "exclusiveMinimum": 0}, v, "3.1") for v in (0, 1)] == [False, True]


def test_annotations_and_extensions_are_dropped() -> None:
    out = convert(
        {
            "type": "object",
            "example": {"a": 1},
            "xml": {"name": "x"},
            "externalDocs": {},
            "x-internal": True,
            "description": "d",
            "discriminator": {"propertyName": "a"},
        }
    )
    assert out == {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": ["object"]}


def test_keywords_outside_the_3_0_vocabulary_are_ignored_there() -> None:
    schema = {"type": "integer", "const": 3}
    assert valid(schema, 4, "3.0")
    assert not valid(schema, 4, "3.1")


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("date-time", "2020-01-01T10:00:00Z", "2020-01-01 10:00"),
        ("date", "2020-02-29", "2021-02-29"),
        ("time", "10:00:00", "25:00:00"),
        ("time", "10:00:00+02:00", "10:00"),
        ("uuid", "123e4567-e89b-12d3-a456-426614174000", "123"),
        ("ipv4", "10.0.0.1", "10.0.0.256"),
        ("ipv6", "::1", "1::g"),
        ("email", "a@b", "ab"),
        ("byte", "aGk=", "not base64!"),
    ],
)
def test_well_known_formats_are_asserted(fmt: str, good: str, bad: str) -> None:
    schema = {"type": "string", "format": fmt}
    assert valid(schema, good)
    assert not valid(schema, bad)


@pytest.mark.parametrize(
    "fmt", ["datetime", "password", "binary", "hostname", "uri", "custom-thing", "float"]
)
def test_other_formats_are_annotations(fmt: str) -> None:
    assert valid({"type": "string", "format": fmt}, "not really anything")


def test_int32_and_int64_are_numeric_bounds() -> None:
    int32 = {"type": "integer", "format": "int32", "minimum": -5}
    assert [valid(int32, v) for v in (-6, -5, 2**31 - 1, 2**31)] == [False, True, True, False]
    assert valid({"type": "integer", "format": "int64"}, 2**63 - 1)
    assert not valid({"type": "integer", "format": "int64"}, 2**63)
    assert valid({"type": "number", "format": "int32"}, 2**40)  # bounds apply to integer schemas only


def test_read_only_is_not_required_in_requests_and_write_only_not_in_responses() -> None:
    account = {"$ref": "#/components/schemas/Account"}
    assert valid(account, {"secret": "s", "name": "n"}, direction="request")
    assert not valid(account, {"id": "i", "name": "n"}, direction="request")
    assert valid(account, {"id": "i", "name": "n"}, direction="response")
    assert not valid(account, {"secret": "s", "name": "n"}, direction="response")
    assert valid(account, {"id": "i", "secret": "s", "name": "n"}, direction="request")


def test_read_only_flag_is_found_through_all_of_and_refs() -> None:
    schema = {
        "allOf": [
            {
                "type": "object",
                "properties": {"id": {"allOf": [{"$ref": "#/components/schemas/Code"}], "readOnly": True}},
            },
            {"required": ["id", "name"]},
        ]
    }
    assert valid(schema, {"name": "x"}, direction="request")
    assert not valid(schema, {"name": "x"}, direction="response")


def test_discriminator_selects_the_mapped_branch() -> None:
    doc = {
        "components": {
            "schemas": {
                "Cat": {
                    "type": "object",
                    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer"}},
                },
                "Dog": {
                    "type": "object",
                    "properties": {"kind": {"type": "string"}},
                    "additionalProperties": False,
                },
                "Pet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}},
                },
            }
        }
    }
    validator = SchemaCompiler(doc, "3.0").validator({"$ref": "#/components/schemas/Pet"}, "request")
    assert validator.is_valid({"kind": "cat"})  # a plain oneOf fails: Dog matches too
    assert validator.is_valid({"kind": "Dog"})
    assert validator.is_valid({"kind": "cat", "lives": 9})  # only Cat: valid either way
    # neither branch holds: the one the discriminator names reports its own errors
    assert violations(validator, {"kind": "cat", "lives": "nine"}) == [
        ("/lives", '"nine" is not of type "integer"')
    ]
    assert not validator.is_valid({"kind": "cow", "lives": "nine"})
    assert not validator.is_valid([])


def test_a_discriminator_is_a_hint_whatever_the_plain_schema_accepts_is_valid() -> None:
    # No mapping, and the values the branches hold are not schema names (the issue's POST /conversations).
    doc = {
        "components": {
            "schemas": {
                "UserSource": {
                    "type": "object",
                    "required": ["type", "id"],
                    "properties": {"type": {"const": "user"}, "id": {"type": "string"}},
                },
                "LeadSource": {
                    "type": "object",
                    "required": ["type", "email"],
                    "properties": {"type": {"const": "lead"}, "email": {"type": "string"}},
                },
                "Source": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/UserSource"},
                        {"$ref": "#/components/schemas/LeadSource"},
                    ],
                    "discriminator": {"propertyName": "type"},
                },
            }
        }
    }
    validator = SchemaCompiler(doc, "3.1").validator({"$ref": "#/components/schemas/Source"}, "request")
    assert validator.is_valid({"type": "user", "id": "7"})
    assert validator.is_valid({"type": "lead", "email": "a@b.c"})
    assert not validator.is_valid({"type": "user", "email": "a@b.c"})
    # a schema name as the value selects that branch, which still has to hold
    assert violations(validator, {"type": "UserSource", "id": "7"}) == [("/type", '"user" was expected')]


def test_validators_are_cached_by_ref_and_by_schema_object() -> None:
    compiler = SchemaCompiler(DOC, "3.1")
    schema = {"type": "string"}
    assert compiler.validator(schema, "request") is compiler.validator(schema, "request")
    assert compiler.validator(schema, "request") is not compiler.validator(schema, "response")
    assert compiler.validator({"$ref": "#/components/schemas/Code"}, "request") is compiler.validator(
        {"$ref": "#/components/schemas/Code"}, "request"
    )


def test_schemas_the_engine_refuses_validate_nothing_and_are_listed() -> None:
    compiler = SchemaCompiler(DOC, "3.1")
    unclosed = compiler.validator({"type": "string", "pattern": "(unclosed"}, "request")
    assert unclosed.is_valid("anything")
    assert not unclosed.is_valid(5)
    assert compiler.patterns.refused == ["(unclosed"]
    assert compiler.validator({"type": "string", "minLength": -1}, "request").is_valid(5)
    assert compiler.validator({"$ref": "#/components/schemas/Nope"}, "request").is_valid(5)
    assert len(compiler.failures) == 2


def test_messages_are_short_and_paths_are_pointers() -> None:
    validator = SchemaCompiler(DOC, "3.1").validator(
        {"type": "object", "properties": {"a/b": {"type": "array", "items": {"type": "integer"}}}}, "request"
    )
    found = violations(validator, {"a/b": [1, "x" * 500]})
    assert found[0][0] == "/a~1b/1"
    assert len(found[0][1]) <= 200
    assert violations(validator, []) == [("", '[] is not of type "object"')]
