"""Small hand-written documents for the sandbox tests, and a helper to build a sandbox on one."""

from __future__ import annotations

from typing import Any

from specmock.generation import Generator
from specmock.openapi.model import Operation, build_operations
from specmock.state import Outcome, Sandbox


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str = "ok", **extra: Any) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}, **extra}


def query(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}}


def path_param(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def bookstore(version: str = "3.1.0") -> dict[str, Any]:
    nullable = (
        {"type": ["string", "null"]} if version.startswith("3.1") else {"type": "string", "nullable": True}
    )
    book = {
        "type": "object",
        "required": ["id", "title", "created"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "title": {"type": "string"},
            "author": {"type": "string"},
            "year": {"type": "integer"},
            "available": {"type": "boolean"},
            "isbn": {"type": "string", "x-specmock-unique": True},
            "secret": {"type": "string", "writeOnly": True},
            "created": {"type": "string", "format": "date-time", "readOnly": True},
            "note": nullable,
        },
    }
    loan = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid", "readOnly": True},
            "bookId": {"type": "integer"},
            "borrower": {"type": "string"},
        },
    }
    settings = {
        "type": "object",
        "properties": {
            "theme": {"type": "string"},
            "pageSize": {"type": "integer"},
            "updated": {"type": "string", "readOnly": True},
        },
    }
    page = {
        "type": "object",
        "required": ["data", "meta"],
        "properties": {
            "data": {"type": "array", "items": ref("Book")},
            "meta": {
                "type": "object",
                "properties": {
                    "total": {"type": "integer"},
                    "page_size": {"type": "integer"},
                    "next": {"type": ["string", "null"], "format": "uri"}
                    if version.startswith("3.1")
                    else {"type": "string", "format": "uri", "nullable": True},
                },
            },
        },
    }
    total = {"X-Total-Count": {"schema": {"type": "integer"}}, "Link": {"schema": {"type": "string"}}}
    item = [path_param("bookId", "integer")]
    return {
        "openapi": version,
        "info": {"title": "books", "version": "1"},
        "paths": {
            "/books": {
                "get": {
                    "operationId": "listBooks",
                    "parameters": [
                        query("limit", {"type": "integer", "default": 10, "maximum": 50}),
                        query("offset", {"type": "integer", "minimum": 0}),
                        query("author"),
                        query("available", {"type": "boolean"}),
                        query("search"),
                        query("sort"),
                        query("nonsense"),
                    ],
                    "responses": {"200": json_body(page, headers=total)},
                },
                "post": {
                    "operationId": "createBook",
                    "requestBody": {"content": {"application/json": {"schema": ref("Book")}}},
                    "responses": {"201": json_body(ref("Book")), "409": json_body({"type": "object"})},
                },
            },
            "/books/{bookId}": {
                "parameters": item,
                "get": {
                    "operationId": "getBook",
                    "responses": {"200": json_body(ref("Book")), "404": {"description": "gone"}},
                },
                "put": {
                    "operationId": "putBook",
                    "requestBody": {"content": {"application/json": {"schema": ref("Book")}}},
                    "responses": {"200": json_body(ref("Book")), "404": {"description": "gone"}},
                },
                "patch": {
                    "operationId": "patchBook",
                    "requestBody": {"content": {"application/json": {"schema": ref("Book")}}},
                    "responses": {"200": json_body(ref("Book")), "404": {"description": "gone"}},
                },
                "delete": {
                    "operationId": "deleteBook",
                    "responses": {"204": {"description": "deleted"}, "404": {"description": "gone"}},
                },
            },
            "/books/{bookId}/loans": {
                "parameters": item,
                "get": {
                    "operationId": "listLoans",
                    "responses": {
                        "200": json_body({"type": "array", "items": ref("Loan")}),
                        "404": {"description": "no such book or loan"},
                    },
                },
                "post": {
                    "operationId": "createLoan",
                    "requestBody": {"content": {"application/json": {"schema": ref("Loan")}}},
                    "responses": {
                        "201": json_body(ref("Loan")),
                        "404": {"description": "no such book or loan"},
                    },
                },
            },
            "/books/{bookId}/loans/{loanId}": {
                "parameters": [*item, path_param("loanId")],
                "get": {
                    "operationId": "getLoan",
                    "responses": {
                        "200": json_body(ref("Loan")),
                        "404": {"description": "no such book or loan"},
                    },
                },
                "delete": {
                    "operationId": "deleteLoan",
                    "responses": {
                        "200": json_body(ref("Loan")),
                        "404": {"description": "no such book or loan"},
                    },
                },
            },
            "/books/{bookId}/publish": {
                "parameters": item,
                "post": {
                    "operationId": "publishBook",
                    "responses": {
                        "200": json_body({"type": "object"}),
                        "404": {"description": "no such book or loan"},
                    },
                },
            },
            "/settings": {
                "get": {"operationId": "getSettings", "responses": {"200": json_body(ref("Settings"))}},
                "put": {
                    "operationId": "putSettings",
                    "requestBody": {"content": {"application/json": {"schema": ref("Settings")}}},
                    "responses": {"200": json_body(ref("Settings"))},
                },
                "patch": {
                    "operationId": "patchSettings",
                    "requestBody": {"content": {"application/json": {"schema": ref("Settings")}}},
                    "responses": {"200": json_body(ref("Settings"))},
                },
            },
            "/health": {
                "get": {"operationId": "health", "responses": {"200": json_body({"type": "object"})}}
            },
        },
        "components": {"schemas": {"Book": book, "Loan": loan, "Settings": settings}},
    }


def tokens(version: str = "3.0.3") -> dict[str, Any]:
    """The authentik ``/core/tokens/`` style: trailing slashes, DRF pagination, ``identifier`` lookup."""
    number = {"type": "number"}
    user = {"type": "object", "properties": {"pk": {"type": "integer"}, "username": {"type": "string"}}}
    token = {
        "type": "object",
        "required": ["identifier", "pk", "user_obj"],
        "properties": {
            "pk": {"type": "string", "format": "uuid", "readOnly": True},
            "identifier": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
            "intent": {"type": "string", "enum": ["verification", "api", "recovery", "app_password"]},
            "user": {"type": "integer"},
            "user_obj": {"allOf": [user], "readOnly": True},
            "description": {"type": "string"},
            "expiring": {"type": "boolean"},
            "key": {"type": "string", "writeOnly": True},
        },
    }
    pagination = {
        "type": "object",
        "required": ["next", "previous", "count", "current", "total_pages", "start_index", "end_index"],
        "properties": dict.fromkeys(
            ("next", "previous", "count", "current", "total_pages", "start_index", "end_index"), number
        ),
    }
    listing = {
        "type": "object",
        "required": ["pagination", "results", "autocomplete"],
        "properties": {
            "pagination": ref("Pagination"),
            "results": {"type": "array", "items": ref("Token")},
            "autocomplete": {"type": "object", "additionalProperties": {}},
        },
    }
    ident = [path_param("identifier")]
    body = {"content": {"application/json": {"schema": ref("Token")}}}
    document: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "tokens", "version": "1"},
        "paths": {
            "/core/tokens/": {
                "get": {
                    "operationId": "core_tokens_list",
                    "parameters": [
                        query("identifier"),
                        query("intent"),
                        query("expiring", {"type": "boolean"}),
                        query("user__username"),
                        query("ordering"),
                        query("page", {"type": "integer"}),
                        query("page_size", {"type": "integer"}),
                        query("search"),
                    ],
                    "responses": {"200": json_body(ref("PaginatedTokenList"))},
                },
                "post": {
                    "operationId": "core_tokens_create",
                    "requestBody": body,
                    "responses": {"201": json_body(ref("Token"))},
                },
            },
            "/core/tokens/{identifier}/": {
                "get": {
                    "operationId": "core_tokens_retrieve",
                    "parameters": ident,
                    "responses": {"200": json_body(ref("Token"))},
                },
                "put": {
                    "operationId": "core_tokens_update",
                    "parameters": ident,
                    "requestBody": body,
                    "responses": {"200": json_body(ref("Token"))},
                },
                "patch": {
                    "operationId": "core_tokens_partial_update",
                    "parameters": ident,
                    "requestBody": body,
                    "responses": {"200": json_body(ref("Token"))},
                },
                "delete": {
                    "operationId": "core_tokens_destroy",
                    "parameters": ident,
                    "responses": {"204": {"description": "No response body"}},
                },
            },
            "/core/tokens/{identifier}/view_key/": {
                "get": {
                    "operationId": "core_tokens_view_key_retrieve",
                    "parameters": ident,
                    "responses": {
                        "200": json_body({"type": "object", "properties": {"key": {"type": "string"}}})
                    },
                }
            },
            "/core/tokens/{identifier}/set_key/": {
                "post": {
                    "operationId": "core_tokens_set_key_create",
                    "parameters": ident,
                    "responses": {"204": {"description": "changed"}},
                }
            },
        },
        "components": {"schemas": {"Token": token, "Pagination": pagination, "PaginatedTokenList": listing}},
    }
    for item in document["paths"].values():
        for operation in item.values():  # drf-spectacular documents 400 and 403 everywhere
            operation["responses"].update(
                {"400": {"description": "invalid"}, "403": {"description": "denied"}}
            )
    return document


class Client:
    """Calls the sandbox the way the pipeline does: by operationId."""

    def __init__(self, document: dict[str, Any], *, seed: int = 7, records: int = 20) -> None:
        self.document = document
        self.operations: dict[str, Operation] = build_operations(document)
        self.sandbox = Sandbox.build(
            document,
            self.operations,
            Generator(document, version="3.1" if document["openapi"].startswith("3.1") else "3.0"),
            seed=seed,
            records=records,
        )

    def __call__(self, key: str, body: Any = None, **params: Any) -> Outcome | None:
        operation = self.operations[key]
        names = {p.name for p in operation.parameters if p.location == "path"}
        path_values = {k: str(v) for k, v in params.items() if k in names}
        query = {
            k: [str(x) for x in v] if isinstance(v, list) else [str(v)]
            for k, v in params.items()
            if k not in names
        }
        return self.sandbox.handle(operation, path_values, query, body)

    def ok(self, key: str, body: Any = None, **params: Any) -> Outcome:
        outcome = self(key, body, **params)
        assert outcome is not None
        assert outcome.error is None
        return outcome
