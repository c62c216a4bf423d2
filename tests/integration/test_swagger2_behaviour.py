"""A Swagger 2.0 document gets the same sandbox as a 3.x one: the store, spec-shaped errors, Prefer,
the response self-check, 2.0 parameter styles and forms, security."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.conftest import MakeClient

from specmock.report import check_report

TODOS = """\
swagger: '2.0'
info: {title: todos, version: '1'}
host: todos.example.com
basePath: /api
schemes: [https]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  key: {type: apiKey, in: header, name: X-Key}
parameters:
  Id: {name: id, in: path, required: true, type: integer, minimum: 1}
responses:
  NotFound: {description: no such todo, schema: {$ref: '#/definitions/Error'}}
paths:
  /todos:
    get:
      parameters:
        - {name: limit, in: query, type: integer, maximum: 50}
        - {name: tags, in: query, type: array, items: {type: integer}, collectionFormat: csv}
        - name: state
          in: query
          type: array
          items: {type: string, enum: [open, done]}
          collectionFormat: pipes
      responses:
        '200': {description: all, schema: {type: array, items: {$ref: '#/definitions/Todo'}}}
        '400': {description: bad query, schema: {$ref: '#/definitions/Error'}}
    post:
      security: [{key: []}]
      parameters: [{name: todo, in: body, required: true, schema: {$ref: '#/definitions/Todo'}}]
      responses:
        '201':
          description: made
          schema: {$ref: '#/definitions/Todo'}
          headers: {X-Rate-Limit: {type: integer, format: int32}}
        '400': {description: invalid, schema: {$ref: '#/definitions/Error'}}
        '401': {description: no key, schema: {$ref: '#/definitions/Error'}}
  /todos/{id}:
    parameters: [{$ref: '#/parameters/Id'}]
    get:
      responses:
        '200':
          description: one
          schema: {$ref: '#/definitions/Todo'}
          examples: {application/json: {id: 7, title: Example todo, done: false, note: null}}
        '404': {$ref: '#/responses/NotFound'}
    delete:
      responses:
        '204': {description: gone}
        '404': {$ref: '#/responses/NotFound'}
  /todos/{id}/attachments:
    parameters: [{$ref: '#/parameters/Id'}]
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: file, in: formData, type: file, required: true}
        - {name: caption, in: formData, type: string, maxLength: 20}
      responses:
        '200': {description: stored, schema: {$ref: '#/definitions/Attachment'}}
        '400': {description: invalid, schema: {$ref: '#/definitions/Error'}}
  /todos/{id}/labels:
    parameters: [{$ref: '#/parameters/Id'}]
    put:
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - name: labels
          in: formData
          type: array
          items: {type: integer}
          required: true
          collectionFormat: multi
      responses:
        '204': {description: labelled}
        '400': {description: invalid, schema: {$ref: '#/definitions/Error'}}
definitions:
  Todo:
    type: object
    required: [title]
    properties:
      id: {type: integer, readOnly: true, minimum: 1}
      title: {type: string, minLength: 1}
      done: {type: boolean}
      note: {type: string, x-nullable: true}
  Attachment:
    type: object
    required: [size]
    properties: {size: {type: integer}, caption: {type: string}}
  Error:
    type: object
    required: [code, message]
    properties: {code: {type: integer}, message: {type: string}}
"""
KEY = {"X-Key": "secret"}


@pytest.fixture
def todos(make_client: MakeClient) -> TestClient:
    return make_client(TODOS, seed=3)


def is_error(body: Any) -> bool:
    """The document's own Error shape (code and message, the violations beside them), not problem+json."""
    return (
        isinstance(body, dict) and isinstance(body.get("code"), int) and isinstance(body.get("message"), str)
    )


def test_the_store_keeps_what_was_created(todos: TestClient) -> None:
    created = todos.post("/api/todos", json={"title": "Write the README", "done": False}, headers=KEY)
    assert created.status_code == 201
    todo = created.json()
    assert todo["title"] == "Write the README"
    assert todos.get(f"/api/todos/{todo['id']}").json() == todo
    assert todo in todos.get("/api/todos").json()
    assert todos.delete(f"/api/todos/{todo['id']}").status_code == 204
    gone = todos.get(f"/api/todos/{todo['id']}")
    assert gone.status_code == 404
    assert is_error(gone.json())


def test_invalid_requests_get_the_documents_error_shape_and_change_nothing(todos: TestClient) -> None:
    before = todos.get("/api/todos").json()
    refused = todos.post("/api/todos", json={"title": ""}, headers=KEY)
    assert refused.status_code == 400
    assert is_error(refused.json())
    assert "title" in refused.json()["message"]
    assert todos.get("/api/todos").json() == before


def test_security_from_security_definitions_is_enforced(todos: TestClient) -> None:
    refused = todos.post("/api/todos", json={"title": "x"})
    assert refused.status_code == 401
    assert is_error(refused.json())


def test_prefer_picks_a_documented_status_and_the_documents_example(
    todos: TestClient, make_client: MakeClient
) -> None:
    missing = todos.get("/api/todos/1", headers={"Prefer": "code=404"})
    assert missing.status_code == 404
    assert is_error(missing.json())
    # A stored read stays the stored record (Prefer never bypasses the store) and says so …
    stored = todos.get("/api/todos/1", headers={"Prefer": "dynamic=false"})
    assert stored.content == todos.get("/api/todos/1").content
    assert "dynamic=false not applied" in stored.headers["specmock-violations"]
    # … and the document's converted example answers where nothing is stored.
    stateless = make_client(
        TODOS.replace("  /todos/{id}:\n", "  /todos/{id}:\n    x-specmock-resource: false\n")
    )
    example = stateless.get("/api/todos/1", headers={"Prefer": "dynamic=false"})
    assert example.json() == {"id": 7, "title": "Example todo", "done": False, "note": None}


def test_answers_pass_the_self_check_including_nullable_fields(todos: TestClient) -> None:
    listed = todos.get("/api/todos")
    assert "specmock-violations" not in listed.headers
    for todo in listed.json():
        answer = todos.get(f"/api/todos/{todo['id']}")
        assert "specmock-violations" not in answer.headers, answer.headers["specmock-violations"]
    created = todos.post("/api/todos", json={"title": "n", "note": None}, headers=KEY)
    assert created.status_code == 201, created.text
    assert created.json()["note"] is None
    assert "specmock-violations" not in created.headers
    assert "X-Rate-Limit" not in created.headers or created.headers["X-Rate-Limit"].lstrip("-").isdigit()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("tags=1,2,3", 200),  # csv: comma-separated
        ("state=open|done", 200),  # pipes
        ("tags=1,x", 400),
        ("state=open|later", 400),
        ("limit=51", 400),
    ],
)
def test_query_parameters_are_read_with_their_collection_format(
    todos: TestClient, query: str, status: int
) -> None:
    answer = todos.get(f"/api/todos?{query}")
    assert answer.status_code == status, answer.text
    if status == 400:
        assert is_error(answer.json())


def test_file_uploads_are_multipart_forms(todos: TestClient) -> None:
    stored = todos.post(
        "/api/todos/3/attachments", files={"file": ("a.png", b"\x89PNG\x00\xff")}, data={"caption": "shot"}
    )
    assert stored.status_code == 200, stored.text
    assert isinstance(stored.json()["size"], int)
    too_long = todos.post(
        "/api/todos/3/attachments", files={"file": ("a.png", b"x")}, data={"caption": "x" * 21}
    )
    assert too_long.status_code == 400
    assert is_error(too_long.json())
    not_multipart = todos.post("/api/todos/3/attachments", json={"caption": "x"})
    assert not_multipart.status_code == 400  # 415 is not documented: the documented 400, in its shape
    assert is_error(not_multipart.json())
    assert "application/json" in not_multipart.json()["message"]


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LABELS = TODOS.replace("          collectionFormat: multi\n", "")  # csv, the default


@pytest.mark.parametrize(
    ("document", "body", "status"),
    [
        (TODOS, b"labels=1&labels=2", 204),  # multi: the name repeats
        (TODOS, b"labels=1&labels=x", 400),
        (LABELS, b"labels=1,2", 204),  # csv: one comma-separated value
        (LABELS, b"labels=1,x", 400),
    ],
    ids=["multi", "multi, not an integer", "csv", "csv, not an integer"],
)
def test_form_arrays_are_read_with_their_collection_format(
    make_client: MakeClient, document: str, body: bytes, status: int
) -> None:
    answer = make_client(document, seed=3).put("/api/todos/3/labels", content=body, headers=FORM)
    assert answer.status_code == status, answer.text
    if status == 400:
        assert is_error(answer.json())


def test_check_says_the_document_was_converted(tmp_path: Any) -> None:
    path = tmp_path / "swagger.yaml"
    path.write_text(TODOS.replace("collectionFormat: pipes", "collectionFormat: tsv"))
    report = check_report(str(path))
    first = report.splitlines()[0]
    assert first.endswith("Swagger 2.0, converted to OpenAPI 3.0, 6 operations, mounted at /api")
    assert "Not carried over from Swagger 2.0 (1;" in report
    assert "/paths/~1todos/get/parameters/2/collectionFormat: collectionFormat 'tsv'" in report
