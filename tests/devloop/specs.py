"""A small stateful API for the devloop tests: pets (a collection with a documented 503), owners
(no 5xx documented), a slow operation (x-specmock-latency)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "minLength": 1, "maxLength": 40},
        "tag": {"type": "string", "maxLength": 20},
    },
}
OWNER = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
}
PROBLEM = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": ref}}}


def _list(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "array", "items": {"$ref": ref}}}}


UNAVAILABLE = {"description": "down", "content": _json("#/components/schemas/Problem")}
INVALID = {"description": "invalid", "content": _json("#/components/schemas/Problem")}

PETS: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}}
                ],
                "responses": {
                    "200": {"description": "ok", "content": _list("#/components/schemas/Pet")},
                    "422": INVALID,
                    "503": UNAVAILABLE,
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {"required": True, "content": _json("#/components/schemas/Pet")},
                "responses": {
                    "201": {"description": "created", "content": _json("#/components/schemas/Pet")},
                    "422": INVALID,
                    "503": UNAVAILABLE,
                },
            },
        },
        "/pets/{petId}": {
            "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": {
                "operationId": "getPet",
                "responses": {
                    "200": {"description": "ok", "content": _json("#/components/schemas/Pet")},
                    "404": {"description": "gone", "content": _json("#/components/schemas/Problem")},
                },
            },
            "put": {
                "operationId": "replacePet",
                "requestBody": {"required": True, "content": _json("#/components/schemas/Pet")},
                "responses": {
                    "200": {"description": "ok", "content": _json("#/components/schemas/Pet")},
                    "404": {"description": "gone", "content": _json("#/components/schemas/Problem")},
                    "422": INVALID,
                },
            },
        },
        "/owners": {
            "get": {
                "operationId": "listOwners",
                "responses": {"200": {"description": "ok", "content": _list("#/components/schemas/Owner")}},
            }
        },
        "/slow": {
            "get": {
                "operationId": "slow",
                "x-specmock-latency": "250ms",
                "responses": {"200": {"description": "ok", "content": _json("#/components/schemas/Owner")}},
            }
        },
    },
    "components": {"schemas": {"Pet": PET, "Owner": OWNER, "Problem": PROBLEM}},
}


def pets_spec(**changes: Any) -> dict[str, Any]:
    """A deep copy of PETS, with top-level keys replaced."""
    document = copy.deepcopy(PETS)
    document.update(changes)
    return document


def write(folder: Path, document: dict[str, Any], name: str = "openapi.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path
