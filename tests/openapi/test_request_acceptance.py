"""Request validation accepts every body JSON Schema 2020-12 accepts (3.1 documents).

The oracle is the `jsonschema` library reading the document's schema as it is written: OpenAPI's own
keywords (`discriminator`, `example`, …) are annotations to it. specmock may accept more (a
discriminator that selects a valid branch of an overlapping `oneOf`), never less.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from specmock.generation import Generator
from specmock.openapi.jsonschema import SchemaCompiler

SCHEMAS: dict[str, Any] = {
    "UserSource": {
        "type": "object",
        "required": ["type", "id"],
        "properties": {"type": {"type": "string", "enum": ["user"]}, "id": {"type": "string"}},
    },
    "LeadSource": {
        "type": "object",
        "required": ["type", "email"],
        "properties": {"type": {"const": "lead"}, "email": {"type": "string", "format": "email"}},
    },
    "BotSource": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string"}, "name": {"type": ["string", "null"]}},
    },
    "Cat": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}, "lives": {"type": "integer", "maximum": 9}},
    },
    "Dog": {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"type": "string"}, "bark": {"type": "boolean"}},
        "additionalProperties": False,
    },
}
COMPONENTS = {"schemas": SCHEMAS}
REF = "#/components/schemas/"
SOURCES = [{"$ref": REF + name} for name in ("UserSource", "LeadSource", "BotSource")]
PETS = [{"$ref": REF + "Cat"}, {"$ref": REF + "Dog"}]

CASES: dict[str, dict[str, Any]] = {
    # the issue's POST /conversations: no mapping, values that are not schema names
    "any-of-no-mapping": {"anyOf": SOURCES[:2], "discriminator": {"propertyName": "type"}},
    "one-of-no-mapping": {"oneOf": SOURCES, "discriminator": {"propertyName": "type"}},
    "one-of-partial-mapping": {
        "oneOf": PETS,
        "discriminator": {"propertyName": "kind", "mapping": {"cat": REF + "Cat"}},
    },
    "nested-in-an-array": {
        "type": "object",
        "required": ["sources"],
        "properties": {
            "sources": {
                "type": "array",
                "maxItems": 3,
                "items": {"oneOf": SOURCES[:2], "discriminator": {"propertyName": "type"}},
            },
            "pet": {"anyOf": PETS, "discriminator": {"propertyName": "kind"}},
        },
    },
    "nullable-union": {
        "oneOf": [{"type": "null"}, *PETS],
        "discriminator": {"propertyName": "kind", "mapping": {"dog": REF + "Dog"}},
    },
}

STRINGS = ["", "user", "lead", "cat", "Cat", "dog", "Dog", "UserSource", "LeadSource", "a@b.co", "x"]
KEYS = ["type", "id", "email", "name", "kind", "lives", "bark", "sources", "pet"]
LEAVES = st.none() | st.booleans() | st.integers(-2, 12) | st.sampled_from(STRINGS)


@st.composite
def near(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with leaves replaced, keys and items dropped or added: often valid, often not."""
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return draw(LEAVES)
    if isinstance(value, dict):
        out = {k: draw(near(v)) for k, v in value.items() if draw(st.integers(0, 5))}
        if roll == 1:
            out[draw(st.sampled_from(KEYS))] = draw(LEAVES)
        return out
    if isinstance(value, list):
        return [draw(near(v)) for v in value if draw(st.integers(0, 5))]
    return draw(LEAVES) if roll < 3 else value


SEEDS: dict[str, list[Any]] = {
    name: [{"type": "user", "id": "1"}, {"type": "lead", "email": "a@b.co"}, {"type": "bot"}]
    for name in ("any-of-no-mapping", "one-of-no-mapping")
}
SEEDS["one-of-partial-mapping"] = [{"kind": "cat", "lives": 3}, {"kind": "Dog", "bark": True}]
SEEDS["nested-in-an-array"] = [{"sources": [{"type": "user", "id": "1"}], "pet": {"kind": "cat", "lives": 1}}]
SEEDS["nullable-union"] = [None, {"kind": "dog"}, {"kind": "cat", "lives": 2}]

_COMPILER = SchemaCompiler({"components": COMPONENTS}, "3.1")
_GENERATOR = Generator({"components": COMPONENTS}, version="3.1")


def oracle(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(
        {**schema, "components": COMPONENTS}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("name", CASES)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_body_json_schema_accepts_is_accepted(name: str, data: st.DataObject) -> None:
    schema = CASES[name]
    generated = [_GENERATOR.value(schema, seed=seed) for seed in range(4)]
    instance = data.draw(st.sampled_from(SEEDS[name] + generated).flatmap(near), label="body")
    if oracle(schema).is_valid(instance):
        assert _COMPILER.validator(schema, "request").is_valid(instance), instance


@pytest.mark.parametrize("name", CASES)
def test_the_property_is_not_vacuous(name: str) -> None:
    """Each case starts from bodies the oracle accepts (and specmock too)."""
    valid = [seed for seed in SEEDS[name] if oracle(CASES[name]).is_valid(seed)]
    assert valid
    assert all(_COMPILER.validator(CASES[name], "request").is_valid(seed) for seed in valid)
