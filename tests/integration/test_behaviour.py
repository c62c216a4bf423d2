"""Controls a frontend developer relies on: Prefer, examples, determinism, content types, CORS, admin."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import MakeClient, spec

ITEM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
    },
}
NAMED_EXAMPLES = {"first": {"value": {"id": 1, "name": "Rex"}}, "second": {"value": {"id": 2, "name": "Tom"}}}


def things(**responses: Any) -> dict[str, Any]:
    return spec(
        {
            "/things/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": ITEM, "examples": NAMED_EXAMPLES}},
                        },
                        "404": {
                            "description": "gone",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"message": {"type": "string"}},
                                    },
                                    "example": {"message": "no thing"},
                                }
                            },
                        },
                        **responses,
                    },
                }
            },
            "/forms": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["n"],
                                    "properties": {
                                        "n": {"type": "integer"},
                                        "tags": {"type": "array", "items": {"type": "string"}},
                                    },
                                }
                            },
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["n"],
                                    "properties": {"n": {"type": "integer"}},
                                }
                            },
                        },
                    },
                    "responses": {"204": {"description": "stored"}},
                }
            },
        }
    )


def test_same_seed_same_bytes_and_entities_differ(make_client: MakeClient) -> None:
    first, second = make_client(things(), seed=7), make_client(things(), seed=7)
    assert first.get("/things/5").content == second.get("/things/5").content
    assert first.get("/things/5").content == first.get("/things/5").content
    assert first.get("/things/5").json() != first.get("/things/6").json()
    assert make_client(things(), seed=8).get("/things/5").content != first.get("/things/5").content


def test_prefer_example_and_dynamic_false(make_client: MakeClient) -> None:
    stateless = things()
    stateless["paths"]["/things/{id}"]["x-specmock-resource"] = False  # examples apply to generated answers
    client = make_client(stateless)
    assert client.get("/things/1", headers={"Prefer": "example=second"}).json() == {"id": 2, "name": "Tom"}
    assert client.get("/things/1", headers={"Prefer": "dynamic=false"}).json() == {"id": 1, "name": "Rex"}
    forced = client.get("/things/1", headers={"Prefer": "code=404"})
    assert forced.status_code == 404
    assert set(forced.json()) <= {"message"}


def test_form_and_multipart_bodies_are_validated(make_client: MakeClient) -> None:
    client = make_client(things())
    assert client.post("/forms", data={"n": "3", "tags": ["a", "b"]}).status_code == 204
    bad = client.post("/forms", data={"n": "three"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["location"] == "body"
    assert client.post("/forms", files={"n": (None, "4")}).status_code == 204
    assert client.post("/forms", files={"n": (None, "x")}).status_code == 422


def test_unsupported_content_type_is_415_and_bad_json_is_rejected(make_client: MakeClient) -> None:
    client = make_client(things())
    response = client.post("/forms", content=b'{"n": 1}', headers={"Content-Type": "application/json"})
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.json()["detail"]
    assert (
        client.post("/forms", content=b"\xff\xfe", headers={"Content-Type": "text/plain"}).status_code == 415
    )


def test_cors_headers_and_preflight(make_client: MakeClient) -> None:
    client = make_client(things())
    response = client.get("/things/1", headers={"Origin": "http://localhost:3000"})
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    preflight = client.options(
        "/things/1",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, x-undocumented",
        },
    )
    assert preflight.status_code == 204
    # Headers the path's operations read or any frontend sends; not whatever is asked for.
    assert preflight.headers["access-control-allow-headers"] == "authorization"
    assert "access-control-allow-origin" not in make_client(things(), cors=False).get("/things/1").headers


def test_index_journal_and_openapi(make_client: MakeClient) -> None:
    client = make_client(things())
    client.get("/things/abc")
    index = client.get("/").json()
    assert index["apis"][0]["operations"] == 2
    [entry] = client.get("/__specmock/journal").json()
    assert entry["status"] == 422
    assert entry["violations"]
    served = client.get(index["apis"][0]["openapi"]).json()
    assert "/things/{id}" in served["paths"]
    assert "swagger-ui" in client.get(index["apis"][0]["swagger_ui"]).text


def test_a_content_key_that_is_no_media_type_is_never_a_content_type(make_client: MakeClient) -> None:
    item = {"type": "object", "properties": {"id": {"type": "string", "readOnly": True}, "name": {}}}
    created = {
        "description": "ok",
        "content": {"description": "created", "application/json": {"schema": item}},
    }
    listed = {"type": "array", "items": item}
    document = spec(
        {
            "/things": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"description": "x", "application/json": {"schema": listed}},
                        }
                    }
                },
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": item}}},
                    "responses": {"201": created},
                },
            }
        },
        version="3.0.3",
    )
    client = make_client(document)
    assert client.post("/things", json={"name": "x"}).headers["content-type"] == "application/json"
    assert client.get("/things").headers["content-type"] == "application/json"


def test_a_location_built_from_an_id_holding_percent_signs_is_a_valid_uri(make_client: MakeClient) -> None:
    comment = {"type": "object", "properties": {"id": {"type": "string", "readOnly": True}, "text": {}}}
    event = {"name": "event", "in": "path", "required": True, "schema": {"type": "string"}}
    one = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    body = {"content": {"application/json": {"schema": comment}}}
    created = {
        "201": {
            "description": "ok",
            "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}},
            "content": {"application/json": {"schema": comment}},
        }
    }
    read = {"200": {"description": "ok", "content": {"application/json": {"schema": comment}}}}
    document = spec(
        {
            "/events/{event}/comments": {
                "post": {"parameters": [event], "requestBody": body, "responses": created}
            },
            "/events/{event}/comments/{id}": {"get": {"parameters": [event, one], "responses": read}},
        }
    )
    client = make_client(document)
    response = client.post("/events/50%25Goff/comments", json={"text": "x"})
    assert response.status_code == 201
    location = response.headers["location"]
    assert re.fullmatch(r"([^%]|%[0-9A-Fa-f]{2})*", location), location
    assert "/events/50%25Goff/comments/" in location
    assert client.get(location).status_code == 200
