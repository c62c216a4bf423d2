"""Errors come back in the shape the spec declares for that operation, filled with the violations."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from tests.conftest import MakeClient, spec

LIMITED = [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}]
OK = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}


def with_error(status: str, schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return spec(
        {
            "/things": {
                "get": {
                    "parameters": LIMITED,
                    "responses": {
                        "200": OK,
                        status: {"description": "error", "content": {media: {"schema": schema}}},
                    },
                }
            }
        }
    )


HELLGATE_VALIDATION = {
    "type": "object",
    "properties": {
        "code": {"type": "integer"},
        "classifier": {"type": "string"},
        "message": {"type": "string"},
        "validation_errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
NESTED = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        }
    },
}
DETAIL_CODE = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
}
PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "invalid-params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}


def test_hellgate_style_validation_errors_name_the_parameter_and_bound(make_client: MakeClient) -> None:
    client = make_client(with_error("422", HELLGATE_VALIDATION))
    response = client.get("/things?limit=9999")
    assert response.status_code == 422
    body = response.json()
    jsonschema.validate(body, HELLGATE_VALIDATION)
    assert body["code"] == 422
    [violation] = body["validation_errors"]
    assert "limit" in violation["path"]
    assert "500" in violation["message"]


def test_nested_error_object_carries_status_and_message(make_client: MakeClient) -> None:
    body = make_client(with_error("400", NESTED)).get("/things?limit=0").json()
    jsonschema.validate(body, NESTED)
    assert body["error"]["code"] == 400
    assert "limit" in body["error"]["message"]


def test_detail_and_code_shape(make_client: MakeClient) -> None:
    response = make_client(with_error("400", DETAIL_CODE)).get("/things?limit=abc")
    assert response.status_code == 400
    jsonschema.validate(response.json(), DETAIL_CODE)
    assert "limit" in response.json()["detail"]


def test_problem_json_with_invalid_params(make_client: MakeClient) -> None:
    response = make_client(with_error("422", PROBLEM, "application/problem+json")).get("/things?limit=0")
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    jsonschema.validate(body, PROBLEM)
    assert body["status"] == 422
    assert body["invalid-params"][0]["name"] == "query.limit"


def test_undocumented_error_falls_back_to_rfc9457_problem_listing_every_violation(
    make_client: MakeClient,
) -> None:
    document = spec(
        {
            "/things": {
                "get": {
                    "parameters": [
                        *LIMITED,
                        {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    ],
                    "responses": {"200": OK},
                }
            }
        }
    )
    response = make_client(document).get("/things?limit=0")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    names = {e["name"] for e in response.json()["errors"]}
    assert names == {"limit", "q"}


def test_drf_style_validation_error_puts_field_errors_in_extra_keys(make_client: MakeClient) -> None:
    drf = {
        "type": "object",
        "properties": {
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
            "code": {"type": "string"},
        },
        "additionalProperties": {},
    }
    body = make_client(with_error("400", drf)).get("/things?limit=0").json()
    jsonschema.validate(body, drf)
    assert body["limit"]  # DRF: {"field": ["message"]}; non_field_errors only for unnamed violations
    assert "code" not in body


@pytest.mark.parametrize("status", ["4XX", "default"])
def test_ranges_and_default_are_used_when_no_exact_status(make_client: MakeClient, status: str) -> None:
    response = make_client(with_error(status, NESTED)).get("/things?limit=0")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == 422


def test_missing_credentials_get_the_documented_401_shape(make_client: MakeClient) -> None:
    document = spec(
        {
            "/things": {
                "get": {
                    "security": [{"key": []}],
                    "responses": {
                        "200": OK,
                        "401": {"description": "no", "content": {"application/json": {"schema": NESTED}}},
                    },
                }
            }
        },
        components={"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
    )
    client = make_client(document)
    response = client.get("/things")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == 401
    assert "X-API-Key" in response.json()["error"]["message"]
    assert client.get("/things", headers={"X-API-Key": "any"}).status_code == 200
