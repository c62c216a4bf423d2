"""Documents the shared-store tests have in common."""

from __future__ import annotations

from typing import Any


def login_document() -> dict[str, Any]:
    """Sessions behind an API key: creating one answers a token, which then passes as a key."""
    session = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "user": {"type": "string"},
            "token": {"type": "string", "readOnly": True, "minLength": 16},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "login", "version": "1"},
        "components": {
            "schemas": {"Session": session},
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
        },
        "security": [{"key": []}],
        "paths": {
            "/sessions": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Session"},
                                    }
                                }
                            },
                        },
                        "401": {"description": "no"},
                    }
                },
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Session"}}
                            },
                        },
                        "401": {"description": "no"},
                    },
                },
            }
        },
    }
