"""Swagger 2.0 → OpenAPI 3.0: one table per conversion rule.

Each row is a Swagger 2.0 fragment merged into a minimal document, a JSON pointer into the converted
document and what must be there (``ABSENT``: nothing). Rows that lose something also name the pointer
(into the Swagger 2.0 document) that ``convert`` reports.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from specmock.openapi.refs import UnresolvableRef, resolve_pointer
from specmock.openapi.swagger2 import convert

ABSENT = object()
BASE: dict[str, Any] = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}
Row = tuple[str, dict[str, Any], str, Any]


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


def at(document: dict[str, Any], pointer: str) -> Any:
    try:
        return resolve_pointer(document, "#" + pointer)
    except UnresolvableRef:
        return ABSENT


def converted(fragment: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    document, losses = convert(merged(BASE, fragment))
    return document, [loss.pointer for loss in losses]


def op(operation: dict[str, Any], path: str = "/a", method: str = "get") -> dict[str, Any]:
    operation.setdefault("responses", {"200": {"description": "ok"}})
    return {"paths": {path: {method: operation}}}


def query(**fields: Any) -> dict[str, Any]:
    return op({"parameters": [{"name": "q", "in": "query", **fields}]})


def check(rows: list[Row]) -> Any:
    return pytest.mark.parametrize(
        ("fragment", "pointer", "expected"), [r[1:] for r in rows], ids=[r[0] for r in rows]
    )


def assert_row(fragment: dict[str, Any], pointer: str, expected: Any) -> list[str]:
    document, losses = converted(fragment)
    assert at(document, pointer) == expected if expected is not ABSENT else at(document, pointer) is ABSENT
    return losses


SERVERS: list[Row] = [
    (
        "host, basePath, schemes",
        {"host": "h.io", "basePath": "/v2", "schemes": ["http", "https"]},
        "/servers",
        [{"url": "http://h.io/v2"}, {"url": "https://h.io/v2"}],
    ),
    (
        "no schemes: https",
        {"host": "h.io:8080", "basePath": "/v2"},
        "/servers",
        [{"url": "https://h.io:8080/v2"}],
    ),
    ("no basePath", {"host": "h.io", "schemes": ["http"]}, "/servers", [{"url": "http://h.io"}]),
    ("no host: a relative server", {"basePath": "/api"}, "/servers", [{"url": "/api"}]),
    ("neither: no servers (/)", {}, "/servers", ABSENT),
    ("the version", {}, "/openapi", "3.0.3"),
    ("info, tags, security, extensions carried", {"tags": [{"name": "x"}], "x-logo": 1}, "/x-logo", 1),
]


@check(SERVERS)
def test_host_base_path_and_schemes_become_servers(
    fragment: dict[str, Any], pointer: str, expected: Any
) -> None:
    assert not assert_row(fragment, pointer, expected)


BODY = {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Pet"}}
MEDIA_TYPES: list[Row] = [
    (
        "document produces",
        {"produces": ["application/xml"], **op({"responses": {"200": {"description": "", "schema": {}}}})},
        "/paths/~1a/get/responses/200/content",
        {"application/xml": {"schema": {}}},
    ),
    (
        "operation produces win",
        {
            "produces": ["application/xml"],
            **op({"produces": ["text/csv"], "responses": {"200": {"description": "", "schema": {}}}}),
        },
        "/paths/~1a/get/responses/200/content",
        {"text/csv": {"schema": {}}},
    ),
    (
        "neither: JSON",
        op({"responses": {"200": {"description": "", "schema": {}}}}),
        "/paths/~1a/get/responses/200/content",
        {"application/json": {"schema": {}}},
    ),
    (
        "no schema: no content",
        {"produces": ["application/json"], **op({})},
        "/paths/~1a/get/responses/200/content",
        ABSENT,
    ),
    (
        "document consumes",
        {"consumes": ["application/xml", "application/json"], **op({"parameters": [BODY]}, method="post")},
        "/paths/~1a/post/requestBody/content",
        {
            m: {"schema": {"$ref": "#/components/schemas/Pet"}}
            for m in ("application/xml", "application/json")
        },
    ),
    (
        "operation consumes win",
        {
            "consumes": ["application/xml"],
            **op({"consumes": ["text/plain"], "parameters": [BODY]}, method="post"),
        },
        "/paths/~1a/post/requestBody/content",
        {"text/plain": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    ),
    (
        "an empty operation list clears the document's",
        {
            "produces": ["application/xml"],
            **op({"produces": [], "responses": {"200": {"description": "", "schema": {}}}}),
        },
        "/paths/~1a/get/responses/200/content",
        {"application/json": {"schema": {}}},
    ),
]


@check(MEDIA_TYPES)
def test_consumes_and_produces_become_media_types(
    fragment: dict[str, Any], pointer: str, expected: Any
) -> None:
    assert not assert_row(fragment, pointer, expected)


REQUEST_BODIES: list[Row] = [
    (
        "body → requestBody",
        op({"parameters": [{**BODY, "required": True, "description": "d"}]}, method="post"),
        "/paths/~1a/post/requestBody",
        {
            "description": "d",
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
        },
    ),
    (
        "optional body",
        op({"parameters": [BODY]}, method="post"),
        "/paths/~1a/post/requestBody/required",
        ABSENT,
    ),
    (
        "the body leaves the parameters",
        op({"parameters": [BODY]}, method="post"),
        "/paths/~1a/post/parameters",
        [],
    ),
    (
        "form fields → urlencoded object",
        op(
            {
                "parameters": [
                    {
                        "name": "n",
                        "in": "formData",
                        "type": "string",
                        "required": True,
                        "description": "name",
                    },
                    {"name": "age", "in": "formData", "type": "integer", "minimum": 0},
                ]
            },
            method="post",
        ),
        "/paths/~1a/post/requestBody",
        {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["n"],
                        "properties": {
                            "n": {"type": "string", "description": "name"},
                            "age": {"type": "integer", "minimum": 0},
                        },
                    }
                }
            },
        },
    ),
    (
        "a file → multipart only",
        {
            "consumes": ["application/x-www-form-urlencoded"],
            **op({"parameters": [{"name": "f", "in": "formData", "type": "file"}]}, method="post"),
        },
        "/paths/~1a/post/requestBody/content",
        {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"f": {"type": "string", "format": "binary"}}}
            }
        },
    ),
    (
        "both form types consumed",
        op(
            {
                "consumes": ["multipart/form-data", "application/x-www-form-urlencoded"],
                "parameters": [{"name": "n", "in": "formData", "type": "string"}],
            },
            method="post",
        ),
        "/paths/~1a/post/requestBody/content",
        {
            m: {"schema": {"type": "object", "properties": {"n": {"type": "string"}}}}
            for m in ("multipart/form-data", "application/x-www-form-urlencoded")
        },
    ),
    (
        "x-examples by media type",
        op({"parameters": [{**BODY, "x-examples": {"application/json": {"id": 1}}}]}, method="post"),
        "/paths/~1a/post/requestBody/content/application~1json/example",
        {"id": 1},
    ),
    (
        "a path-level body is every operation's",
        {"paths": {"/a": {"parameters": [BODY], "put": {"responses": {"200": {"description": ""}}}}}},
        "/paths/~1a/put/requestBody/content/application~1json/schema",
        {"$ref": "#/components/schemas/Pet"},
    ),
    (
        "an operation's form field overrides the path's",
        {
            "paths": {
                "/a": {
                    "parameters": [{"name": "n", "in": "formData", "type": "string"}],
                    "put": {
                        "parameters": [{"name": "n", "in": "formData", "type": "integer"}],
                        "responses": {},
                    },
                }
            }
        },
        "/paths/~1a/put/requestBody/content/application~1x-www-form-urlencoded/schema/properties/n",
        {"type": "integer"},
    ),
    (
        "a shared body parameter is written into the operation",
        {"parameters": {"P": BODY}, **op({"parameters": [{"$ref": "#/parameters/P"}]}, method="post")},
        "/paths/~1a/post/requestBody/content/application~1json/schema",
        {"$ref": "#/components/schemas/Pet"},
    ),
    (
        "a shared form field is written into the operation",
        {
            "parameters": {"F": {"name": "f", "in": "formData", "type": "string"}},
            **op({"parameters": [{"$ref": "#/parameters/F"}]}, method="post"),
        },
        "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/f",
        {"type": "string"},
    ),
    (
        "shared body parameters are no components",
        {"parameters": {"P": BODY}},
        "/components/parameters",
        ABSENT,
    ),
]


@check(REQUEST_BODIES)
def test_body_and_form_parameters_become_request_bodies(
    fragment: dict[str, Any], pointer: str, expected: Any
) -> None:
    assert not assert_row(fragment, pointer, expected)


ARRAY = {"type": "array", "items": {"type": "string"}}
STYLES: list[tuple[str, str, str, tuple[str, bool] | None]] = [
    # (collectionFormat or "" for none, location, style expected, lost?)
    ("", "query", "form", False),
    ("csv", "query", "form", False),
    ("multi", "query", "form", True),
    ("ssv", "query", "spaceDelimited", False),
    ("pipes", "query", "pipeDelimited", False),
    ("csv", "path", "simple", False),
    ("csv", "header", "simple", False),
]
LOST_STYLES = [("tsv", "query"), ("tsv", "header"), ("multi", "header"), ("ssv", "path"), ("pipes", "header")]


@pytest.mark.parametrize(("fmt", "location", "style", "explode"), STYLES)
def test_collection_formats_become_style_and_explode(
    fmt: str, location: str, style: str, explode: bool
) -> None:
    parameter = {
        "name": "q",
        "in": location,
        "required": True,
        **ARRAY,
        **({"collectionFormat": fmt} if fmt else {}),
    }
    document, losses = converted(op({"parameters": [parameter]}))
    assert at(document, "/paths/~1a/get/parameters/0") == {
        "name": "q",
        "in": location,
        "required": True,
        "schema": ARRAY,
        "style": style,
        "explode": explode,
    }
    assert not losses


@pytest.mark.parametrize(("fmt", "location"), LOST_STYLES)
def test_collection_formats_without_an_equivalent_are_reported(fmt: str, location: str) -> None:
    parameter = {"name": "q", "in": location, "required": True, "collectionFormat": fmt, **ARRAY}
    document, losses = converted(op({"parameters": [parameter]}))
    assert losses == ["/paths/~1a/get/parameters/0/collectionFormat"]
    assert at(document, "/paths/~1a/get/parameters/0/explode") is False  # read comma-separated


FORM_STYLES: list[Row] = [
    (
        "csv form field (the default)",
        op({"parameters": [{"name": "t", "in": "formData", **ARRAY}]}, method="post"),
        "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/encoding/t",
        {"style": "form", "explode": False},
    ),
    (
        "multi form field",
        op(
            {"parameters": [{"name": "t", "in": "formData", "collectionFormat": "multi", **ARRAY}]},
            method="post",
        ),
        "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/encoding/t",
        {"style": "form", "explode": True},
    ),
    (
        "pipes form field",
        op(
            {"parameters": [{"name": "t", "in": "formData", "collectionFormat": "pipes", **ARRAY}]},
            method="post",
        ),
        "/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/encoding/t",
        {"style": "pipeDelimited", "explode": False},
    ),
    (
        "multipart has no encoding styles",
        op(
            {"consumes": ["multipart/form-data"], "parameters": [{"name": "t", "in": "formData", **ARRAY}]},
            method="post",
        ),
        "/paths/~1a/post/requestBody/content/multipart~1form-data/encoding",
        ABSENT,
    ),
]


@check(FORM_STYLES)
def test_form_field_collection_formats_become_encodings(
    fragment: dict[str, Any], pointer: str, expected: Any
) -> None:
    assert not assert_row(fragment, pointer, expected)


SIMPLE_VALUES: list[Row] = [
    (
        "type keywords → schema",
        query(type="integer", format="int32", minimum=1, maximum=9, default=3, enum=[1, 3]),
        "/paths/~1a/get/parameters/0",
        {
            "name": "q",
            "in": "query",
            "schema": {
                "type": "integer",
                "format": "int32",
                "minimum": 1,
                "maximum": 9,
                "default": 3,
                "enum": [1, 3],
            },
        },
    ),
    (
        "allowEmptyValue stays",
        query(type="string", allowEmptyValue=True),
        "/paths/~1a/get/parameters/0/allowEmptyValue",
        True,
    ),
    (
        "x-example → example",
        query(type="string", **{"x-example": "abc"}),
        "/paths/~1a/get/parameters/0/example",
        "abc",
    ),
    (
        "nested items",
        query(type="array", items={"type": "array", "items": {"type": "integer"}}),
        "/paths/~1a/get/parameters/0/schema",
        {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
    ),
    (
        "x-nullable parameter",
        query(type="string", **{"x-nullable": True}),
        "/paths/~1a/get/parameters/0/schema",
        {"type": "string", "nullable": True},
    ),
]


@check(SIMPLE_VALUES)
def test_simple_parameters_get_a_schema(fragment: dict[str, Any], pointer: str, expected: Any) -> None:
    assert not assert_row(fragment, pointer, expected)


COMPONENTS: list[Row] = [
    (
        "definitions → schemas",
        {"definitions": {"Pet": {"type": "object"}}},
        "/components/schemas/Pet",
        {"type": "object"},
    ),
    (
        "parameters → parameters",
        {"parameters": {"L": {"name": "l", "in": "query", "type": "integer"}}},
        "/components/parameters/L",
        {"name": "l", "in": "query", "schema": {"type": "integer"}},
    ),
    (
        "a shared parameter is referred to",
        {
            "parameters": {"L": {"name": "l", "in": "query", "type": "integer"}},
            **op({"parameters": [{"$ref": "#/parameters/L"}]}),
        },
        "/paths/~1a/get/parameters/0",
        {"$ref": "#/components/parameters/L"},
    ),
    (
        "a path-level shared parameter stays path-level",
        {
            "parameters": {"L": {"name": "l", "in": "query", "type": "integer"}},
            "paths": {"/a": {"parameters": [{"$ref": "#/parameters/L"}], "get": {"responses": {}}}},
        },
        "/paths/~1a/parameters/0",
        {"$ref": "#/components/parameters/L"},
    ),
    (
        "responses → responses, with the document's produces",
        {
            "produces": ["application/xml"],
            "responses": {"E": {"description": "e", "schema": {"$ref": "#/definitions/Err"}}},
        },
        "/components/responses/E",
        {
            "description": "e",
            "content": {"application/xml": {"schema": {"$ref": "#/components/schemas/Err"}}},
        },
    ),
    (
        "a shared response is referred to",
        {"responses": {"E": {"description": "e"}}, **op({"responses": {"400": {"$ref": "#/responses/E"}}})},
        "/paths/~1a/get/responses/400",
        {"$ref": "#/components/responses/E"},
    ),
    (
        "a shared response under other produces is written in",
        {
            "responses": {"E": {"description": "e", "schema": {"type": "string"}}},
            **op({"produces": ["text/plain"], "responses": {"400": {"$ref": "#/responses/E"}}}),
        },
        "/paths/~1a/get/responses/400",
        {"description": "e", "content": {"text/plain": {"schema": {"type": "string"}}}},
    ),
]


@check(COMPONENTS)
def test_definitions_parameters_and_responses_become_components(
    fragment: dict[str, Any], pointer: str, expected: Any
) -> None:
    assert not assert_row(fragment, pointer, expected)


SECURITY: list[Row] = [
    (
        "basic",
        {"securityDefinitions": {"s": {"type": "basic", "description": "d"}}},
        "/components/securitySchemes/s",
        {"type": "http", "scheme": "basic", "description": "d"},
    ),
    (
        "apiKey",
        {"securityDefinitions": {"s": {"type": "apiKey", "name": "X-Key", "in": "header"}}},
        "/components/securitySchemes/s",
        {"type": "apiKey", "name": "X-Key", "in": "header"},
    ),
    (
        "oauth2 implicit",
        {
            "securityDefinitions": {
                "s": {
                    "type": "oauth2",
                    "flow": "implicit",
                    "authorizationUrl": "https://a",
                    "scopes": {"r": "read"},
                }
            }
        },
        "/components/securitySchemes/s",
        {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a", "scopes": {"r": "read"}}}},
    ),
    (
        "oauth2 password",
        {"securityDefinitions": {"s": {"type": "oauth2", "flow": "password", "tokenUrl": "https://t"}}},
        "/components/securitySchemes/s",
        {"type": "oauth2", "flows": {"password": {"tokenUrl": "https://t", "scopes": {}}}},
    ),
    (
        "oauth2 application",
        {
            "securityDefinitions": {
                "s": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {}}
            }
        },
        "/components/securitySchemes/s",
        {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}}},
    ),
    (
        "oauth2 accessCode",
        {
            "securityDefinitions": {
                "s": {
                    "type": "oauth2",
                    "flow": "accessCode",
                    "authorizationUrl": "https://a",
                    "tokenUrl": "https://t",
                    "scopes": {},
                }
            }
        },
        "/components/securitySchemes/s",
        {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}
            },
        },
    ),
    (
        "requirements carried",
        {"security": [{"s": []}], **op({"security": [{"s": ["r"]}]})},
        "/paths/~1a/get/security",
        [{"s": ["r"]}],
    ),
]


@check(SECURITY)
def test_security_definitions_become_security_schemes(
    fragment: dict[str, Any], pointer: str, expected: Any
) -> None:
    assert not assert_row(fragment, pointer, expected)


def test_a_security_scheme_without_a_reading_is_reported() -> None:
    _, losses = converted({"securityDefinitions": {"s": {"type": "oauth2", "flow": "device"}}})
    assert losses == ["/securityDefinitions/s"]


SCHEMAS: list[Row] = [
    (
        "x-nullable → nullable",
        {"definitions": {"A": {"type": "string", "x-nullable": True}}},
        "/components/schemas/A",
        {"type": "string", "nullable": True},
    ),
    (
        "x-nullable: false is dropped",
        {"definitions": {"A": {"type": "string", "x-nullable": False}}},
        "/components/schemas/A",
        {"type": "string"},
    ),
    (
        "x-nullable beside $ref",
        {
            "definitions": {
                "A": {"properties": {"b": {"$ref": "#/definitions/B", "x-nullable": True}}},
                "B": {},
            }
        },
        "/components/schemas/A/properties/b",
        {"nullable": True, "allOf": [{"$ref": "#/components/schemas/B"}]},
    ),
    (
        "deep in items, allOf, additionalProperties",
        {
            "definitions": {
                "A": {
                    "allOf": [
                        {
                            "additionalProperties": {
                                "type": "array",
                                "items": {"type": "integer", "x-nullable": True},
                            }
                        }
                    ]
                }
            }
        },
        "/components/schemas/A/allOf/0/additionalProperties/items",
        {"type": "integer", "nullable": True},
    ),
    (
        "discriminator name → object",
        {"definitions": {"A": {"discriminator": "kind", "properties": {"kind": {"type": "string"}}}}},
        "/components/schemas/A/discriminator",
        {"propertyName": "kind"},
    ),
    (
        "type: file → binary string",
        {"definitions": {"A": {"type": "file"}}},
        "/components/schemas/A",
        {"type": "string", "format": "binary"},
    ),
    (
        "readOnly, xml, example kept",
        {"definitions": {"A": {"readOnly": True, "xml": {"name": "a"}, "example": {"$ref": "not a ref"}}}},
        "/components/schemas/A",
        {"readOnly": True, "xml": {"name": "a"}, "example": {"$ref": "not a ref"}},
    ),
]


@check(SCHEMAS)
def test_schemas_are_written_in_3_0_words(fragment: dict[str, Any], pointer: str, expected: Any) -> None:
    assert not assert_row(fragment, pointer, expected)


RESPONSES: list[Row] = [
    (
        "examples by media type",
        op(
            {
                "produces": ["application/json", "application/xml"],
                "responses": {
                    "200": {
                        "description": "",
                        "schema": {"type": "object"},
                        "examples": {"application/json": {"a": 1}},
                    }
                },
            }
        ),
        "/paths/~1a/get/responses/200/content",
        {
            "application/json": {"schema": {"type": "object"}, "example": {"a": 1}},
            "application/xml": {"schema": {"type": "object"}},
        },
    ),
    (
        "an example of another media type adds it",
        op(
            {
                "responses": {
                    "200": {"description": "", "schema": {"type": "string"}, "examples": {"text/plain": "hi"}}
                }
            }
        ),
        "/paths/~1a/get/responses/200/content/text~1plain",
        {"schema": {"type": "string"}, "example": "hi"},
    ),
    (
        "headers",
        op(
            {
                "responses": {
                    "200": {
                        "description": "",
                        "headers": {
                            "X-Rate": {"type": "integer", "format": "int32", "description": "calls"},
                            "X-Tags": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                }
            }
        ),
        "/paths/~1a/get/responses/200/headers",
        {
            "X-Rate": {"description": "calls", "schema": {"type": "integer", "format": "int32"}},
            "X-Tags": {
                "schema": {"type": "array", "items": {"type": "string"}},
                "style": "simple",
                "explode": False,
            },
        },
    ),
    (
        "a file response",
        op(
            {"produces": ["image/png"], "responses": {"200": {"description": "", "schema": {"type": "file"}}}}
        ),
        "/paths/~1a/get/responses/200/content",
        {"image/png": {"schema": {"type": "string", "format": "binary"}}},
    ),
    (
        "a missing description becomes empty",
        op({"responses": {"204": {}}}),
        "/paths/~1a/get/responses/204",
        {"description": ""},
    ),
]


@check(RESPONSES)
def test_responses_get_content_and_headers(fragment: dict[str, Any], pointer: str, expected: Any) -> None:
    assert not assert_row(fragment, pointer, expected)


REFS: list[Row] = [
    (
        "a definition",
        op({"responses": {"200": {"description": "", "schema": {"$ref": "#/definitions/Pet"}}}}),
        "/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
        "#/components/schemas/Pet",
    ),
    (
        "inside a definition",
        {"definitions": {"A": {"properties": {"b": {"$ref": "#/definitions/B"}}}}},
        "/components/schemas/A/properties/b/$ref",
        "#/components/schemas/B",
    ),
    (
        "a property named like data",
        {"definitions": {"A": {"properties": {"default": {"$ref": "#/definitions/B"}}}}},
        "/components/schemas/A/properties/default/$ref",
        "#/components/schemas/B",
    ),
    (
        "into a definition",
        {"definitions": {"A": {"$ref": "#/definitions/B/properties/c"}}},
        "/components/schemas/A/$ref",
        "#/components/schemas/B/properties/c",
    ),
    (
        "to a response's schema",
        {
            "paths": {
                "/a": {"get": {"responses": {"200": {"description": "", "schema": {"type": "object"}}}}}
            },
            "definitions": {"A": {"$ref": "#/paths/~1a/get/responses/200/schema"}},
        },
        "/components/schemas/A/$ref",
        "#/paths/~1a/get/responses/200/content/application~1json/schema",
    ),
    (
        "a path item",
        {"paths": {"/a": {"get": {"responses": {}}}, "/b": {"$ref": "#/paths/~1a"}}},
        "/paths/~1b/$ref",
        "#/paths/~1a",
    ),
    (
        "not in examples",
        {"definitions": {"A": {"example": {"$ref": "#/definitions/B"}}}},
        "/components/schemas/A/example/$ref",
        "#/definitions/B",
    ),
]


@check(REFS)
def test_every_ref_points_at_its_targets_new_place(
    fragment: dict[str, Any], pointer: str, expected: Any
) -> None:
    assert not assert_row(fragment, pointer, expected)


LOSSES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("operation schemes", {"schemes": ["https"], **op({"schemes": ["http"]})}, ["/paths/~1a/get/schemes"]),
    (
        "two bodies",
        op({"parameters": [BODY, {**BODY, "name": "c"}]}, method="post"),
        ["/paths/~1a/post/parameters/1"],
    ),
    (
        "a body and a form field",
        op({"parameters": [BODY, {"name": "f", "in": "formData", "type": "string"}]}, method="post"),
        ["/paths/~1a/post/parameters/1"],
    ),
    (
        "allowEmptyValue on a form field",
        op(
            {"parameters": [{"name": "f", "in": "formData", "type": "string", "allowEmptyValue": True}]},
            method="post",
        ),
        ["/paths/~1a/post/parameters/0/allowEmptyValue"],
    ),
    (
        "separators of nested arrays",
        query(type="array", items={"type": "array", "collectionFormat": "pipes", "items": {}}),
        ["/paths/~1a/get/parameters/0/items/collectionFormat"],
    ),
    (
        "a $ref into an operation's parameter",
        {
            "paths": {"/a": {"get": {"parameters": [BODY], "responses": {}}}},
            "definitions": {"A": {"$ref": "#/paths/~1a/get/parameters/0/schema"}},
        },
        ["/components/schemas/A"],
    ),
    (
        "nothing for the same schemes",
        {"schemes": ["https", "http"], **op({"schemes": ["http", "https"]})},
        [],
    ),
]


@pytest.mark.parametrize(("fragment", "lost"), [r[1:] for r in LOSSES], ids=[r[0] for r in LOSSES])
def test_what_cannot_be_carried_over_is_reported_with_its_pointer(
    fragment: dict[str, Any], lost: list[str]
) -> None:
    _, losses = converted(fragment)
    assert losses == lost


def test_odd_values_are_copied_for_the_3_0_checks_to_name() -> None:
    document, _ = converted({"paths": {"/a": {"get": "nope", "parameters": 5}, "/b": None}})
    assert document["paths"] == {"/a": {"get": "nope", "parameters": 5}, "/b": None}
