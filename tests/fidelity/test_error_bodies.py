"""Error bodies say each thing once: the long description in one text field (the short reason phrase
in the others), violation lists recognised by the shape of their items whatever they are called, one
entry per violation, and no empty "where" in an entry that is about no field."""

from __future__ import annotations

import random
from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.diagnostics import Diagnostic, Kind
from specmock.pipeline.shape_error import ErrorContext, shape_error
from tests.conftest import MakeClient
from tests.fidelity.todos import todos

TEXT_NAMES = ["message", "detail", "description", "error", "errorMessage", "msg", "title", "reason"]
NAME_LIKE = ["name", "field", "path", "pointer", "parameter", "location"]
MESSAGE_LIKE = ["message", "reason", "description", "detail"]
LIST_NAMES = ["fields", "problems", "invalid", "entries", "failures", "errors", "items_wrong"]
VIOLATIONS = (
    Diagnostic(Kind.INVALID, "501 is greater than the maximum of 500", "query", "limit"),
    Diagnostic(Kind.INVALID, '5 is not of type "string"', "body", "/title"),
)
NOT_FOUND = (Diagnostic(Kind.NOT_FOUND, "todos '999' does not exist"),)


def generate(schema: dict[str, Any], name: str) -> Any:
    return "x" if "string" in str(schema.get("type")) else 0


@st.composite
def error_schemas(draw: st.DrawFn) -> dict[str, Any]:
    texts = draw(st.lists(st.sampled_from(TEXT_NAMES), min_size=1, max_size=4, unique=True))
    where = draw(st.sampled_from(NAME_LIKE))
    what = draw(st.sampled_from([m for m in MESSAGE_LIKE if m != where]))
    listed = draw(st.sampled_from(LIST_NAMES))
    properties: dict[str, Any] = {t: {"type": "string"} for t in texts}
    properties[listed] = {
        "type": "array",
        "items": {"type": "object", "properties": {where: {"type": "string"}, what: {"type": "string"}}},
    }
    return {"type": "object", "required": texts[:1], "properties": properties}


def context(status: int, kind: Kind, diagnostics: tuple[Diagnostic, ...]) -> ErrorContext:
    return ErrorContext(status, kind, diagnostics, "/todos/999", generate)


@settings(max_examples=200, deadline=None)
@given(schema=error_schemas(), seed=st.integers(0, 2**16))
def test_any_error_schema_gets_each_text_once_and_one_entry_per_violation(
    schema: dict[str, Any], seed: int
) -> None:
    names = list(schema["properties"])
    random.Random(seed).shuffle(names)  # property order must not matter
    schema = {**schema, "properties": {n: schema["properties"][n] for n in names}}
    listed = next(n for n, s in schema["properties"].items() if s.get("type") == "array")
    item_props = schema["properties"][listed]["items"]["properties"]
    for status, kind, diagnostics in ((422, Kind.INVALID, VIOLATIONS), (404, Kind.NOT_FOUND, NOT_FOUND)):
        body = shape_error({}, schema, context(status, kind, diagnostics))
        jsonschema.validate(body, schema)
        long_texts = [v for k, v in body.items() if isinstance(v, str) and len(v) > 25]
        describes = any(n != "title" for n in body if schema["properties"][n].get("type") == "string")
        assert len(long_texts) == len(set(long_texts)) == (1 if describes else 0), body
        entries = body[listed]
        assert len(entries) == len(diagnostics)
        for entry, diagnostic in zip(entries, diagnostics, strict=True):
            assert diagnostic.message in entry.values()
            assert "" not in entry.values(), entry  # nothing says "about field ''"
            if kind is Kind.INVALID:
                where = next(p for p in item_props if p in NAME_LIKE)
                assert diagnostic.name.strip("/") in entry[where]


def test_the_issue_s_error_schema_through_the_server(make_client: MakeClient) -> None:
    client = make_client(todos())
    invalid = client.post("/todos", json={"title": 5, "done": "x"})
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["error"] == "Unprocessable Entity"
    assert body["fields"] == [
        {"name": "body/title", "reason": '5 is not of type "string"'},
        {"name": "body/done", "reason": '"x" is not of type "boolean"'},
    ]
    missing = client.get("/todos/999").json()
    assert missing["error"] == "Not Found"
    assert missing["message"] == "todos '999' does not exist"
    assert missing["fields"] == [{"name": "path.id", "reason": "todos '999' does not exist"}]


def test_location_and_name_side_by_side_are_told_apart(make_client: MakeClient) -> None:
    item = {
        "type": "object",
        "properties": {n: {"type": "string"} for n in ("location", "name", "message")},
    }
    schema = {"type": "object", "properties": {"issues": {"type": "array", "items": item}}}
    body = shape_error({}, schema, context(422, Kind.INVALID, VIOLATIONS))
    assert body["issues"][0] == {
        "location": "query",
        "name": "limit",
        "message": "501 is greater than the maximum of 500",
    }


OPEN_PROBLEM = {
    "type": "object",
    "additionalProperties": True,
    "properties": {"status": {"type": "integer"}, "title": {"type": "string"}, "detail": {"type": "string"}},
}


def test_an_open_problem_schema_keys_refused_fields_only() -> None:
    """An open error object may carry a field per refused value (Django REST style), but a missing
    record or a missing credential is no field's fault: no key named after the path parameter."""
    missing = (Diagnostic(Kind.NOT_FOUND, "todos '999' does not exist", "path", "id"),)
    body = shape_error({}, OPEN_PROBLEM, context(404, Kind.NOT_FOUND, missing))
    assert set(body) == {"status", "title", "detail"}
    refused = shape_error({}, OPEN_PROBLEM, context(422, Kind.INVALID, VIOLATIONS[:1]))
    assert refused["limit"] == ["501 is greater than the maximum of 500"]
