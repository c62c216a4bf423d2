"""Shared by the hostile suite: small specs written to a temporary folder, and raw-socket helpers
(the attacks here are below what an HTTP client library lets you send)."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import yaml

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
}


def items_spec(*error_statuses: str) -> dict[str, Any]:
    """A collection of items (create, list, read, delete); the create documents these error statuses
    with the spec's own error shape."""
    error = {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    item_ref = {"$ref": "#/components/schemas/Item"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "items", "version": "1"},
        "paths": {
            "/items": {
                "get": {
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"type": "array", "items": item_ref}}},
                        }
                    },
                },
                "post": {
                    "requestBody": {"required": True, "content": {"application/json": {"schema": item_ref}}},
                    "responses": {
                        "201": {"description": "made", "content": {"application/json": {"schema": item_ref}}},
                        **dict.fromkeys(error_statuses, error),
                    },
                },
            },
            "/items/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "get": {
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": item_ref}}},
                        "404": error,
                    }
                },
                "delete": {"responses": {"204": {"description": "gone"}, "404": error}},
            },
        },
        "components": {
            "schemas": {
                "Item": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "id": {"type": "integer", "readOnly": True},
                        "name": {"type": "string"},
                        "note": {"type": "string"},
                    },
                },
                "Error": ERROR_SCHEMA,
            }
        },
    }


def write_spec(folder: Path, document: dict[str, Any], name: str = "items.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def connect(port: int, timeout: float = 10) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def read_head(sock: socket.socket, deadline_s: float = 10) -> bytes:
    """Bytes up to the end of the response head (or whatever came before the peer closed)."""
    data = b""
    end = time.monotonic() + deadline_s
    while b"\r\n\r\n" not in data and time.monotonic() < end:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """Status and body of one response with a Content-Length."""
    data = read_head(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        (int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), 0
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, body


def get_request(path: str, host: str = "127.0.0.1", headers: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n".encode()
