"""Swagger 2.0 files through ``load_spec``: sibling files, real documents, refusals, damaged input."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from specmock.errors import SpecError
from specmock.openapi.loader import load_spec, validation_findings
from tests.openapi.conftest import WriteFile
from tests.openapi.test_loader import all_refs
from tests.openapi.test_robustness import damaged

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REAL = ["swagger2-petstore/swagger.yaml", "swagger2-petstore-separate/spec/swagger.json"]
ROOTS = [CORPUS / "swagger2-petstore-separate"]  # its spec/swagger.json refers to ../common/Error.json


@pytest.mark.parametrize("name", REAL)
def test_real_swagger_documents_convert_without_loss_or_finding(name: str) -> None:
    spec = load_spec(CORPUS / name, ref_roots=ROOTS)
    assert (spec.version, spec.converted_from) == ("3.0", "Swagger 2.0")
    assert spec.not_carried_over == ()
    assert spec.repairs == ()
    assert validation_findings(spec) == []  # openapi-spec-validator accepts the converted document
    assert all(ref.startswith("#/components/") for ref in all_refs(spec.document))


def test_sibling_files_land_in_components() -> None:
    document = load_spec(CORPUS / REAL[1], ref_roots=ROOTS).document
    components = document["components"]
    assert set(components["schemas"]) == {"Pet", "NewPet", "Error"}
    assert components["schemas"]["NewPet"]["allOf"][0] == {"$ref": "#/components/schemas/Pet"}
    assert components["parameters"]["tagsParam"] == {
        "name": "tags",
        "in": "query",
        "description": "tags to filter by",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": False,
    }
    get = document["paths"]["/pets"]["get"]
    assert get["parameters"] == [
        {"$ref": "#/components/parameters/tagsParam"},
        {"$ref": "#/components/parameters/limitsParam"},
    ]
    assert get["responses"]["default"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_refs_inside_sibling_files_follow_their_targets(tmp_path: Path) -> None:
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    write(
        "shared.yaml",
        """\
        definitions:
          Pet:
            type: object
            properties: {tag: {$ref: '#/definitions/Tag'}, owner: {$ref: 'people.yaml#/Person'}}
          Tag: {type: string, x-nullable: true}
        parameters:
          Body: {name: pet, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
          Page: {name: page, in: query, type: integer}
        responses:
          NotFound: {description: gone, schema: {$ref: '#/definitions/Tag'}}
        """,
    )
    write("people.yaml", "Person: {type: object, properties: {name: {type: string}}}\n")
    path = write(
        "swagger.yaml",
        """\
        swagger: '2.0'
        info: {title: t, version: '1'}
        paths:
          /pets:
            post:
              parameters: [{$ref: 'shared.yaml#/parameters/Body'}, {$ref: 'shared.yaml#/parameters/Page'}]
              responses:
                '201': {description: made, schema: {$ref: 'shared.yaml#/definitions/Pet'}}
                '404': {$ref: 'shared.yaml#/responses/NotFound'}
        """,
    )
    spec = load_spec(path)
    document = spec.document
    schemas = document["components"]["schemas"]
    assert schemas["Pet"]["properties"]["tag"] == {"$ref": "#/components/schemas/Tag"}
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Person"}
    assert schemas["Tag"] == {"type": "string", "nullable": True}
    post = document["paths"]["/pets"]["post"]
    assert post["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    }
    assert post["parameters"] == [{"$ref": "#/components/parameters/Page"}]
    assert post["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert document["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Tag"
    }
    assert "Body" not in document["components"]["parameters"]
    assert validation_findings(spec) == []


SWAGGER = "swagger: '2.0'\ninfo: {title: t, version: '1'}\n"
REFUSALS = [
    ("swagger: '3.0'\npaths: {}\n", "/swagger", "Swagger version '3.0' is not supported"),
    (SWAGGER, "/", "needs `paths`"),
    (SWAGGER + "paths: []\n", "/paths", "`paths` must be a mapping, not a list"),
    (SWAGGER + "paths: {}\ndefinitions: [1]\n", "/definitions", "`definitions` must be a mapping"),
    (
        SWAGGER
        + "paths: {/a: {get: {responses: {'200': {description: x, schema: {$ref: '#/definitions/No'}}}}}}\n",
        "/paths/~1a/get/responses/200/schema",
        "'#/definitions/No' points to nothing",
    ),
    (
        SWAGGER + "paths: {/a: {get: {parameters: [{$ref: 'missing.yaml#/P'}]}}}\n",
        "/paths/~1a/get/parameters/0",
        "names a file that cannot be read",
    ),
    (SWAGGER + "paths: {/a: {get: nope}}\n", "/paths/~1a/get", "an operation must be a mapping"),
    (
        SWAGGER + "paths: {/a: {get: {parameters: [5]}}}\n",
        "/paths/~1a/get/parameters/0",
        "a parameter must be a mapping",
    ),
    (
        SWAGGER + "paths: {/a: {get: {parameters: [{in: query}]}}}\n",
        "/paths/~1a/get/parameters/0",
        "no `name`",
    ),
    (
        SWAGGER + "paths: {/a: {get: {responses: [1]}}}\n",
        "/paths/~1a/get/responses",
        "`responses` must be a mapping",
    ),
    (
        SWAGGER + "paths: {/a: {get: {responses: {'200': 7}}}}\n",
        "/paths/~1a/get/responses/200",
        "must be a mapping",
    ),
]


@pytest.mark.parametrize(("text", "pointer", "reason"), REFUSALS, ids=[r[2] for r in REFUSALS])
def test_broken_swagger_documents_are_refused_in_one_paragraph(
    write: WriteFile, text: str, pointer: str, reason: str
) -> None:
    path = write("swagger.yaml", text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert reason in message
    assert (info.value.pointer or "/") == pointer
    assert str(path) in message
    assert "\n" not in message


def test_an_unquoted_version_number_is_read_as_2_0(write: WriteFile) -> None:
    spec = load_spec(write("s.yaml", "swagger: 2.0\ninfo: {title: t, version: '1'}\npaths: {}\n"))
    assert spec.converted_from == "Swagger 2.0"


EVERY_RULE: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "t", "version": "1"},
    "host": "h.io",
    "basePath": "/v1",
    "schemes": ["https"],
    "consumes": ["application/json"],
    "produces": ["application/json"],
    "paths": {
        "/pets/{id}": {
            "parameters": [{"$ref": "#/parameters/Id"}, {"name": "note", "in": "formData", "type": "string"}],
            "get": {
                "parameters": [
                    {
                        "name": "t",
                        "in": "query",
                        "type": "array",
                        "collectionFormat": "tsv",
                        "items": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {"$ref": "#/definitions/Pet"},
                        "headers": {"X-N": {"type": "integer"}},
                        "examples": {"text/plain": "a"},
                    },
                    "404": {"$ref": "#/responses/Missing"},
                },
            },
            "post": {
                "consumes": ["multipart/form-data"],
                "schemes": ["http"],
                "parameters": [{"name": "f", "in": "formData", "type": "file", "required": True}],
                "responses": {"201": {"description": "made"}},
            },
            "put": {
                "parameters": [{"$ref": "#/parameters/Body"}],
                "security": [{"oauth": ["w"]}],
                "responses": {},
            },
        }
    },
    "parameters": {
        "Id": {"name": "id", "in": "path", "required": True, "type": "integer", "x-nullable": True},
        "Body": {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Pet"}},
    },
    "responses": {"Missing": {"description": "gone", "schema": {"type": "file"}}},
    "definitions": {
        "Pet": {
            "type": "object",
            "discriminator": "kind",
            "required": ["kind"],
            "properties": {
                "kind": {"type": "string"},
                "owner": {"$ref": "#/definitions/Pet", "x-nullable": True},
            },
        },
    },
    "securityDefinitions": {
        "oauth": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "https://a",
            "tokenUrl": "https://t",
            "scopes": {"w": "write"},
        },
        "basic": {"type": "basic"},
        "key": {"type": "apiKey", "name": "k", "in": "query"},
    },
}


def test_the_undamaged_document_loads_with_its_losses(tmp_path: Path) -> None:
    path = tmp_path / "swagger.json"
    path.write_text(json.dumps(EVERY_RULE))
    spec = load_spec(path)
    assert [loss.pointer for loss in spec.not_carried_over] == [
        "/paths/~1pets~1{id}/get/parameters/0/collectionFormat",
        "/paths/~1pets~1{id}/parameters/1",  # the path's form field beside the put's body
        "/paths/~1pets~1{id}/post/schemes",
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=damaged(EVERY_RULE))
def test_damaged_swagger_documents_load_or_are_refused_cleanly(tmp_path_factory: Any, document: Any) -> None:
    path: Path = tmp_path_factory.mktemp("doc") / "swagger.json"
    path.write_text(json.dumps(document))
    try:
        load_spec(path)
    except SpecError as error:
        refusal = str(error)
    else:
        return
    assert "bug in specmock" not in refusal
    assert "\n" not in refusal
