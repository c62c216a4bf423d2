"""The behaviour extensions on a small document of their own: they are general, not bundled-only."""

from __future__ import annotations

from typing import Any

from specmock.diagnostics import Kind
from tests.state.specs import Client, json_body, path_param, query, ref

SESSION = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "owner": {"type": "integer"},
        "ownerId": {"type": "integer", "readOnly": True},
        "pin": {"type": "string", "writeOnly": True},
        "kind": {"type": "object", "properties": {"name": {"type": "string", "enum": ["a", "b"]}}},
        "until": {"type": ["string", "null"], "format": "date-time"},
    },
}


def document(resource: dict[str, Any]) -> dict[str, Any]:
    item = {"parameters": [path_param("id")]}
    missing = {"404": json_body({"type": "object", "properties": {"message": {"type": "string"}}})}
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/sessions": {
                "x-specmock-resource": resource,
                "get": {
                    "operationId": "list",
                    "parameters": [{**query("kind"), "x-specmock-filter": "kind.name"}],
                    "responses": {"200": json_body({"type": "array", "items": ref("Session")})},
                },
                "post": {
                    "operationId": "create",
                    "requestBody": {"content": {"application/json": {"schema": ref("Session")}}},
                    "responses": {"201": json_body(ref("Session"))},
                },
            },
            "/sessions/{id}": {
                **item,
                "get": {"operationId": "read", "responses": {"200": json_body(ref("Session")), **missing}},
            },
            "/sessions/{id}/secret": {
                **item,
                "get": {
                    "operationId": "secret",
                    "x-specmock-action": {"answer": {"value": "token"}},
                    "responses": {
                        "200": json_body({"type": "object", "properties": {"value": {"type": "string"}}}),
                        **missing,
                    },
                },
            },
        },
        "components": {"schemas": {"Session": SESSION}},
    }


RESOURCE = {
    "discard": ["pin"],
    "hidden": {"token": {"type": "string", "pattern": "^[a-f0-9]{8}$"}},
    "derive": {"ownerId": {"from": "owner"}},
    "expires": {"field": "until", "ttl": 60},
    "messages": {"not-found": "no session {id}"},
}


def test_the_extensions_work_on_any_document() -> None:
    client = Client(document(RESOURCE), records=4)
    now = [1_800_000_000.0]
    client.sandbox.now = lambda: now[0]
    made = client.ok("create", {"owner": 5, "pin": "1234", "kind": {"name": "b"}}).body
    assert made["ownerId"] == 5
    assert made["until"] == "2027-01-15T08:01:00Z"  # now + ttl
    assert "token" not in made
    assert "pin" not in made
    stored = next(r for r in client.sandbox.dump("sessions") if r["id"] == made["id"])
    assert "pin" not in stored
    secret = client.ok("secret", id=made["id"]).body
    assert secret == {"value": stored["token"]}
    assert made["id"] in [s["id"] for s in client.ok("list", kind=["b"]).body]
    assert all(s["kind"]["name"] == "a" for s in client.ok("list", kind=["a"]).body)
    now[0] += 60
    gone = client("read", id=made["id"])
    assert gone is not None
    assert (gone.error, gone.message) == (Kind.NOT_FOUND, f"no session {made['id']}")
    assert made["id"] not in [s["id"] for s in client.ok("list").body]


def test_bad_extensions_are_reported_not_fatal() -> None:
    bad = {"derive": {"x": {}}, "expires": {"ttl": 5}, "hidden": "key"}
    client = Client(document(bad), records=2)
    warnings = [line for line in client.sandbox.describe() if line.startswith("warning:")]
    assert any("derive.x needs `from`" in w for w in warnings)
    assert any("expires needs `field`" in w for w in warnings)
    assert client.ok("list").body
