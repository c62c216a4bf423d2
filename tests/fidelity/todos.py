"""A small to-do API written the way real specs are: records with server-owned timestamps, nested
writeOnly secrets, documented error shapes with a violation list, named examples."""

from __future__ import annotations

from typing import Any

from tests.conftest import spec


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_of(schema: Any, description: str = "ok", **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema, **extra}}}


ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}
SIGNER = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "password": {"type": "string", "writeOnly": True},
        "signedAt": {"type": "string", "format": "date-time", "readOnly": True},
    },
}
TODO = {
    "type": "object",
    "required": ["id", "title", "createdAt", "updatedAt"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "title": {"type": "string"},
        "done": {"type": "boolean"},
        "priority": {"type": "integer", "default": 3},
        "dueAt": {"type": "string", "format": "date-time"},
        "createdAt": {"type": "string", "format": "date-time", "readOnly": True},
        "updatedAt": {"type": "string", "format": "date-time", "readOnly": True},
        "signers": {"type": "array", "items": ref("Signer")},
        "credentials": {
            "type": "object",
            "properties": {
                "user": {"type": "string"},
                "password": {"type": "string", "writeOnly": True},
            },
        },
    },
}
STAMP = "2020-01-01T00:00:00Z"
SAMPLE = {"id": 42, "title": "sample", "createdAt": STAMP, "updatedAt": STAMP}
ITEM_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]


def todos() -> dict[str, Any]:
    not_found = json_of(ref("Error"), "not found")
    return spec(
        {
            "/todos": {
                "get": {
                    "responses": {
                        "200": json_of(
                            {"type": "array", "items": ref("Todo")}, examples={"one": {"value": [SAMPLE]}}
                        )
                    }
                },
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": ref("Todo")}}},
                    "responses": {"201": json_of(ref("Todo")), "4XX": json_of(ref("Error"), "client error")},
                },
            },
            "/todos/{id}": {
                "parameters": ITEM_ID,
                "get": {
                    "responses": {
                        "200": json_of(ref("Todo"), examples={"sample": {"value": SAMPLE}}),
                        "404": not_found,
                        "500": json_of(ref("Error"), "boom"),
                    }
                },
                "put": {
                    "requestBody": {"content": {"application/json": {"schema": ref("Todo")}}},
                    "responses": {"200": json_of(ref("Todo")), "404": not_found},
                },
                "patch": {
                    "requestBody": {"content": {"application/json": {"schema": ref("Todo")}}},
                    "responses": {
                        "200": json_of(ref("Todo")),
                        "404": not_found,
                        "default": json_of(ref("Error")),
                    },
                },
                "delete": {"responses": {"204": {"description": "gone"}, "404": not_found}},
            },
        },
        components={"schemas": {"Error": ERROR, "Todo": TODO, "Signer": SIGNER}},
    )
