"""The discriminator property carries the name that selects the generated branch."""

from __future__ import annotations

from typing import Any

import pytest

from specmock.generation import Generator
from tests.generation import corpus

PETS: dict[str, Any] = {
    "Cat": {
        "type": "object",
        "required": ["kind", "lives"],
        "properties": {"kind": {"type": "string"}, "lives": {"type": "integer", "minimum": 1, "maximum": 9}},
    },
    "Dog": {
        "type": "object",
        "required": ["kind", "bark"],
        "properties": {"kind": {"type": "string"}, "bark": {"type": "boolean"}},
    },
}


def _doc(pet: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": {}, "components": {"schemas": {**PETS, "Pet": pet}}}


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (
            {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
            {"cat": "lives", "dog": "bark"},
        ),
        (
            {"cat": {"$ref": "#/components/schemas/Cat"}, "dog": {"$ref": "#/components/schemas/Dog"}},
            {"cat": "lives", "dog": "bark"},
        ),
        ({"cat": "Cat"}, {"cat": "lives", "Dog": "bark"}),
        (None, {"Cat": "lives", "Dog": "bark"}),
    ],
)
def test_discriminator_value_names_the_branch(mapping: Any, expected: dict[str, str]) -> None:
    discriminator: dict[str, Any] = {"propertyName": "kind"}
    if mapping is not None:
        discriminator["mapping"] = mapping
    pet = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": discriminator,
    }
    gen = Generator(_doc(pet), version="3.1")
    seen = set()
    for seed in range(30):
        value = gen.value({"$ref": "#/components/schemas/Pet"}, seed=seed)
        assert value["kind"] in expected
        assert expected[value["kind"]] in value
        seen.add(value["kind"])
    assert seen == set(expected)


def test_a_child_inheriting_a_discriminator_through_all_of_carries_its_own_name() -> None:
    schemas = {
        "Base": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}},
            "discriminator": {"propertyName": "kind", "mapping": {"tabby": "#/components/schemas/Tabby"}},
        },
        "Tabby": {
            "allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"stripes": {"type": "integer"}}}]
        },
    }
    gen = Generator({"openapi": "3.1.0", "paths": {}, "components": {"schemas": schemas}}, version="3.1")
    assert {gen.value({"$ref": "#/components/schemas/Tabby"}, seed=s)["kind"] for s in range(10)} == {"tabby"}


def test_hellgate_source_is_a_token_source_despite_the_broken_mapping() -> None:
    doc = corpus.document("hellgate")
    gen = Generator(doc, version="3.1")
    for seed in range(20):
        value = gen.value({"$ref": "#/components/schemas/Authentication"}, seed=seed)
        assert value["source"]["type"] == "token"
        assert "token_id" in value["source"]


def _generator(schemas: dict[str, Any]) -> Generator:
    return Generator({"openapi": "3.1.0", "paths": {}, "components": {"schemas": schemas}}, version="3.1")


def _plain(schemas: dict[str, Any], name: str) -> Any:
    """A plain JSON Schema validator (oneOf: exactly one branch) for one of the schemas."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator({"components": {"schemas": schemas}, "$ref": f"#/components/schemas/{name}"})


def test_a_base_without_one_of_carries_a_mapping_key_its_enum_admits() -> None:
    # Rebilly's TimelineTable: the enum says "one-columns", the mapping "one-column".
    schemas = {
        "Table": {
            "type": "object",
            "required": ["type"],
            "discriminator": {
                "propertyName": "type",
                "mapping": {"list": "#/components/schemas/List", "one-column": "#/components/schemas/One"},
            },
            "properties": {"type": {"type": "string", "enum": ["list", "one-columns"]}},
        },
        "List": {"allOf": [{"$ref": "#/components/schemas/Table"}]},
        "One": {"allOf": [{"$ref": "#/components/schemas/Table"}]},
        "Holder": {
            "type": "object",
            "required": ["table"],
            "properties": {"table": {"$ref": "#/components/schemas/Table"}},
        },
    }
    gen = _generator(schemas)
    assert {
        gen.value({"$ref": "#/components/schemas/Holder"}, seed=s)["table"]["type"] for s in range(20)
    } == {"list"}
    schemas["Table"]["properties"]["type"]["enum"] = ["lists", "one-columns"]  # no overlap: the mapping wins
    gen = _generator(schemas)
    assert {gen.value({"$ref": "#/components/schemas/Table"}, seed=s)["type"] for s in range(30)} == {
        "list",
        "one-column",
    }


def test_branches_whose_enum_admits_no_mapping_name_give_way_to_those_that_do() -> None:
    # Rebilly's StorefrontQuote: mapping create/change, the branches' enums creation/change.
    schemas: dict[str, Any] = {
        "Quote": {
            "discriminator": {
                "propertyName": "type",
                "mapping": {"create": "#/components/schemas/Create", "change": "#/components/schemas/Change"},
            },
            "oneOf": [{"$ref": "#/components/schemas/Create"}, {"$ref": "#/components/schemas/Change"}],
        },
        "Create": {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["creation"]}}},
        "Change": {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["change"]}}},
    }
    gen = _generator(schemas)
    assert {gen.value({"$ref": "#/components/schemas/Quote"}, seed=s)["type"] for s in range(20)} == {
        "change"
    }
    del schemas["Quote"]["discriminator"]["mapping"]["change"]  # no branch fits: plain JSON Schema wins
    gen = _generator(schemas)
    validator = _plain(schemas, "Quote")
    for seed in range(20):
        validator.validate(gen.value({"$ref": "#/components/schemas/Quote"}, seed=seed))


def test_a_discriminated_one_of_value_matches_exactly_one_branch() -> None:
    # Rebilly's KycDocument: every branch accepts every name, the branches differ in nested data.
    def document(data: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["kind"],
            "properties": {
                "kind": {"type": "string", "enum": ["a", "b", "c"]},
                "matches": {
                    "type": ["object", "null"],
                    "properties": {"data": {"$ref": f"#/components/schemas/{data}"}},
                },
            },
        }

    schemas: dict[str, Any] = {
        "Doc": {
            "discriminator": {
                "propertyName": "kind",
                "mapping": {k: f"#/components/schemas/{k.upper()}" for k in "abc"},
            },
            "oneOf": [{"$ref": f"#/components/schemas/{k.upper()}"} for k in "abc"],
        },
        "A": document("DataA"),
        "B": document("DataB"),
        "C": document("DataC"),
        "DataA": {"type": "object", "properties": {"name": {"type": "string"}}},
        "DataB": {"type": "object", "properties": {"name": {"type": "string"}, "card": {"type": "string"}}},
        "DataC": {"type": "object", "properties": {"bureau": {"type": "string", "enum": ["x", "y"]}}},
    }
    gen = _generator(schemas)
    validator = _plain(schemas, "Doc")
    for seed in range(40):
        validator.validate(gen.value({"$ref": "#/components/schemas/Doc"}, seed=seed))
