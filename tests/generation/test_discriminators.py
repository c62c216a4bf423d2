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
