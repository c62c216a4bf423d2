"""Form bodies: every body the schema accepts (the `jsonschema` library's verdict, 2020-12) is
accepted when a client spells it the way OpenAPI's serialisation rules say, and every body it refuses
is refused.

The wire forms come from the rules, not from specmock: x-www-form-urlencoded fields are style
form, explode on (an object's members are fields of their own; an array is one field per item; an
empty object or array is written as nothing, RFC 6570); a multipart object is one JSON part and an
array one part per item (an array's content type is its items').
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from tests.conftest import spec

from specmock.server import create_app

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FREE_FORM = {"type": "object", "description": "The identity's traits"}
# Ory Kratos's registration body: the branches declare the same free-form `traits` object with
# different descriptions (and here one asks for a member), and each requires it.
REGISTRATION: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "required": ["method", "password", "traits"],
            "properties": {
                "method": {"type": "string", "const": "password"},
                "password": {"type": "string"},
                "traits": {**FREE_FORM, "minProperties": 1},
                "csrf_token": {"type": "string"},
            },
        },
        {
            "type": "object",
            "required": ["method", "traits"],
            "properties": {
                "method": {"type": "string", "const": "profile"},
                "traits": {"type": "object", "description": "Traits"},
                "transient_payload": {"type": "object"},
                "csrf_token": {"type": "string"},
            },
        },
    ]
}
ITEM = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "size": {"type": "integer", "minimum": 0}},
}
# Discord's message body: an optional nullable array of at most 3 objects, and an object
ATTACHMENTS: dict[str, Any] = {
    "type": "object",
    "required": ["attachments"],
    "properties": {
        "content": {"type": ["string", "null"]},
        "attachments": {"type": ["array", "null"], "items": ITEM, "maxItems": 3},
        "theme": {
            "oneOf": [{"type": "null"}, {"type": "object", "properties": {"mix": {"type": "integer"}}}]
        },
    },
}
TAGS = {
    "type": "object",
    "required": ["tags"],
    "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
}
COUNT = {
    "type": "object",
    "required": ["n"],
    "properties": {"n": {"type": "integer", "minimum": 0, "maximum": 1000}},
}
SCHEMAS = {
    "/count": (FORM, COUNT),
    "/registration": (FORM, REGISTRATION),
    "/messages": (MULTIPART, ATTACHMENTS),
    "/tags": (FORM, TAGS),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    ok = {"200": {"description": "ok"}, "422": {"description": "invalid"}}
    paths = {
        path: {
            "post": {
                "requestBody": {"required": True, "content": {media: {"schema": schema}}},
                "responses": ok,
            }
        }
        for path, (media, schema) in SCHEMAS.items()
    }
    file = tmp_path_factory.mktemp("forms") / "forms.yaml"
    file.write_text(yaml.safe_dump(spec(paths), sort_keys=False))
    return TestClient(create_app(file))


# (path, media type, the wire form, accepted?)
WIRE_ROWS: list[tuple[str, str, Any, bool]] = [
    # a free-form object several branches declare claims the fields nobody else declares
    ("/registration", FORM, "method=password&password=x&email=a%40b.c", True),
    # a required exploded object is spelled as nothing when empty
    ("/registration", FORM, "method=profile", True),
    ("/registration", FORM, "method=profile&csrf_token=t", True),
    # ... and the empty object is still checked: this branch wants a member
    ("/registration", FORM, "method=password&password=x", False),
    ("/registration", FORM, "password=x&email=a%40b.c", False),
    # a required exploded array is spelled as nothing when empty, even when it is the whole form
    ("/tags", FORM, "", True),
    ("/tags", FORM, "tags=a&tags=b", True),
    # JSON Schema calls 60.0 and 1e2 integers
    ("/count", FORM, "n=60.0", True),
    ("/count", FORM, "n=1e2", True),
    ("/count", FORM, "n=60.5", False),
    ("/count", FORM, "n=6e3", False),
    # a multipart array is one part per item: one JSON object is a one-item array
    ("/messages", MULTIPART, [("attachments", '{"id":"a"}')], True),
    ("/messages", MULTIPART, [("attachments", '{"id":"a"}'), ("attachments", '{"id":"b","size":2}')], True),
    ("/messages", MULTIPART, [("attachments", '{"id":"a","size":-1}')], False),
    ("/messages", MULTIPART, [("attachments", '{"size":1}')], False),
    ("/messages", MULTIPART, [("attachments", '{"id":"a"}')] * 4, False),  # maxItems 3
    ("/messages", MULTIPART, [("attachments", '[{"id":"a"},{"id":"b"}]')], True),  # or all of it as JSON
    # a required array with no item has no part: it is the empty array
    ("/messages", MULTIPART, [("content", "hi")], True),
    ("/messages", MULTIPART, [("content", "hi"), ("theme", '{"mix":1}')], True),
]


@pytest.mark.parametrize(("path", "media", "wire", "accepted"), WIRE_ROWS)
def test_each_wire_form_means_the_body_the_rules_say(
    client: TestClient, path: str, media: str, wire: Any, accepted: bool
) -> None:
    if media == FORM:
        response = client.post(path, content=wire, headers={"content-type": FORM})
    else:
        parts = [
            (name, (None, value, "application/json" if value[:1] in "[{" else "text/plain"))
            for name, value in wire
        ]
        response = client.post(path, files=parts)
    assert response.status_code == (200 if accepted else 422), response.headers.get("specmock-violations")


def text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def urlencoded_fields(body: dict[str, Any]) -> list[tuple[str, str]]:
    """Style form, explode on: objects spread into their members, arrays repeat the name."""
    fields: list[tuple[str, str]] = []
    for name, value in body.items():
        if isinstance(value, dict):
            fields.extend((member, text(inner)) for member, inner in value.items())
        elif isinstance(value, list):
            fields.extend((name, text(item)) for item in value)
        else:
            fields.append((name, text(value)))
    return fields


def multipart_parts(body: dict[str, Any]) -> list[tuple[str, tuple[None, str, str]]]:
    """One part per property, or per item of an array; objects as JSON parts."""
    parts = []
    for name, value in body.items():
        for item in value if isinstance(value, list) else [value]:
            media = "application/json" if isinstance(item, dict | list) else "text/plain"
            parts.append((name, (None, text(item), media)))
    return parts


def valid(schema: dict[str, Any], body: Any) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(body)


keys = st.text(st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=8).filter(
    lambda k: k not in ("method", "password", "traits", "csrf_token", "transient_payload")
)
words = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=8)
registrations = st.one_of(
    st.fixed_dictionaries(
        {"method": st.just("password"), "password": words, "traits": st.dictionaries(keys, words, max_size=3)}
    ),
    st.fixed_dictionaries(
        {"method": st.just("profile"), "traits": st.dictionaries(keys, words, max_size=3)},
        optional={"csrf_token": words},
    ),
    # refused: the password method without a password
    st.fixed_dictionaries(
        {"method": st.just("password"), "traits": st.dictionaries(keys, words, max_size=3)}
    ),
)
items = st.fixed_dictionaries({"id": words}, optional={"size": st.integers(-2, 5)})
messages = st.fixed_dictionaries(
    {"content": words, "attachments": st.lists(items, max_size=5)},
    optional={"theme": st.fixed_dictionaries({}, optional={"mix": st.integers(0, 9)})},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=registrations)
def test_urlencoded_bodies_are_accepted_exactly_when_jsonschema_accepts_them(
    client: TestClient, body: dict[str, Any]
) -> None:
    wire = urlencode(urlencoded_fields(body))
    response = client.post("/registration", content=wire, headers={"content-type": FORM})
    assert response.status_code == (200 if valid(REGISTRATION, body) else 422), response.headers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=messages)
def test_multipart_bodies_are_accepted_exactly_when_jsonschema_accepts_them(
    client: TestClient, body: dict[str, Any]
) -> None:
    response = client.post("/messages", files=multipart_parts(body))
    assert response.status_code == (200 if valid(ATTACHMENTS, body) else 422), response.headers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.one_of(st.integers(-5, 1005), st.floats(-5, 1005, allow_nan=False).map(lambda f: round(f, 1))))
def test_a_form_number_is_an_integer_exactly_when_jsonschema_says_so(client: TestClient, n: float) -> None:
    wire = urlencode([("n", json.dumps(n))])  # as schemathesis writes a generated number
    response = client.post("/count", content=wire, headers={"content-type": FORM})
    assert response.status_code == (200 if valid(COUNT, {"n": n}) else 422), (wire, response.headers)
