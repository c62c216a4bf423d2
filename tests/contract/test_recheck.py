"""The sweep's second opinion on refusals tells schemathesis's invalid data, wire forms that cannot
carry a valid body, and specmock's false refusals apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from specmock.server import create_app
from specmock.spec_files import api_name
from tests.conftest import spec
from tests.contract.conformance import check_operation, credentials, load_schema
from tests.contract.recheck import ACCEPTS, AGREES, UNSPELLABLE, Recheck

FORM = "application/x-www-form-urlencoded"
ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
BODY = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 3},
        "items": {"type": "array", "items": ITEM},
        "shape": {
            "oneOf": [{"type": "object"}, {"type": "object", "properties": {"r": {"type": "integer"}}}]
        },
        "when": {"type": "string", "format": "date"},
        "meta": {"type": "object", "properties": {"r": {"type": "integer"}}},
    },
}
LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 10}}


def document(version: str = "3.1.0") -> dict[str, Any]:
    content = {media: {"schema": BODY} for media in ("application/json", FORM)}
    operation = {
        "parameters": [LIMIT],
        "requestBody": {"content": content},
        "responses": {"200": {"description": "ok"}},
    }
    return spec({"/things": {"post": operation}}, version=version)


def values(body: Any, media: str = "application/json", **more: Any) -> dict[str, Any]:
    return {"body": body, "media_type": media, **more}


# (what schemathesis generated, what specmock said, the verdict)
ROWS: list[tuple[dict[str, Any], str, str]] = [
    (values({"name": "abc"}), "body/name: …", ACCEPTS),
    (values({"name": "abcd"}), "body/name: 'abcd' is too long", AGREES),
    (values({"shape": {"r": 1}}), "body/shape: valid under more than one", AGREES),  # both branches
    (values({"when": "2024-02-30"}), "body/when: not a date", AGREES),  # formats are checked
    (values({"name": "a"}, query={"limit": 11}), "query.limit: 11 is greater than 10", AGREES),
    (values({"name": "a"}, query={"limit": 10}), "query.limit: …", ACCEPTS),
    (values({"name": "a"}, query={"limit": "10"}), "query.limit: …", ACCEPTS),  # as schemathesis holds it
    (values({"name": "a"}, query={"limit": "11"}), "query.limit: …", AGREES),
    # an array of objects in a urlencoded body: schemathesis writes each object as its keys
    (
        values({"items": [{"id": "a"}]}, FORM),
        'body/items/0: "id" is not of type "object"',
        UNSPELLABLE,
    ),
    (
        values({"items": [{"id": "a"}]}, FORM),
        "body: not valid under any of the schemas",
        UNSPELLABLE,
    ),
    # an object written as its keys (schemathesis, for a body schema without top-level properties)
    (values({"meta": {"s": 2, "t": 3}}, FORM, wire=b"meta=s&meta=t"), "body: …", UNSPELLABLE),
    (values({"meta": {"s": 2}}, FORM, wire=b"s=2"), "body: …", ACCEPTS),
    # two objects spread into the same field names
    (values({"meta": {"r": 1}, "shape": {"r": None}}, FORM), "body/meta/r: …", UNSPELLABLE),
    (values({"meta": {"r": 1}, "r": "x"}, FORM), "body/meta/r: …", UNSPELLABLE),
    # ... but a refusal of something else is still a false refusal
    (values({"items": [{"id": "a"}], "name": "ab"}, FORM), "body/name: …", ACCEPTS),
    (values({"items": [{"id": "a"}]}), "body/items/0: …", ACCEPTS),  # JSON carries it
]


@pytest.mark.parametrize(("generated", "violations", "verdict"), ROWS)
def test_each_refusal_gets_the_verdict_of_jsonschema(
    generated: dict[str, Any], violations: str, verdict: str
) -> None:
    assert Recheck(document()).verdict("POST", "/things", generated, violations)[0] == verdict


def test_the_verdict_follows_the_documents_dialect() -> None:
    nullable = document("3.0.3")
    nullable["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"] = {
        "type": "object",
        "properties": {"name": {"type": "string", "nullable": True}},
    }
    assert Recheck(nullable).verdict("POST", "/things", values({"name": None}), "body/name: …")[0] == ACCEPTS
    assert Recheck(document()).verdict("POST", "/things", values({"name": None}), "body/name: …")[0] == AGREES


def test_schemathesis_urlencoded_arrays_of_objects_are_listed_as_unspellable(tmp_path: Path) -> None:
    file = tmp_path / "things.yaml"
    only_form = document()
    operation = only_form["paths"]["/things"]["post"]
    operation["parameters"] = []
    operation["requestBody"] = {
        "required": True,
        "content": {FORM: {"schema": {**BODY, "required": ["items"]}}},
    }
    operation["responses"]["422"] = {"description": "invalid"}
    file.write_text(yaml.safe_dump(only_form))
    app = create_app(file, seed=1)
    recheck = Recheck(app.apis[0].document)
    headers = credentials(app.apis[0].document)
    (operation_under_test,) = [r.ok() for r in load_schema(app, api_name(file)).get_all_operations()]
    findings = check_operation(operation_under_test, headers, 30, refusals=True, recheck=recheck)
    refused = [f.kind for f in findings if f.kind.startswith("Refused")]
    assert refused, "schemathesis sent no array of objects: the test proves nothing"
    wrong = [str(f) for f in findings if f.kind.startswith("Refused") and not f.kind.endswith(UNSPELLABLE)]
    assert not wrong, wrong
    assert any("nested values in 'items'" in f.message for f in findings), "the listing says why"
