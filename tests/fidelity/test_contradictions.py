"""A schema that contradicts itself (an enum none of whose values has the declared type) gets the
value that still validates — null when it is nullable — and invalid data only when nothing validates;
``specmock check`` names each one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.generation import Generator, rng_for
from specmock.openapi.contradictions import contradictions
from specmock.openapi.jsonschema import SchemaCompiler
from specmock.report import check_report

TYPES = ["string", "integer", "number", "boolean", "null"]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b", "true"]), st.just(1.5)
)


@st.composite
def enum_schemas(draw: st.DrawFn) -> dict[str, Any]:
    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True))
    schema: dict[str, Any] = {
        "type": types[0] if len(types) == 1 else types,
        "enum": draw(st.lists(VALUES, min_size=1, max_size=3, unique_by=repr)),
    }
    if draw(st.booleans()):
        schema["nullable"] = True
    return schema


@pytest.mark.parametrize("version", ["3.0", "3.1"])
@settings(max_examples=300, deadline=None)
@given(schema=enum_schemas(), seed=st.integers(0, 1000))
def test_the_generated_value_validates_whenever_any_value_does(
    version: str, schema: dict[str, Any], seed: int
) -> None:
    if version == "3.0" and isinstance(schema["type"], list):
        schema = {**schema, "type": schema["type"][0]}
    document = {"openapi": f"{version}.0", "components": {"schemas": {"S": schema}}}
    validator = SchemaCompiler(document, version).validator(schema, "response")
    value = Generator(document, version=version).compile(schema)(rng_for(seed, "s"))
    anything_valid = any(validator.is_valid(v) for v in [*schema["enum"], None])
    assert validator.is_valid(value) == anything_valid, value
    # Reported exactly when no value the enum lists validates (null may still, through nullable).
    assert bool(contradictions(document)) == (not any(validator.is_valid(v) for v in schema["enum"]))


def test_check_names_the_contradiction_and_what_is_answered(tmp_path: Any) -> None:
    path = tmp_path / "flags.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: flags, version: '1'}\npaths:\n  /flags:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema:\n                type: object\n"
        "                properties:\n"
        "                  flag: {type: string, enum: [true, false], nullable: true}\n"
        "                  never: {type: string, enum: [1, 2]}\n"
    )
    report = check_report(str(path))
    assert "Schemas that contradict themselves (2):" in report
    assert (
        "properties/flag: type string but enum [true, false] holds no such value: only null validates"
        in report
    )
    assert "properties/never: type string but enum [1, 2] holds no such value: nothing validates" in report
