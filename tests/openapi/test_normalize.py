from __future__ import annotations

import textwrap
from typing import Any

import pytest

from specmock.openapi.loader import LoadedSpec, load_spec
from tests.openapi.conftest import WriteFile


def load(write: WriteFile, text: str) -> LoadedSpec:
    return load_spec(write("openapi.yaml", textwrap.dedent(text)))


def messages(spec: LoadedSpec) -> dict[str, str]:
    return {r.pointer: r.message for r in spec.repairs}


def test_lowercase_ranges_become_uppercase_and_yaml_number_keys_are_text(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths:
          /a:
            get:
              responses:
                200: {description: ok}
                4xx: {description: client}
        webhooks:
          hook:
            post:
              responses: {2xx: {description: got it}}
    """,
    )
    assert list(spec.document["paths"]["/a"]["get"]["responses"]) == ["200", "4XX"]
    assert list(spec.document["webhooks"]["hook"]["post"]["responses"]) == ["2XX"]
    assert messages(spec) == {
        "/paths/~1a/get/responses/200": "status 200 is an unquoted YAML number; read as the text '200'",
        "/paths/~1a/get/responses/4xx": "response key '4xx' is a lowercase range; read as '4XX'",
        "/webhooks/hook/post/responses/2xx": "response key '2xx' is a lowercase range; read as '2XX'",
    }


def test_discriminator_mapping_values_become_reference_strings(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            Pet:
              oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
              discriminator:
                propertyName: kind
                mapping:
                  cat: {$ref: '#/components/schemas/Cat'}
                  dog: Dog
                  cow: '#/components/schemas/Cow'
            Cat: {type: object}
            Dog: {type: object}
            Odd: {discriminator: {mapping: {}}, oneOf: [{type: object}]}
    """,
    )
    schemas = spec.document["components"]["schemas"]
    assert schemas["Pet"]["discriminator"]["mapping"] == {
        "cat": "#/components/schemas/Cat",
        "dog": "#/components/schemas/Dog",
    }
    assert "discriminator" not in schemas["Odd"]
    found = messages(spec)
    base = "/components/schemas/Pet/discriminator/mapping"
    assert "{$ref: …} object" in found[f"{base}/cat"]
    assert "schema name" in found[f"{base}/dog"]
    assert "points to nothing" in found[f"{base}/cow"]
    assert "no propertyName" in found["/components/schemas/Odd/discriminator"]


@pytest.mark.parametrize(
    ("schema", "default", "kept"),
    [
        ({"type": "string", "enum": ["a", "b"]}, "c", False),
        ({"type": "string", "enum": ["a", "b"]}, "a", True),
        ({"type": "integer"}, "5", False),
        ({"type": "number"}, 5, True),
        ({"type": "integer"}, 5.0, True),
        ({"type": "string", "nullable": True}, None, True),
        ({"type": ["string", "null"]}, None, True),
        ({"type": "string"}, None, False),
        ({"type": "boolean"}, 1, False),
        ({"type": "integer", "minimum": 1}, 0, False),
        ({"type": "string", "maxLength": 2}, "abc", False),
        ({"type": "object", "required": ["a"]}, {}, False),
        ({"oneOf": [{"type": "object"}, {"type": "array"}]}, "token", False),
        ({"anyOf": [{"type": "object"}, {"type": "string"}]}, "token", True),
        ({"allOf": [{"type": "string"}, {"enum": ["x"]}]}, "y", False),
        ({"$ref": "#/components/schemas/Code"}, "zz", False),
        ({"$ref": "#/components/schemas/Code"}, "ok", True),
        ({"description": "anything"}, [1, {"a": None}], True),
    ],
)
def test_defaults_that_contradict_their_schema_are_dropped(
    write: WriteFile, schema: dict[str, Any], default: Any, kept: bool
) -> None:
    import json

    target = {**schema, "default": default}
    spec = load(
        write,
        f"""
        openapi: 3.1.0
        info: {{title: t, version: '1'}}
        paths: {{}}
        components:
          schemas:
            Code: {{type: string, enum: [ok]}}
            Target: {json.dumps(target)}
    """,
    )
    assert ("default" in spec.document["components"]["schemas"]["Target"]) is kept
    assert ("/components/schemas/Target/default" in messages(spec)) is not kept


def test_a_property_called_default_is_not_a_default(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            Settings:
              type: object
              properties:
                default: {type: boolean}
              example: {default: 5}
    """,
    )
    assert spec.repairs == ()


def test_path_parameters_follow_the_template(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths:
          /users/{userId}/items/{itemId}:
            parameters:
              - {name: ghost, in: path, required: true, schema: {type: string}}
            get:
              parameters:
                - {name: userId, in: path, schema: {type: integer}}
              responses: {'200': {description: ok}}
            delete:
              parameters:
                - {$ref: '#/components/parameters/UserId'}
              responses: {'204': {description: gone}}
        components:
          parameters:
            UserId: {name: userId, in: path, required: false, schema: {type: integer}}
    """,
    )
    item = spec.document["paths"]["/users/{userId}/items/{itemId}"]
    assert item["parameters"] == [
        {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert item["get"]["parameters"][0]["required"] is True
    assert spec.document["components"]["parameters"]["UserId"]["required"] is True
    found = messages(spec)
    assert "has no such placeholder" in found["/paths/~1users~1{userId}~1items~1{itemId}/parameters/0"]
    assert "declared as a string" in found["/paths/~1users~1{userId}~1items~1{itemId}/parameters"]
    assert (
        "not marked required" in found["/paths/~1users~1{userId}~1items~1{itemId}/get/parameters/0/required"]
    )


def test_a_path_parameter_missing_from_one_operation_is_declared_there_only(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths:
          /pets/{id}:
            get:
              parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
              responses: {'200': {description: ok}}
            put:
              responses: {'200': {description: ok}}
    """,
    )
    item = spec.document["paths"]["/pets/{id}"]
    assert "parameters" not in item
    assert item["put"]["parameters"][0]["name"] == "id"
    assert len(spec.repairs) == 1


def test_duplicate_operation_ids_are_made_unique(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths:
          /a: {get: {operationId: list, responses: {'200': {description: ok}}}}
          /b: {get: {operationId: list, responses: {'200': {description: ok}}}}
          /c: {get: {operationId: list_2, responses: {'200': {description: ok}}}}
    """,
    )
    ids = [item["get"]["operationId"] for item in spec.document["paths"].values()]
    assert ids == ["list", "list_3", "list_2"]
    assert "already used by /paths/~1a/get" in messages(spec)["/paths/~1b/get/operationId"]


def test_keywords_beside_a_reference_are_applied_by_inlining(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths:
          /a:
            post:
              parameters: [{$ref: '#/components/parameters/Q', required: true}]
              requestBody: {$ref: '#/components/requestBodies/B', required: true, description: fine}
              responses: {'200': {description: ok}}
        components:
          parameters:
            Q: {name: q, in: query, schema: {type: string}}
          requestBodies:
            B: {content: {application/json: {schema: {type: object}}}}
    """,
    )
    post = spec.document["paths"]["/a"]["post"]
    assert post["requestBody"] == {
        "content": {"application/json": {"schema": {"type": "object"}}},
        "required": True,
        "description": "fine",
    }
    assert post["parameters"][0] == {
        "name": "q",
        "in": "query",
        "schema": {"type": "string"},
        "required": True,
    }
    assert "requestBody" not in spec.document["components"]["requestBodies"]["B"]
    assert len(spec.repairs) == 2


def test_small_defects_are_tolerated_and_reported(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.0
        info: {title: t, version: '1'}
        servers:
          - url: https://api.example.com/{org}
            variables: {org: {default: '{org}'}}
        paths:
          x-owner: team-a
          empty:
          pets:
            get:
              parameters: [{name: q, in: query}]
              responses:
                x-note: fine
                '200':
                  description: ok
                  headers: {X-Rate: {description: no schema}}
          /none:
            get: {summary: no responses}
          /listed:
            post:
              requestBody: {content: {application/json: {examples: [1, 2]}}}
              responses: {'200': {description: ok, content: {text/plain: {examples: 5}}}}
    """,
    )
    paths = spec.document["paths"]
    assert spec.document["openapi"] == "3.0"
    assert set(paths) == {"x-owner", "/pets", "/none", "/listed"}
    listed = paths["/listed"]["post"]
    assert listed["requestBody"]["content"]["application/json"]["examples"] == {
        "example1": {"value": 1},
        "example2": {"value": 2},
    }
    assert "examples" not in listed["responses"]["200"]["content"]["text/plain"]
    assert paths["/pets"]["get"]["parameters"][0]["schema"] == {}
    assert paths["/pets"]["get"]["responses"]["200"]["headers"]["X-Rate"]["schema"] == {}
    assert list(paths["/none"]["get"]["responses"]) == ["default"]
    assert set(messages(spec)) == {
        "/openapi",
        "/paths/empty",
        "/paths/pets",
        "/paths/~1none/get/responses",
        "/paths/~1pets/get/parameters/0",
        "/paths/~1pets/get/responses/200/headers/X-Rate",
        "/servers/0/variables/org/default",
        "/paths/~1listed/post/requestBody/content/application~1json/examples",
        "/paths/~1listed/post/responses/200/content/text~1plain/examples",
    }


def test_a_204_with_a_body_is_served_without_one_and_shared_responses_stay_intact(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths:
          /import:
            post:
              responses:
                '204': {$ref: '#/components/responses/Result'}
                '400': {$ref: '#/components/responses/Result'}
        components:
          responses:
            Result:
              description: result
              content: {application/json: {schema: {type: object}}}
    """,
    )
    responses = spec.document["paths"]["/import"]["post"]["responses"]
    assert "content" not in responses["204"]
    assert spec.document["components"]["responses"]["Result"]["content"]
    assert "cannot carry a body" in messages(spec)["/paths/~1import/post/responses/204"]


def test_a_content_key_that_is_no_media_type_is_dropped_and_reported(write: WriteFile) -> None:
    spec = load(
        write,
        """
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths:
          /a:
            get:
              responses:
                '200':
                  description: ''
                  content:
                    description: the list
                    application/json: {schema: {type: array}}
                    text/plain; charset=utf-8: {schema: {type: string}}
    """,
    )
    response = spec.document["paths"]["/a"]["get"]["responses"]["200"]
    assert list(response["content"]) == ["application/json", "text/plain; charset=utf-8"]
    assert response["description"] == "the list"
    assert messages(spec) == {
        "/paths/~1a/get/responses/200/content/description": (
            "'description' is not a media type; dropped; its text is the description"
        )
    }
