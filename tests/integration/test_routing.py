from __future__ import annotations

from tests.conftest import MakeClient, spec

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
