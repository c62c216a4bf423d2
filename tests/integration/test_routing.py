from __future__ import annotations

from pathlib import Path

import yaml
from tests.conftest import MakeClient, spec

from specmock.report import check_report

PET = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def ok(schema: dict) -> dict:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def test_literal_path_wins_over_templated_sibling_declared_first(make_client: MakeClient) -> None:
    document = spec(
        {
            "/brands/{uuid}/": {
                "get": {
                    "operationId": "byId",
                    "parameters": [
                        {
                            "name": "uuid",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        }
                    ],
                    "responses": ok(
                        {"type": "object", "properties": {"kind": {"const": "one"}}, "required": ["kind"]}
                    ),
                }
            },
            "/brands/current/": {
                "get": {
                    "operationId": "current",
                    "responses": ok(
                        {"type": "object", "properties": {"kind": {"const": "current"}}, "required": ["kind"]}
                    ),
                }
            },
        }
    )
    client = make_client(document)
    assert client.get("/brands/current/").json() == {"kind": "current"}
    assert client.get("/brands/8f1c1d02-3c4e-4c1a-9a55-0b3c1a1f0a10/").json() == {"kind": "one"}


def test_typed_path_parameter_gives_validation_error_not_404(make_client: MakeClient) -> None:
    document = spec(
        {
            "/pets/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": ok(PET),
                }
            }
        }
    )
    response = make_client(document).get("/pets/abc")
    assert response.status_code == 422
    assert response.json()["errors"][0]["name"] == "id"


def test_unknown_path_is_404_and_undeclared_method_is_405_with_allow(make_client: MakeClient) -> None:
    document = spec({"/pets": {"get": {"responses": ok(PET)}, "post": {"responses": ok(PET)}}})
    client = make_client(document)
    missing = client.get("/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = client.delete("/pets")
    assert wrong.status_code == 405
    assert wrong.headers["allow"] == "GET, POST"
    assert wrong.json()["status"] == 405


def test_api_is_mounted_at_the_first_server_path(make_client: MakeClient) -> None:
    document = spec(
        {"/pets": {"get": {"responses": ok(PET)}}}, servers=[{"url": "https://api.example.com/v2"}]
    )
    client = make_client(document)
    assert client.get("/v2/pets").status_code == 200
    assert client.get("/pets").status_code == 404


def test_an_id_beyond_64_bits_is_answered_not_a_500(make_client: MakeClient) -> None:
    document = spec(
        {
            "/pets/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": ok(PET),
                }
            }
        }
    )
    huge = 14832202911780173774848
    response = make_client(document).get(f"/pets/{huge}")
    assert response.status_code == 200
    assert response.json()["id"] == huge


def test_head_on_a_path_without_get_is_405_with_allow(make_client: MakeClient) -> None:
    document = spec(
        {
            "/users/me": {"post": {"responses": ok(PET)}},
            "/users/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": ok(PET),
                }
            },
            "/pets": {"put": {"responses": ok(PET)}},
        }
    )
    client = make_client(document)
    for path, allow in (("/users/me", "POST"), ("/pets", "PUT")):
        response = client.head(path)
        assert response.status_code == 405, path
        assert response.headers["allow"] == allow
    # `/users/me` is its own path (OpenAPI matches concrete paths first): GET /users/{id} does not answer it
    assert client.get("/users/me").status_code == 405
    assert client.head("/users/7").status_code == 200
    assert client.get("/users/7").status_code == 200


VARIANT_BODY = {
    "cats": {"type": "object", "required": ["meow"], "properties": {"meow": {"type": "boolean"}}},
    "dogs": {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "boolean"}}},
}


def variants_document() -> dict:
    paths = {}
    for name, body in VARIANT_BODY.items():
        kind = {"type": "object", "required": ["kind"], "properties": {"kind": {"const": name}}}
        paths[f"/pets#{name}"] = {
            "post": {
                "operationId": f"add_{name}",
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {**ok(kind), "422": {"description": "invalid"}},
            }
        }
    return spec(paths)


def test_variants_of_one_url_answer_the_request_they_are_satisfied_by(make_client: MakeClient) -> None:
    client = make_client(variants_document())
    assert client.post("/pets", json={"bark": True}).json() == {"kind": "dogs"}
    assert client.post("/pets", json={"meow": True}).json() == {"kind": "cats"}
    assert client.post("/pets", json={"quack": True}).status_code == 422
    journal = client.get("/__specmock/journal").json()
    assert [entry["operation"].split(":")[-1] for entry in journal] == ["add_dogs", "add_cats", "add_cats"]


def test_check_lists_the_variants_of_one_url(tmp_path: Path) -> None:
    path = tmp_path / "variants.yaml"
    path.write_text(yaml.safe_dump(variants_document(), sort_keys=False))
    report = check_report(str(path))
    assert "POST /pets: 2 operations: /pets#cats [add_cats], /pets#dogs [add_dogs]" in report
