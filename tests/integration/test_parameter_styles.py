"""OpenAPI's parameter serialisation matrix, one row per (location, style, explode, shape): the wire
form the specification's own table gives is read back as exactly the value, and a near miss is refused.

Each parameter's schema admits one value only (``const``), so a 200 proves it was read right.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient
from tests.conftest import MakeClient, spec

from specmock.server import create_app

PRIMITIVE: dict[str, Any] = {"type": "integer", "const": 5}
ARRAY: dict[str, Any] = {"type": "array", "items": {"type": "integer"}, "const": [3, 4, 5]}
OBJECT: dict[str, Any] = {
    "type": "object",
    "properties": {name: {"type": "integer"} for name in "RGB"},
    "const": {"R": 100, "G": 200, "B": 150},
}
SCHEMAS = {"primitive": PRIMITIVE, "array": ARRAY, "object": OBJECT}

# (location, style, explode, shape, the wire form of the value, a near miss)
ROWS: list[tuple[str, str, bool, str, str, str]] = [
    ("path", "simple", False, "primitive", "5", "6"),
    ("path", "simple", False, "array", "3,4,5", "3,4"),
    ("path", "simple", True, "array", "3,4,5", "3.4.5"),
    ("path", "simple", False, "object", "R,100,G,200,B,150", "R=100,G=200,B=150"),
    ("path", "simple", True, "object", "R=100,G=200,B=150", "R,100,G,200,B,150"),
    ("path", "label", False, "primitive", ".5", ".6"),
    ("path", "label", False, "array", ".3,4,5", ".3.4.5"),
    ("path", "label", True, "array", ".3.4.5", ".3,4,5"),
    ("path", "label", False, "object", ".R,100,G,200,B,150", ".R=100.G=200.B=150"),
    ("path", "label", True, "object", ".R=100.G=200.B=150", ".R,100,G,200,B,150"),
    ("path", "matrix", False, "primitive", ";color=5", ";color=6"),
    ("path", "matrix", False, "array", ";color=3,4,5", ";color=3;color=4;color=5"),
    ("path", "matrix", True, "array", ";color=3;color=4;color=5", ";color=3,4,5"),
    ("path", "matrix", False, "object", ";color=R,100,G,200,B,150", ";R=100;G=200;B=150"),
    ("path", "matrix", True, "object", ";R=100;G=200;B=150", ";color=R,100,G,200,B,150"),
    ("query", "form", True, "primitive", "color=5", "color=6"),
    ("query", "form", True, "array", "color=3&color=4&color=5", "color=3,4,5"),
    ("query", "form", False, "array", "color=3,4,5", "color=3&color=4"),
    ("query", "form", True, "object", "R=100&G=200&B=150", "color=R,100,G,200,B,150"),
    ("query", "form", False, "object", "color=R,100,G,200,B,150", "R=100&G=200&B=150"),
    ("query", "spaceDelimited", False, "array", "color=3%204%205", "color=3,4,5"),
    ("query", "spaceDelimited", True, "array", "color=3&color=4&color=5", "color=3%204%205"),
    ("query", "spaceDelimited", False, "object", "color=R%20100%20G%20200%20B%20150", "color=R,100"),
    ("query", "pipeDelimited", False, "array", "color=3|4|5", "color=3,4,5"),
    ("query", "pipeDelimited", False, "array", "color=3%7C4%7C5", "color=3%7C4"),
    ("query", "pipeDelimited", True, "array", "color=3&color=4&color=5", "color=3|4|5"),
    ("query", "pipeDelimited", False, "object", "color=R|100|G|200|B|150", "color=R|100"),
    ("query", "deepObject", True, "object", "color[R]=100&color[G]=200&color[B]=150", "R=100&G=200"),
    ("header", "simple", False, "primitive", "5", "6"),
    ("header", "simple", False, "array", "3,4,5", "3;4;5"),
    ("header", "simple", False, "object", "R,100,G,200,B,150", "R=100,G=200,B=150"),
    ("header", "simple", True, "object", "R=100,G=200,B=150", "R,100,G,200,B,150"),
    ("cookie", "form", True, "primitive", "color=5", "color=6"),
    ("cookie", "form", False, "array", "color=3,4,5", "color=3"),
    ("cookie", "form", True, "array", "color=3; color=4; color=5", "color=3; color=4"),
    ("cookie", "form", True, "array", "color=3,4,5", "color=3,4"),  # as schemathesis sends it
    ("cookie", "form", False, "object", "color=R,100,G,200,B,150", "color=R,100"),
    ("cookie", "form", True, "object", "R=100; G=200; B=150", "R=100; G=200"),
    ("cookie", "form", True, "object", "color=R=100,G=200,B=150", "color=R=100"),  # schemathesis
]


def document() -> dict[str, Any]:
    paths = {}
    for index, (location, style, explode, shape, _, _) in enumerate(ROWS):
        param = {
            "name": "color",
            "in": location,
            "required": True,
            "style": style,
            "explode": explode,
            "schema": SCHEMAS[shape],
        }
        path = f"/rows/{index}/{{color}}" if location == "path" else f"/rows/{index}"
        paths[path] = {
            "get": {
                "operationId": f"row{index}",
                "parameters": [param],
                "responses": {"200": {"description": "ok"}, "422": {"description": "invalid"}},
            }
        }
    return spec(paths)


def send(client: TestClient, index: int, location: str, wire: str) -> int:
    if location == "path":
        return client.get(f"/rows/{index}/{wire}").status_code
    if location == "query":
        return client.get(f"/rows/{index}?{wire}").status_code
    headers = {"color": wire} if location == "header" else {"cookie": wire}
    return client.get(f"/rows/{index}", headers=headers).status_code


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    path = tmp_path_factory.mktemp("styles") / "styles.yaml"
    path.write_text(yaml.safe_dump(document(), sort_keys=False))
    return TestClient(create_app(path))


@pytest.mark.parametrize(
    ("index", "row"),
    list(enumerate(ROWS)),
    ids=[f"{r[0]}-{r[1]}-{'x' if r[2] else '1'}-{r[3]}" for r in ROWS],
)
def test_each_style_reads_its_wire_form_back_as_the_value(
    client: TestClient, index: int, row: tuple[str, str, bool, str, str, str]
) -> None:
    location, _, _, _, wire, near_miss = row
    assert send(client, index, location, wire) == 200
    assert send(client, index, location, near_miss) == 422


def test_a_missing_exploded_object_is_missing(client: TestClient) -> None:
    index = next(i for i, r in enumerate(ROWS) if r[:4] == ("query", "form", True, "object"))
    response = client.get(f"/rows/{index}?unrelated=1")
    assert response.status_code == 422
    assert "required query parameter is missing" in response.headers["specmock-violations"]


def test_pagination_object_read_from_separate_query_keys(make_client: MakeClient) -> None:
    pagination = {
        "name": "pagination",
        "in": "query",
        "required": True,
        "style": "form",
        "explode": True,
        "schema": {
            "type": "object",
            "required": ["offset", "limit"],
            "properties": {"offset": {"type": "integer"}, "limit": {"type": "integer", "maximum": 200}},
        },
    }
    ok = {"200": {"description": "ok"}, "422": {"description": "invalid"}}
    client = make_client(spec({"/items": {"get": {"parameters": [pagination], "responses": ok}}}))
    assert client.get("/items?offset=1&limit=123").status_code == 200
    refused = client.get("/items?offset=1&limit=999")
    assert refused.status_code == 422
    assert "pagination.limit" in refused.headers["specmock-violations"]


FORM = "application/x-www-form-urlencoded"


def form_document(encoding: dict[str, Any], schema: dict[str, Any], media: str = FORM) -> dict[str, Any]:
    body = {
        "required": True,
        "content": {media: {"schema": {"type": "object", "properties": {"f": schema}}, "encoding": encoding}},
    }
    ok = {"200": {"description": "ok"}, "422": {"description": "invalid"}}
    return spec({"/forms": {"post": {"operationId": "form", "requestBody": body, "responses": ok}}})


PLUS = {"type": "string", "const": "a+b"}
SPACE = {"type": "string", "const": "a b"}
# (encoding of field f, its schema, the body, whether it is valid)
FORM_ROWS: list[tuple[dict[str, Any], dict[str, Any], str, bool]] = [
    ({"f": {"allowReserved": True}}, PLUS, "f=a+b", True),
    ({"f": {"allowReserved": True}}, PLUS, "f=a%2Bb", True),
    ({}, PLUS, "f=a+b", False),  # `+` is a space unless reserved characters are allowed
    ({}, SPACE, "f=a+b", True),
    ({}, PLUS, "f=a%2Bb", True),
    ({"f": {"allowReserved": True}}, {"type": "string", "const": "x:/?@!$'()*,;"}, "f=x:/?@!$'()*,;", True),
    ({}, ARRAY, "f=3&f=4&f=5", True),
    ({"f": {"style": "form", "explode": False}}, ARRAY, "f=3,4,5", True),
    ({"f": {"style": "form", "explode": False}}, ARRAY, "f=3;4;5", False),
    ({"f": {"style": "spaceDelimited", "explode": False}}, ARRAY, "f=3+4+5", True),
    ({"f": {"style": "pipeDelimited", "explode": False}}, ARRAY, "f=3|4|5", True),
    ({"f": {"style": "deepObject", "explode": True}}, OBJECT, "f[R]=100&f[G]=200&f[B]=150", True),
    ({"f": {"style": "form", "explode": False}}, OBJECT, "f=R,100,G,200,B,150", True),
    ({"f": {"contentType": "application/json"}}, OBJECT, 'f={"R":100,"G":200,"B":150}', True),
    # what text cannot spell arrives as JSON text (schemathesis, FormData + JSON.stringify)
    ({}, OBJECT, 'f={"R":100,"G":200,"B":150}', True),
    ({}, {"type": "array", "items": OBJECT}, 'f={"R":100,"G":200,"B":150}&f={"R":100,"G":200,"B":150}', True),
    ({}, {"type": ["integer", "null"], "const": None}, "f=null", True),
    ({}, {"type": ["string", "null"], "const": None}, "f=null", True),
    ({}, OBJECT, "R=100&G=200&B=150", True),  # form, exploded: the members as fields of their own
]


@pytest.mark.parametrize(("encoding", "schema", "body", "valid"), FORM_ROWS)
def test_form_bodies_follow_each_fields_encoding(
    make_client: MakeClient, encoding: dict[str, Any], schema: dict[str, Any], body: str, valid: bool
) -> None:
    client = make_client(form_document(encoding, schema))
    response = client.post("/forms", content=body, headers={"content-type": FORM})
    assert response.status_code == (200 if valid else 422), response.text


def test_multipart_object_parts_are_json(make_client: MakeClient) -> None:
    client = make_client(form_document({}, OBJECT, "multipart/form-data"))
    files = {"f": (None, '{"R":100,"G":200,"B":150}', "application/json")}
    assert client.post("/forms", files=files).status_code == 200
    # the default content type of an object part is JSON, declared on the part or not
    assert client.post("/forms", files={"f": (None, '{"R":100,"G":200,"B":150}')}).status_code == 200
    assert client.post("/forms", files={"f": (None, '{"R":1}')}).status_code == 422


def test_label_and_matrix_path_values_are_record_ids(make_client: MakeClient) -> None:
    item = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    param = {"name": "id", "in": "path", "required": True, "style": "matrix", "schema": {"type": "string"}}
    created = {"201": {"description": "ok", "content": {"application/json": {"schema": item}}}}
    read = {"200": {"description": "ok", "content": {"application/json": {"schema": item}}}}
    document = spec(
        {
            "/things": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": item}}},
                    "responses": created,
                }
            },
            "/things/{id}": {
                "get": {"parameters": [param], "responses": {**read, "404": {"description": "no"}}}
            },
        }
    )
    client = make_client(document)
    assert client.post("/things", json={"id": "abc"}).status_code == 201
    response = client.get("/things/;id=abc")
    assert response.status_code == 200
    assert response.json()["id"] == "abc"


def test_a_form_body_of_alternatives_types_every_field_a_branch_declares(make_client: MakeClient) -> None:
    branches = [
        {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "const": 5}}},
        {
            "type": "object",
            "required": ["b"],
            "properties": {"b": {"type": "boolean"}, "tags": {"type": "array", "items": {"type": "integer"}}},
        },
    ]
    document = form_document({}, {}, FORM)
    document["paths"]["/forms"]["post"]["requestBody"]["content"][FORM]["schema"] = {"oneOf": branches}
    client = make_client(document)
    headers = {"content-type": FORM}
    assert client.post("/forms", content="a=5", headers=headers).status_code == 200
    assert client.post("/forms", content="b=true&tags=1&tags=2", headers=headers).status_code == 200
    assert client.post("/forms", content="b=maybe", headers=headers).status_code == 422


def test_an_empty_urlencoded_form_is_an_object_without_fields(make_client: MakeClient) -> None:
    optional = {"type": "string"}
    client = make_client(form_document({}, optional))
    assert client.post("/forms", content=b"", headers={"content-type": FORM}).status_code == 200
    required = form_document({}, optional)
    schema = required["paths"]["/forms"]["post"]["requestBody"]["content"][FORM]["schema"]
    schema["required"] = ["f"]
    refused = make_client(required).post("/forms", content=b"", headers={"content-type": FORM})
    assert refused.status_code == 422
    assert '"f" is a required property' in refused.headers["specmock-violations"]
