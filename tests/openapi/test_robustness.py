"""Randomly damaged documents either load or are refused with a SpecError; nothing else escapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specmock.errors import SpecError
from specmock.openapi.jsonschema import SchemaCompiler
from specmock.openapi.loader import load_spec

BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "pets", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": {
                "operationId": "getPet",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Pet"},
                                "examples": {"a": {"value": {}}},
                            }
                        },
                    },
                    "4xx": {"$ref": "#/components/responses/Error"},
                },
            },
            "put": {
                "operationId": "getPet",
                "requestBody": {"$ref": "#/components/requestBodies/Pet", "required": True},
                "responses": {
                    "204": {"description": "done", "headers": {"X-Rate": {"schema": {"type": "integer"}}}}
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["name", "name"],
                "nullable": True,
                "properties": {
                    "name": {"type": "string", "default": 5},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                },
                "discriminator": {
                    "propertyName": "name",
                    "mapping": {"a": {"$ref": "#/components/schemas/Pet"}},
                },
                "oneOf": [{"$ref": "#/components/schemas/Kind"}, {"type": "object"}],
            },
            "Kind": {"type": "string", "enum": ["cat", "dog"], "default": "cow"},
        },
        "responses": {
            "Error": {"description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}}
        },
        "requestBodies": {
            "Pet": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}
        },
    },
}
KEYS = [
    "$ref",
    "type",
    "required",
    "schema",
    "in",
    "name",
    "default",
    "enum",
    "items",
    "allOf",
    "oneOf",
    "nullable",
    "discriminator",
    "mapping",
    "properties",
    "responses",
    "parameters",
    "content",
    "examples",
]
LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-2, 300)
    | st.text(max_size=3)
    | st.sampled_from(["", "#/components/schemas/Pet", "#/nope", "{id}", "2xx", "path", "query", "string"])
)
ANY = st.recursive(
    LEAF,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def damaged(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    roll = draw(st.integers(0, 15))
    if roll == 0 and depth > 0:
        return draw(ANY)
    if isinstance(value, dict):
        return {k: draw(damaged(v, depth + 1)) for k, v in value.items() if draw(st.integers(0, 20))}
    if isinstance(value, list):
        return [draw(damaged(v, depth + 1)) for v in value if draw(st.integers(0, 20))]
    return value


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=damaged(BASE))
def test_damaged_documents_load_or_are_refused_cleanly(tmp_path_factory: Any, document: Any) -> None:
    path: Path = tmp_path_factory.mktemp("doc") / "openapi.json"
    path.write_text(json.dumps(document))
    try:
        spec = load_spec(path)
    except SpecError as error:
        reason = error.reason
    else:
        reason = ""
    assert "bug in specmock" not in reason
    if reason:
        return
    compiler = SchemaCompiler(spec.document, spec.version)
    for name in spec.document.get("components", {}).get("schemas", {}):
        compiler.validator({"$ref": f"#/components/schemas/{name}"}, "request").is_valid({})


def test_the_undamaged_document_loads_with_its_repairs(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(BASE))
    repairs = [r.message.split(" ")[:2] for r in load_spec(path).repairs]
    assert len(repairs) == 7, (
        repairs
    )  # 4xx, operationId, required beside $ref, mapping, required twice, 2 defaults
